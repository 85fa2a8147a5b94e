"""Ingest speed and memory against the time to only decompress the same dump.

    python -m bench.ingest                      # 200,000 and 1,000,000 releases
    python -m bench.ingest --sizes 200000 --repeats 3
    python -m bench.ingest --sizes 200000 --breakdown 20000   # CPU time per step

The dumps are the real 1,000-release 2020-08 sample replicated under new ids (see
bench/common.py; built once, cached in /tmp/discogs-bench). For each size, interleaved
`--repeats` times: `gzip -dc dump > /dev/null`, then `discogs-recs ingest` in a
subprocess (the whole stage: parse, SQLite, albums, full-text index). Reported: wall
time, CPU time (the process and its workers), peak memory of the whole process tree
(PSS, which counts pages that forked workers share with the parent once; sampled
every 0.2 s), releases/s, and the ratio ingest / decompress with the targets:
ingest within 4x the decompress time, and the same peak memory at every size.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from typing import Any, Dict, List

from bench.common import (BENCH_DIR, CLI, log, machine_line, mib, replicated_dump, run_measured,
                          table, write_result)

TARGET_RATIO = 4.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def decompress(path: str) -> Dict[str, float]:
    cpu = _children_cpu()
    started = time.perf_counter()
    with open(os.devnull, "wb") as null:
        subprocess.run(["gzip", "-dc", path], stdout=null, check=True)
    return {"seconds": time.perf_counter() - started, "cpu_seconds": _children_cpu() - cpu}


def ingest(path: str, out: str, workers: int = 0, command: List[str] = None,
           cwd: str = None) -> Dict[str, Any]:
    shutil.rmtree(out, ignore_errors=True)
    cmd = list(command or [CLI]) + ["--quiet", "ingest", "--releases", path, "--out", out]
    if workers:
        cmd += ["--workers", str(workers)]
    cpu = _children_cpu()
    result = run_measured(cmd, interval=0.2, cwd=cwd)
    result["cpu_seconds"] = _children_cpu() - cpu
    with sqlite3.connect(os.path.join(out, "work", "catalog.sqlite")) as conn:
        result["releases"] = conn.execute("SELECT count(*) FROM releases").fetchone()[0]
        result["albums"] = conn.execute("SELECT count(*) FROM albums").fetchone()[0]
    result["catalog_bytes"] = os.path.getsize(os.path.join(out, "work", "catalog.sqlite"))
    shutil.rmtree(out, ignore_errors=True)
    return result


def breakdown(path: str, limit: int) -> List[Dict[str, Any]]:
    """CPU time per release of each step of ingest, run one after the other in this
    process on the first `limit` releases of `path` (where the time goes), and of the
    Python path the compiled one stands in for."""
    import tempfile

    from index_builder import albums, catalog, chunkdb, fast, ingest, parse
    from index_builder.filters import Filters
    from index_builder.sources import open_dump
    from index_builder.text import DEFAULT_TEMPLATE

    if not fast.AVAILABLE:
        raise SystemExit(fast.MISSING)
    clock = time.process_time
    steps: Dict[str, float] = {}

    def timed_step(name: str, function, *args):
        started = clock()
        value = function(*args)
        steps[name] = steps.get(name, 0.0) + clock() - started
        return value

    def decompress_only() -> None:
        source = open_dump(path)  # ISA-L, as ingest reads
        total = 0
        while total < limit * 4600:  # the sample averages 4.5 KB of XML per release
            block = source.stream.read(1 << 20)
            if not block:
                break
            total += len(block)
        source.close()

    timed_step("decompress (ISA-L, in process)", decompress_only)
    source = open_dump(path)
    pieces = []
    count = 0
    started = clock()
    for _, chunk in parse.iter_chunks(source, "release"):
        pieces.append(b"<r>" + chunk + b"</r>")
        count += chunk.count(b"</release>")
        if count >= limit:
            break
    steps["cut into pieces"] = max(0.0, clock() - started
                                   - steps["decompress (ISA-L, in process)"])
    source.close()
    template = DEFAULT_TEMPLATE
    packed = []
    for document in pieces:
        rows_and_parts = timed_step("worker: parse, catalogue rows, parts (compiled)",
                                    fast.release_rows, document, template)
        staged = timed_step("worker: album rows, packed parts", ingest._staged,
                            rows_and_parts, len(rows_and_parts), template, True)
        read, rows, singles, members, parts = staged
        packed.append(timed_step("worker: rows into a piece database", chunkdb.pack, read,
                                 {"releases": rows, "single_albums": singles,
                                  "member_albums": members, "parts": parts}))
    # the same pieces through the Python reference path, for comparison only
    reference: Dict[str, float] = {}
    for document in pieces[: max(1, len(pieces) // 4)]:
        started = clock()
        records = parse.parse_document_lxml(document, "release")
        reference["lxml"] = reference.get("lxml", 0.0) + clock() - started
        started = clock()
        for record in records:
            row = catalog.release_row(record)
            part = albums.release_part(record, row[3], template)
            albums.single_album_row(part, template)
        reference["python"] = reference.get("python", 0.0) + clock() - started
    n = count
    with tempfile.TemporaryDirectory(dir=str(BENCH_DIR)) as tmp:
        db = catalog.create_schema(os.path.join(tmp, "catalog.sqlite"))
        db.execute(f"ATTACH DATABASE ? AS {ingest.STAGE}", [os.path.join(tmp, "stage.sqlite")])
        for statement in albums.STAGE_SCHEMA:
            db.execute(statement.format(s=ingest.STAGE))
        writer = chunkdb.Writer(db.conn, {
            "releases": "main.releases", "single_albums": f"{ingest.STAGE}.single_albums",
            "member_albums": f"{ingest.STAGE}.member_albums", "parts": f"{ingest.STAGE}.parts"})

        def write_all():
            for piece in packed:
                writer.load(piece)
                writer.copy()
            db.conn.commit()

        timed_step("writer: attach pieces, copy rows (SQL)", write_all)
        timed_step("album pass (lone masters in SQL, groups rendered)", albums.build_albums,
                   db, ingest.STAGE, False, template, False)
        timed_step("indexes + full-text search", catalog.finish, db)
        db.conn.close()
    result = [{"step": name, "us_per_release": seconds / n * 1e6, "releases": n}
              for name, seconds in steps.items()]
    share = max(1, len(pieces) // 4) / len(pieces)
    result.append({"step": "(Python path instead: lxml parse + convert)", "reference": True,
                   "us_per_release": reference["lxml"] / (n * share) * 1e6, "releases": n})
    result.append({"step": "(Python path instead: rows, parts, album rows)", "reference": True,
                   "us_per_release": reference["python"] / (n * share) * 1e6, "releases": n})
    return result


def main(argv: List[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--breakdown", type=int, default=0, metavar="N",
                        help="only time each step of ingest in one process on the first N "
                             "releases of the smallest size, and print CPU us per release")
    parser.add_argument("--sizes", default="200000,1000000",
                        help="comma-separated release counts (default 200000,1000000)")
    parser.add_argument("--repeats", type=int, default=2,
                        help="runs of each measurement, interleaved; the median is reported")
    parser.add_argument("--workers", type=int, default=0, help="ingest --workers (default: per core)")
    parser.add_argument("--command", default=None,
                        help="run this instead of discogs-recs (e.g. another checkout's "
                             "'python -m discogs_recs', with --cwd)")
    parser.add_argument("--cwd", default=None)
    parser.add_argument("--name", default="ingest", help="name of the JSON result in bench/out/")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    command = args.command.split() if args.command else None

    if args.breakdown:
        path = str(replicated_dump(min(sizes)))
        gz = decompress(path)
        steps = breakdown(path, args.breakdown)
        gzip_us = gz["cpu_seconds"] / min(sizes) * 1e6
        total = sum(s["us_per_release"] for s in steps if not s.get("reference"))
        print(f"\nCPU time per release of each ingest step, one process, first "
              f"{steps[0]['releases']:,} releases; {machine_line()}\n")
        print(table(["step", "CPU us / release", "share"],
                    [(s["step"], f"{s['us_per_release']:.1f}",
                      "" if s.get("reference") else f"{s['us_per_release'] / total:.0%}")
                     for s in steps] + [("total", f"{total:.1f}", "100%"),
                                        ("(gzip -dc, for scale)", f"{gzip_us:.1f}", "")]))
        print(f"\nOn 2 cores, perfectly shared, ingest would take at least {total / 2:.0f} us per "
              f"release = {total / 2 / gzip_us:.1f}x gzip -dc's {gzip_us:.0f} us.")
        write_result(args.name + "-breakdown", {"steps": steps, "gzip_cpu_us_per_release": gzip_us,
                                                 "total_us_per_release": total})
        return 0

    results = []
    for n in sizes:
        path = str(replicated_dump(n))
        runs: Dict[str, list] = {"decompress": [], "ingest": []}
        for attempt in range(args.repeats):
            log(f"{n:,} releases, run {attempt + 1}/{args.repeats}: gzip -dc")
            runs["decompress"].append(decompress(path))
            log(f"{n:,} releases, run {attempt + 1}/{args.repeats}: discogs-recs ingest")
            run = ingest(path, str(BENCH_DIR / f"ingest-out-{n}"), args.workers, command, args.cwd)
            run.pop("output", None)
            runs["ingest"].append(run)
            log(f"  gzip {runs['decompress'][-1]['seconds']:.1f} s, ingest {run['seconds']:.1f} s "
                f"(cpu {run['cpu_seconds']:.1f} s), peak PSS {mib(run['peak_pss']):.0f} MiB")
        gz = statistics.median(r["seconds"] for r in runs["decompress"])
        gz_cpu = statistics.median(r["cpu_seconds"] for r in runs["decompress"])
        wall = statistics.median(r["seconds"] for r in runs["ingest"])
        cpu = statistics.median(r["cpu_seconds"] for r in runs["ingest"])
        ratios = [i["seconds"] / d["seconds"] for d, i in zip(runs["decompress"], runs["ingest"])]
        last = runs["ingest"][-1]
        results.append({
            "releases": n, "dump_bytes": os.path.getsize(path),
            "decompress_seconds": gz, "decompress_cpu_seconds": gz_cpu,
            "ingest_seconds": wall, "ingest_cpu_seconds": cpu,
            "releases_per_second": n / wall,
            "ratio": wall / gz, "ratio_per_run": ratios, "best_ratio": min(ratios),
            "peak_pss_bytes": max(r["peak_pss"] for r in runs["ingest"]),
            "peak_rss_sum_bytes": max(r["peak_rss"] for r in runs["ingest"]),
            "albums": last["albums"], "releases_in_catalog": last["releases"],
            "catalog_bytes": last["catalog_bytes"], "runs": runs,
            "load_average_at_end": os.getloadavg()[0],
        })

    rows = [(f"{r['releases']:,}", f"{r['dump_bytes'] / 1e6:,.0f} MB", f"{r['decompress_seconds']:.1f}",
             f"{r['ingest_seconds']:.1f}", f"{r['ingest_cpu_seconds']:.0f}",
             f"{r['releases_per_second']:,.0f}", f"{r['ratio']:.1f}x (best {r['best_ratio']:.1f}x)",
             f"{mib(r['peak_pss_bytes']):.0f} MiB", f"{mib(r['peak_rss_sum_bytes']):.0f} MiB")
            for r in results]
    print(f"\nIngest, {machine_line()}\n")
    print(table(["releases", "dump (gz)", "gzip -dc s", "ingest s", "ingest CPU s", "releases/s",
                 "ingest / gzip", "peak PSS (tree)", "peak RSS sum"], rows))
    verdicts = []
    for r in results:
        verdicts.append(f"{r['releases']:,}: ingest {r['ratio']:.1f}x the decompress time "
                        f"({'meets' if r['ratio'] <= TARGET_RATIO else 'misses'} the 4x target)")
    if len(results) > 1:
        small, large = results[0], results[-1]
        growth = large["peak_pss_bytes"] / small["peak_pss_bytes"]
        verdicts.append(f"peak memory {mib(small['peak_pss_bytes']):.0f} MiB at "
                        f"{small['releases']:,} vs {mib(large['peak_pss_bytes']):.0f} MiB at "
                        f"{large['releases']:,} ({growth:.2f}x: "
                        f"{'flat' if growth < 1.15 else 'GROWS'})")
    print("\n" + "\n".join(f"- {v}" for v in verdicts))
    path = write_result(args.name, {"results": results, "verdicts": verdicts,
                                    "target_ratio": TARGET_RATIO})
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
