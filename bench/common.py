"""Helpers shared by the builder benchmarks: paths, machine facts, tables, JSON output,
the replicated releases dump, and measuring a command's wall time and peak memory.

Derived files live under $DISCOGS_BENCH_DIR (default /tmp/discogs-bench) and are reused
between runs; results go to bench/out/ (git-ignored). Nothing is ever written next to the
shared data.
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import platform
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
BENCH_DIR = Path(os.environ.get("DISCOGS_BENCH_DIR", "/tmp/discogs-bench"))
SHARED_DATA = Path(os.environ.get("DISCOGS_RECS_SHARED_DATA", ROOT.parent / "shared" / "data"))
SAMPLE_RELEASES = SHARED_DATA / "dumps/2020-08-sample/discogs_20200806_releases.xml.gz"
SAMPLE_MASTERS = SHARED_DATA / "dumps/2020-08-sample/discogs_20200806_masters.xml.gz"
POPULAR_MASTERS = SHARED_DATA / "popular-masters/discogs_popular_masters.xml.gz"
PYTHON = sys.executable
CLI = str(Path(sys.executable).with_name("discogs-recs"))


def require(path: Path) -> Path:
    if not path.exists():
        sys.exit(f"error: {path} is missing (the shared data folder; set DISCOGS_RECS_SHARED_DATA)")
    return path


# --- machine and output -------------------------------------------------------------

def machine() -> Dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gib": round(mem / (1 << 30), 1),
            "python": platform.python_version(), "platform": platform.platform()}


def machine_line(info: Optional[Dict[str, Any]] = None) -> str:
    info = info or machine()
    return (f"{info['nproc']} cores ({info['cpu']}), {info['memory_gib']} GiB RAM, "
            f"Python {info['python']}")


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        return str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def write_result(name: str, data: Dict[str, Any]) -> Path:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{name}.json"
    payload = {"benchmark": name, "when": dt.datetime.now().isoformat(timespec="seconds"),
               "command": " ".join([Path(sys.executable).name, "-m", f"bench.{name}",
                                    *sys.argv[1:]]),
               "machine": machine(), **data}
    path.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n")
    return path


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the replicated releases dump ----------------------------------------------------

_RECORD = re.compile(rb'<release id="(\d+)"')
_MASTER = re.compile(rb'(<master_id[^>]*>)(\d+)(</master_id>)')


def _templates(sample: bytes):
    """Split the sample into records, each as the pieces around its release and master id."""
    head_end = sample.index(b"<release ")
    head = sample[:head_end]
    tail_start = sample.rindex(b"</releases>")
    body = sample[head_end:tail_start]
    starts = [m.start() for m in _RECORD.finditer(body)] + [len(body)]
    masters: Dict[int, int] = {}
    records = []
    for start, end in zip(starts, starts[1:]):
        record = body[start:end]
        match = _RECORD.match(record)
        id_end = match.end(1)
        pieces = [record[:match.start(1)], None, record[id_end:]]
        master = _MASTER.search(record)
        master_index = None
        if master:
            original = int(master.group(2))
            master_index = masters.setdefault(original, len(masters))
            after = record[id_end:]
            m = _MASTER.search(after)
            pieces = [record[:match.start(1)], None, after[:m.start(2)], None, after[m.end(2):]]
        records.append((pieces, master_index))
    return head, sample[tail_start:], records, len(masters)


def replicated_dump(n_releases: int, force: bool = False, level: int = 6,
                    distinct_texts: bool = False) -> Path:
    """A releases dump of `n_releases` records: the real 1,000-release 2020-08 sample
    repeated under new ids, gzip level 6, cached under BENCH_DIR.

    Copy k of sample record i gets release id k*1000+i+1 (ids ascending, as in the real
    dump); each copy gets its own block of master ids so every copy groups like the
    sample does (590 masters per 1,000 releases), and `is_main_release` is kept.
    `level` is gzip's (the full-scale benchmark writes 5M+ releases with -1: four times
    faster to write, and ISA-L inflates it as fast). `distinct_texts` appends the copy
    number to every release title, so that no two copies' album texts are the same (the
    embedding cache would otherwise embed each of the sample's 975 texts once).
    """
    require(SAMPLE_RELEASES)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    suffix = ("" if level == 6 else f"-gz{level}") + ("-distinct" if distinct_texts else "")
    path = BENCH_DIR / f"discogs_20200806_releases-x{n_releases}{suffix}.xml.gz"
    if path.exists() and not force:
        return path
    with gzip.open(SAMPLE_RELEASES, "rb") as handle:
        sample = handle.read()
    head, tail, records, n_masters = _templates(sample)
    per_copy = len(records)
    partial = path.with_name(path.name + ".partial")
    log(f"writing {path} ({n_releases:,} releases; gzip -{level})")
    started = time.perf_counter()
    with open(partial, "wb") as out:
        proc = subprocess.Popen(["gzip", f"-{level}", "-c"], stdin=subprocess.PIPE, stdout=out)
        proc.stdin.write(head)
        written = 0
        copy = 0
        while written < n_releases:
            parts: List[bytes] = []
            master_base = copy * n_masters + 1
            title_end = f" {copy}</title>".encode()
            for i, (pieces, master_index) in enumerate(records):
                if written >= n_releases:
                    break
                release_id = str(copy * per_copy + i + 1).encode()
                if master_index is None:
                    record = (pieces[0], release_id, pieces[2])
                else:
                    record = (pieces[0], release_id, pieces[2],
                              str(master_base + master_index).encode(), pieces[4])
                if distinct_texts:  # the release's own title is its first <title>
                    record = (b"".join(record).replace(b"</title>", title_end, 1),)
                parts += record
                written += 1
            proc.stdin.write(b"".join(parts))
            copy += 1
        proc.stdin.write(tail)
        proc.stdin.close()
        if proc.wait() != 0:
            raise RuntimeError("gzip failed")
    os.replace(partial, path)
    log(f"wrote {path.stat().st_size / 1e6:,.0f} MB in {time.perf_counter() - started:.0f} s")
    return path


# --- running and measuring a command ------------------------------------------------

def _tree_memory(proc) -> tuple:
    """(sum of RSS, sum of PSS) in bytes over a process and all its descendants."""
    import psutil

    rss = pss = 0
    try:
        procs = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0, 0
    for p in procs:
        try:
            info = p.memory_full_info()
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        except psutil.Error:
            pass
    return rss, pss


def run_measured(cmd: Sequence[str], interval: float = 0.1, env: Optional[Dict[str, str]] = None,
                 cwd: Optional[str] = None) -> Dict[str, Any]:
    """Run `cmd`; return wall seconds, exit code, output tail, and the peak memory of its
    whole process tree (RSS summed over processes, and PSS, which counts memory shared
    by forked workers once), sampled every `interval` seconds."""
    import psutil

    started = time.perf_counter()
    popen = subprocess.Popen(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             env={**os.environ, **(env or {})}, cwd=cwd)
    proc = psutil.Process(popen.pid)
    peak = {"rss": 0, "pss": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss, pss = _tree_memory(proc)
            peak["rss"] = max(peak["rss"], rss)
            peak["pss"] = max(peak["pss"], pss)
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = popen.stdout.read()
    code = popen.wait()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    text = output.decode("utf-8", "replace")
    if code != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {code}:\n{text[-3000:]}")
    return {"seconds": seconds, "peak_rss": peak["rss"], "peak_pss": peak["pss"],
            "output": text[-2000:]}


def timed(cmd: Sequence[str], **kwargs: Any) -> float:
    started = time.perf_counter()
    subprocess.run(list(cmd), check=True, **kwargs)
    return time.perf_counter() - started


def mib(n: float) -> float:
    return n / (1 << 20)
