"""The whole build at full scale with `--model static`: seconds per stage, peak memory, disk.

    python -m bench.full_scale                              # 5,000,000 releases
    python -m bench.full_scale --releases 1000000           # a smaller run
    python -m bench.full_scale --releases 0 --masters 2530000   # the masters dump alone

The releases dump is the real 1,000-release 2020-08 sample replicated under new ids
(bench.common.replicated_dump; 615 of every 1,000 carry a master, the real dump's ~60 %,
so albums are ~97.5 % of releases here: every copy's masters are new), with the copy
number appended to each release title so that every album text is new to the
embedding cache (as in a real first build), written once with gzip -1 and cached. The masters dump is the real 1,000-master sample of the same
dump replicated the same way (master and main-release ids offset per copy).

The build runs as its four stage commands, `discogs-recs --quiet ingest|embed|index|
publish --out DIR` (what `discogs-recs build` runs in one process), each in its own
process so that each stage's peak memory is measured: RSS and PSS summed over the
stage's process tree (the embed stage's worker processes, the ingest parsers), sampled
every 0.2 s. The static model is distilled before the clock starts (once per cache
folder; its time is reported apart). Then the size of every file the build wrote.

Extrapolation to the 2026-10 dump (18.95M releases, 2.53M masters, ~10M albums):
ingest scales with records read (releases and masters at their measured rates), embed
with albums, the IVF index with albums x sqrt(albums) (the assignment pass scans nlist
= 4 sqrt(n) centroids per vector; training is on 39 x nlist samples), publish is a
rename.
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import re
import resource
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any, Dict, List

from bench.common import (BENCH_DIR, CLI, SAMPLE_MASTERS, log, machine_line, mib, replicated_dump,
                          require, run_measured, table, write_result)

DUMP_RELEASES = 18_950_000
DUMP_MASTERS = 2_530_000
DUMP_ALBUMS = 10_000_000
_MASTER = re.compile(rb'<master id="(\d+)">')
_MAIN = re.compile(rb"<main_release>(\d+)</main_release>")


def replicated_masters(n_masters: int) -> Path:
    """A masters dump of `n_masters` records: the real 1,000-master sample repeated,
    copy k's ids offset by k x 20,000,000 (above every real id of 2020) and k appended
    to its title (every album text new to the cache), gzip -1."""
    require(SAMPLE_MASTERS)
    path = BENCH_DIR / f"discogs_20200806_masters-x{n_masters}-gz1-distinct.xml.gz"
    if path.exists():
        return path
    with gzip.open(SAMPLE_MASTERS, "rb") as handle:
        sample = handle.read()
    head_end = sample.index(b"<master ")
    tail_start = sample.rindex(b"</masters>")
    body = sample[head_end:tail_start]
    starts = [m.start() for m in _MASTER.finditer(body)] + [len(body)]
    records = [body[a:b] for a, b in zip(starts, starts[1:])]
    partial = path.with_name(path.name + ".partial")
    log(f"writing {path} ({n_masters:,} masters; gzip -1)")
    with open(partial, "wb") as out:
        proc = subprocess.Popen(["gzip", "-1", "-c"], stdin=subprocess.PIPE, stdout=out)
        proc.stdin.write(sample[:head_end])
        written, copy = 0, 0
        while written < n_masters:
            offset = copy * 20_000_000
            chunk = []
            for record in records[:n_masters - written]:
                record = _MASTER.sub(lambda m: b'<master id="%d">' % (int(m.group(1)) + offset), record, 1)
                record = record.replace(b"</title>", b" %d</title>" % copy, 1)  # distinct texts
                record = _MAIN.sub(lambda m: b"<main_release>%d</main_release>" % (int(m.group(1)) + offset),
                                   record, 1)
                chunk.append(record)
            proc.stdin.write(b"".join(chunk))
            written += len(chunk)
            copy += 1
        proc.stdin.write(sample[tail_start:])
        proc.stdin.close()
        if proc.wait() != 0:
            raise RuntimeError("gzip failed")
    os.replace(partial, path)
    return path


def disk(root: Path) -> Dict[str, int]:
    sizes = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            sizes[str(path.relative_to(root))] = path.stat().st_size
    return sizes


def main(argv: List[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--releases", type=int, default=5_000_000)
    parser.add_argument("--masters", type=int, default=0)
    parser.add_argument("--out", default=None, help="index folder (default under $DISCOGS_BENCH_DIR)")
    parser.add_argument("--name", default=None)
    args = parser.parse_args(argv)
    name = args.name or f"full_scale-{args.releases}r-{args.masters}m"
    inputs: List[str] = []
    dumps: Dict[str, int] = {}
    if args.releases:
        path = replicated_dump(args.releases, level=1, distinct_texts=True)
        inputs += ["--releases", str(path)]
        dumps[path.name] = path.stat().st_size
    if args.masters:
        path = replicated_masters(args.masters)
        inputs += ["--masters", str(path)]
        dumps[path.name] = path.stat().st_size
    out = Path(args.out or BENCH_DIR / name)
    shutil.rmtree(out, ignore_errors=True)
    (out / "cache").mkdir(parents=True)

    # the static model, distilled once and shared between runs (not part of a build's time)
    from index_builder.static_model import distilled_folder

    started = time.perf_counter()
    shared_models = BENCH_DIR / "models"
    folder = distilled_folder("static", shared_models, progress=False)
    distil_seconds = time.perf_counter() - started
    (out / "cache" / "models").mkdir()
    (out / "cache" / "models" / folder.name).symlink_to(folder.resolve())

    stages: Dict[str, Dict[str, Any]] = {}
    commands = {"ingest": ["ingest", *inputs], "embed": ["embed", "--model", "static"],
                "index": ["index"], "publish": ["publish"]}
    for stage, command in commands.items():
        log(f"{stage}: {' '.join(command)}")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = run_measured([CLI, "--quiet", *command, "--out", str(out)], interval=0.2)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        stages[stage] = {k: result[k] for k in ("seconds", "peak_rss", "peak_pss")}
        # CPU seconds of the stage's whole process tree: on a machine shared with other
        # work, wall time stretches but this does not
        stages[stage]["cpu_seconds"] = (after.ru_utime - before.ru_utime
                                        + after.ru_stime - before.ru_stime)
        log(f"{stage}: {result['seconds']:.0f} s, peak RSS {mib(result['peak_rss']):,.0f} MiB, "
            f"PSS {mib(result['peak_pss']):,.0f} MiB; {result['output'].strip()[-200:]}")
    manifest = json.loads((out / "manifest.json").read_text())
    counts = manifest["counts"]
    files = disk(out)
    total = sum(s["seconds"] for s in stages.values())
    albums = counts["albums"]
    releases_read = counts.get("releases", 0)
    masters_read = counts.get("masters", 0)

    # extrapolation to the 2026-10 dump
    ingest_s = stages["ingest"]["seconds"]
    per_record = ingest_s / max(1, releases_read + masters_read)
    ingest_full = per_record * (DUMP_RELEASES + DUMP_MASTERS)
    embed_full = stages["embed"]["seconds"] / albums * DUMP_ALBUMS
    scale = DUMP_ALBUMS / albums
    index_full = stages["index"]["seconds"] * scale * math.sqrt(scale)
    whole = ingest_full + embed_full + index_full + stages["publish"]["seconds"]
    extrapolated = {"ingest": ingest_full, "embed": embed_full, "index": index_full,
                    "publish": stages["publish"]["seconds"], "total": whole}
    factors = {"ingest": ingest_full / max(ingest_s, 1e-9),
               "embed": embed_full / max(stages["embed"]["seconds"], 1e-9),
               "index": scale * math.sqrt(scale), "publish": 1.0}
    extrapolated_cpu = {s: stages[s]["cpu_seconds"] * f for s, f in factors.items()}
    extrapolated_cpu["total"] = sum(extrapolated_cpu.values())

    print(f"\nFull-scale build, --model static: {releases_read:,} releases, {masters_read:,} "
          f"masters -> {albums:,} albums ({manifest['index']['type']} index "
          f"{manifest['index']['params']}); {machine_line()}\n")
    print(table(["stage", "seconds", "CPU s", "peak RSS (tree)", "peak PSS (tree)",
                 "2026-10 dump, extrapolated s", "extrapolated CPU s"],
                [(s, f"{v['seconds']:.0f}", f"{v['cpu_seconds']:.0f}", f"{mib(v['peak_rss']):,.0f} MiB",
                  f"{mib(v['peak_pss']):,.0f} MiB", f"{extrapolated[s]:,.0f}",
                  f"{extrapolated_cpu[s]:,.0f}")
                 for s, v in stages.items()] +
                [("total", f"{total:.0f}", f"{sum(v['cpu_seconds'] for v in stages.values()):.0f}",
                  "", "", f"{whole:,.0f} ({whole / 60:.0f} min)",
                  f"{extrapolated_cpu['total']:,.0f} ({extrapolated_cpu['total'] / 120:.0f} min "
                  "on 2 free cores)")]))
    print()
    print(table(["file", "bytes", "per album"],
                [(f, f"{size:,}", f"{size / albums:,.0f}") for f, size in
                 {**{f"(input) {k}": v for k, v in dumps.items()}, **files}.items()]))
    print(f"\nstatic model distilled in {distil_seconds:.0f} s (0 when already cached)")
    path = write_result(name, {"releases": releases_read, "masters": masters_read,
                               "albums": albums, "stages": stages, "files": files, "dumps": dumps,
                               "index": manifest["index"], "embedding": manifest["embedding"],
                               "model": manifest["model"], "total_seconds": total,
                               "distil_seconds": distil_seconds,
                               "extrapolated_2026_10": extrapolated,
                               "extrapolated_2026_10_cpu": extrapolated_cpu})
    log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
