"""A rebuild of an unchanged dump against the first build (target: at least 20x faster).

    python -m bench.rebuild
    python -m bench.rebuild --repeats 3

Inputs: the real 1,000-release 2020-08 sample plus the 2,072 popular masters. The first
build starts from an empty index folder and cache (so it exports the model for the
default backend, loads it and embeds every album); the rebuild runs the same command
on the same folder. Both are `discogs-recs build` in a subprocess, so start-up and
model load count. With --repeats N the pair is run N times from scratch and medians
are reported.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any, Dict, List

from bench.common import (BENCH_DIR, CLI, POPULAR_MASTERS, SAMPLE_RELEASES, log, machine_line,
                          require, run_measured, table, write_result)

TARGET = 20.0


def build(out: Path, extra: List[str]) -> Dict[str, Any]:
    cmd = [CLI, "--quiet", "build", "--releases", str(SAMPLE_RELEASES), "--masters",
           str(POPULAR_MASTERS), "--out", str(out), *extra]
    result = run_measured(cmd, interval=0.5)
    manifest = json.loads((out / "manifest.json").read_text())
    return {"seconds": result["seconds"], "peak_pss": result["peak_pss"],
            "stage_seconds": manifest["stage_seconds"], "embedding": manifest.get("embedding"),
            "albums": manifest["counts"]["albums"], "backend": manifest["model"]["backend"],
            "index": manifest["index"]["type"]}


def main(argv: List[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--backend", default=None, help="--backend for both builds (default: the CLI's)")
    parser.add_argument("--name", default="rebuild")
    args = parser.parse_args(argv)
    require(SAMPLE_RELEASES)
    require(POPULAR_MASTERS)
    extra = ["--backend", args.backend] if args.backend else []
    out = BENCH_DIR / "rebuild-out"
    pairs = []
    for attempt in range(args.repeats):
        shutil.rmtree(out, ignore_errors=True)
        log(f"run {attempt + 1}/{args.repeats}: first build (empty folder and cache)")
        first = build(out, extra)
        log(f"  {first['seconds']:.1f} s; rebuild of the same inputs")
        again = build(out, extra)
        log(f"  {again['seconds']:.1f} s ({first['seconds'] / again['seconds']:.1f}x)")
        pairs.append({"first": first, "rebuild": again, "ratio": first["seconds"] / again["seconds"]})
    shutil.rmtree(out, ignore_errors=True)
    first_s = statistics.median(p["first"]["seconds"] for p in pairs)
    again_s = statistics.median(p["rebuild"]["seconds"] for p in pairs)
    ratio = first_s / again_s
    rows = []
    for label, key in (("first build", "first"), ("rebuild, unchanged", "rebuild")):
        run = pairs[-1][key]
        stages = run["stage_seconds"]
        rows.append((label, f"{statistics.median(p[key]['seconds'] for p in pairs):.1f}",
                     f"{stages['ingest']:.1f}", f"{stages['embed']:.1f}", f"{stages['index']:.2f}",
                     f"{run['embedding']['embedded']:,} / {run['embedding']['from_cache']:,}"
                     if run.get("embedding") else "-"))
    print(f"\nRebuild, sample (1,000 releases) + popular masters (2,072): "
          f"{pairs[-1]['first']['albums']:,} albums, backend {pairs[-1]['first']['backend']}, "
          f"{machine_line()}\n")
    print(table(["build", "wall s (whole command)", "ingest s", "embed s", "index s",
                 "embedded / from cache"], rows))
    verdict = (f"rebuild {ratio:.1f}x faster than the first build "
               f"({'meets' if ratio >= TARGET else 'misses'} the {TARGET:.0f}x target)")
    print(f"\n{verdict}")
    path = write_result(args.name, {"pairs": pairs, "first_seconds": first_s,
                                    "rebuild_seconds": again_s, "ratio": ratio,
                                    "target": TARGET, "verdict": verdict})
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
