"""MiniLM against the static model on the collectors benchmark: which should `build` default to?

    python -m bench.static_quality                       # 2 seeds, both catalogues
    python -m bench.static_quality --seeds 0,1,2 --models default,static

For each catalogue of ../shared/data/collectors (the whole one: its releases and masters;
and its masters only) and each model, the index is built once with `discogs-recs build`
(under $DISCOGS_BENCH_DIR/static-quality, embeddings cached), then `discogs-recs evaluate
--export users/<user>_collection.csv --json` runs per collector and seed (5-fold
hold-out, a new fold assignment per seed). Figures are macro-averaged over collectors
(each collector counts once, whatever the size of the collection), then averaged over
seeds; the noise is the spread over seeds of the same model (max - min of the
macro-average) and the per-collector 95 % intervals evaluate reports.

The default is static only where the whole recommender (`served`: what the API answers)
is within that noise of MiniLM's.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
from pathlib import Path
from typing import Any, Dict, List

from bench.common import BENCH_DIR, CLI, SHARED_DATA, log, require, table, write_result

COLLECTORS = SHARED_DATA / "collectors"
METRICS = ("recall@10", "ndcg@10", "recall@50", "ndcg@50")
METHODS = ("served", "recommender", "genre-style", "same-artist")


def build(catalogue: str, model: str) -> Path:
    out = BENCH_DIR / "static-quality" / f"{catalogue}-{model.replace(':', '_').replace('/', '_')}"
    if (out / "manifest.json").exists():
        return out
    args = [CLI, "--quiet", "build", "--model", model, "--out", str(out),
            "--cache", str(BENCH_DIR / "static-quality" / "cache"),
            "--masters", str(require(COLLECTORS / "catalogue_masters.xml.gz"))]
    if catalogue == "full":
        args += ["--releases", str(require(COLLECTORS / "catalogue_releases.xml.gz"))]
    log(f"building {out.name}")
    subprocess.run(args, check=True, capture_output=True)
    return out


def evaluate(index: Path, export: Path, seed: int) -> Dict[str, Dict[str, float]]:
    out = subprocess.run([CLI, "--quiet", "evaluate", "--index", str(index), "--export",
                          str(export), "--protocol", "kfold", "--seed", str(seed),
                          "--methods", ",".join(METHODS), "--json"],
                         check=True, capture_output=True, text=True)
    protocol = json.loads(out.stdout)["protocols"][0]
    return {m["name"]: {k: m["metrics"][k] for k in METRICS} for m in protocol["methods"]}


def main(argv: List[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default="default,static")
    parser.add_argument("--catalogues", default="full,masters")
    parser.add_argument("--seeds", default="0,1")
    args = parser.parse_args(argv)
    models = args.models.split(",")
    seeds = [int(s) for s in args.seeds.split(",")]
    exports = sorted(require(COLLECTORS / "users").glob("*_collection.csv"))
    runs: List[Dict[str, Any]] = []
    for catalogue in args.catalogues.split(","):
        for model in models:
            index = build(catalogue, model)
            for seed in seeds:
                for export in exports:
                    log(f"{catalogue} {model} seed {seed} {export.name}")
                    runs.append({"catalogue": catalogue, "model": model, "seed": seed,
                                 "collector": export.name.replace("_collection.csv", ""),
                                 "methods": evaluate(index, export, seed)})
    rows, summary = [], {}
    for catalogue in args.catalogues.split(","):
        for method in METHODS:
            for model in models:
                per_seed = []
                for seed in seeds:
                    mine = [r for r in runs if (r["catalogue"], r["model"], r["seed"]) ==
                            (catalogue, model, seed)]
                    per_seed.append({k: statistics.fmean(r["methods"][method][k] for r in mine)
                                     for k in METRICS})
                mean = {k: statistics.fmean(s[k] for s in per_seed) for k in METRICS}
                spread = {k: max(s[k] for s in per_seed) - min(s[k] for s in per_seed)
                          for k in METRICS}
                summary[f"{catalogue}/{method}/{model}"] = {"mean": mean, "seed_spread": spread,
                                                            "per_seed": per_seed}
                rows.append([catalogue, method, model,
                             *[f"{mean[k]:.3f} ±{spread[k] / 2:.3f}" for k in METRICS]])
    print(table(["catalogue", "method", "model", *METRICS], rows))
    if len(models) == 2:
        ratio_rows = []
        for catalogue in args.catalogues.split(","):
            for method in METHODS:
                a = summary[f"{catalogue}/{method}/{models[0]}"]["mean"]
                b = summary[f"{catalogue}/{method}/{models[1]}"]["mean"]
                ratio_rows.append([catalogue, method, *[f"{b[k] / a[k]:.2f}x" if a[k] else "-"
                                                        for k in METRICS]])
        print(f"\n{models[1]} / {models[0]}:\n")
        print(table(["catalogue", "method", *METRICS], ratio_rows))
    path = write_result("static_quality", {"runs": runs, "summary": summary,
                                           "collectors": [e.name for e in exports]})
    log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
