"""Serving benchmark: latency and throughput of the API that `discogs-recs serve` starts, with wrk.

Scenarios, each on the real sample index (1,000 sample releases + 2,072 popular masters,
real embeddings) and on a synthetic 1M-album index (bench/serving_index.py):

    neighbours           GET /api/v1/masters/<id>/neighbours?k=20   (one page, "more like this")
    release_neighbours   GET /api/v1/releases/<id>/neighbours?k=20  (one release)
    collection           POST /api/v1/recommendations, 100 owned albums, k=20
    collection           POST /api/v1/recommendations, 2,000 owned albums, k=20

For each: in-process time of the engine and of the naive approach (mean vector, brute
force numpy over every vector) on the same inputs, then HTTP against the server that
`discogs-recs serve` (and so `make run`) starts: gunicorn with server/gunicorn_conf.py,
the Procfile's config, one sync worker per core; `--servers default,dev` also measures
`discogs-recs serve --dev` (Flask's threaded server). wrk runs at 2 connections
(latency: one request per worker) and 8 connections (throughput). Results:
bench/out/serving.json and a markdown table on stdout (pasted into
docs/benchmarks-serving.md).

    apt-get install -y wrk
    python -m bench.serving                       # both indexes, about 5 minutes
    python -m bench.serving --only sample --duration 5
    python -m bench.serving --only sample --servers default,dev --scenarios release_neighbours \
        --sample-index data/index       # the index `make run` serves
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as gunicorn_conf.py does for workers

import numpy as np  # noqa: E402

from bench.common import BENCH_DIR, POPULAR_MASTERS, SAMPLE_RELEASES, machine_line, require, write_result  # noqa: E402
from bench import serving_index  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
K = 20
LUA = """
local lines = {}
local kind = "POST"
local i = 0
init = function(args)
  kind = args[2]
  for line in io.lines(args[1]) do lines[#lines + 1] = line end
  i = math.random(#lines)
end
request = function()
  i = i % #lines + 1
  if kind == "GET" then return wrk.format("GET", lines[i]) end
  return wrk.format("POST", "/api/v1/recommendations",
                    {["Content-Type"] = "application/json"}, lines[i])
end
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- inputs ------------------------------------------------------------------------------

def sample_index(force: bool = False) -> Path:
    out = BENCH_DIR / "serving-sample"
    if force or not (out / "manifest.json").exists():
        log(f"building the sample index in {out} (real model, about 30 s)")
        subprocess.run([str(BIN / "discogs-recs"), "--quiet", "build", "--releases",
                        str(require(SAMPLE_RELEASES)), "--masters", str(require(POPULAR_MASTERS)),
                        "--out", str(out)], check=True)
    return out


def taste_collections(store, size: int, count: int, seed: int) -> List[List[int]]:
    """Collections shaped like a collector's: a few tastes, each a seed album and its neighbours."""
    rng = np.random.default_rng(seed)
    collections = []
    for _ in range(count):
        seeds = rng.choice(store.album_count, max(2, size // 25), replace=False)
        _, ids = store.search(store.album_vectors(seeds), 40)
        album_ids = list(dict.fromkeys(int(a) for a in ids.ravel() if a >= 0))
        if len(album_ids) < size:  # small catalogue: top up at random
            rest = np.setdiff1d(np.arange(store.album_count), album_ids)
            album_ids += rng.choice(rest, size - len(album_ids), replace=False).tolist()
        collections.append(sorted(album_ids[:size]))
    return collections


def request_ids(store, album_ids: Sequence[int]) -> Dict[str, List[int]]:
    """The ids a client would send: the master id when there is one, else the release id."""
    albums = store.albums(album_ids)
    masters = [a["master_id"] for a in albums.values() if a["master_id"]]
    releases = [a["release_id"] for a in albums.values() if not a["master_id"]]
    return {"release_ids": releases, "master_ids": masters}


# -- in process --------------------------------------------------------------------------

def cpu_idle(seconds: float = 1.0) -> float:
    """Fraction of CPU time idle over the next `seconds` (from /proc/stat)."""
    def sample():
        with open("/proc/stat") as handle:
            values = [int(v) for v in handle.readline().split()[1:]]
        return values[3] + values[4], sum(values)
    idle0, total0 = sample()
    time.sleep(seconds)
    idle1, total1 = sample()
    return (idle1 - idle0) / max(1, total1 - total0)


PATIENCE = 30.0  # --patience


def wait_for_quiet(threshold: float = 0.85, patience: Optional[float] = None) -> float:
    """Other work on this machine skews latency: wait (up to `patience` s) for a second
    with at least `threshold` of the CPUs idle; returns the idle fraction measured."""
    deadline = time.monotonic() + (PATIENCE if patience is None else patience)
    idle = cpu_idle()
    while idle < threshold and time.monotonic() < deadline:
        idle = cpu_idle()
    if idle < threshold:
        log(f"  the machine stays busy ({idle:.0%} idle); measuring anyway")
    return idle


def percentiles(samples_ms: List[float]) -> Dict[str, float]:
    data = np.array(samples_ms)
    return {"p50_ms": float(np.percentile(data, 50)), "p99_ms": float(np.percentile(data, 99)),
            "n": len(samples_ms)}


def timed(calls: List[Callable[[], Any]], repeat: int, limit: int = 1000) -> Dict[str, float]:
    """Run every call `repeat` times (at most `limit` calls in all); p50/p99 in ms."""
    calls[0]()  # warm caches
    samples = []
    for r in range(repeat):
        for call in calls:
            if len(samples) >= limit:
                break
            started = time.perf_counter()
            call()
            samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def naive(vectors: np.ndarray, owned: Sequence[int], k: int) -> np.ndarray:
    """The baseline: one mean vector, every album scored with numpy, owned albums dropped."""
    profile = vectors[np.asarray(owned)].mean(axis=0)
    scores = vectors @ (profile / np.linalg.norm(profile))
    scores[np.asarray(owned)] = -np.inf
    top = np.argpartition(-scores, k)[:k]
    return top[np.argsort(-scores[top])]


def in_process(index_dir: Path, scenarios: Dict[str, Any], repeat: int) -> Dict[str, Any]:
    import faiss

    from recommender.engine import Recommender
    from recommender.store import IndexStore

    faiss.omp_set_num_threads(1)
    store = IndexStore.open(str(index_dir))
    engine = Recommender(store)
    log(f"loading {store.album_count:,} vectors into memory for the naive baseline")
    vectors = np.ascontiguousarray(store.vectors, dtype=np.float32)
    results = {}
    for name, scenario in scenarios.items():
        idle = wait_for_quiet()
        if scenario["kind"] == "neighbours":
            engine_calls = [lambda a=a: engine.neighbours(a, K) for a in scenario["albums"]]
            naive_calls = [lambda a=a: naive(vectors, [a], K) for a in scenario["albums"]]
            reps = repeat * 5
        else:
            engine_calls = [lambda c=c: engine.recommend(c, K) for c in scenario["collections"]]
            naive_calls = [lambda c=c: naive(vectors, c, K) for c in scenario["collections"]]
            reps = repeat
        # The naive baseline scans every vector: 100 runs are plenty (and ~10 s on 1M).
        results[name] = {"engine": timed(engine_calls, reps), "naive": timed(naive_calls, reps, 100),
                         "cpu_idle_before": round(idle, 3)}
        log(f"  in process {name}: engine p50 {results[name]['engine']['p50_ms']:.1f} ms, "
            f"naive p50 {results[name]['naive']['p50_ms']:.1f} ms")
    del vectors
    return results


# -- over HTTP ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(index_dir: Path, port: int, workers: int, log_file: Path,
                 dev: bool = False) -> subprocess.Popen:
    """`discogs-recs serve` as a user starts it (gunicorn; Flask's server with --dev).
    Its log (Flask's has a line per request) goes to `log_file`."""
    cmd = [str(BIN / "discogs-recs"), "serve", "--index", str(index_dir), "--port", str(port)]
    cmd += ["--dev"] if dev else ["--workers", str(workers)]
    with open(log_file, "wb") as log_out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log_out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
        if proc.poll() is not None:
            raise RuntimeError(f"{' '.join(cmd)} exited: {log_file.read_text()[-2000:]}")
    stop(proc)
    raise RuntimeError(f"{' '.join(cmd)} did not answer /healthz within 180 s")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk(port: int, lines_file: Path, kind: str, connections: int, duration: int,
        workdir: Path) -> Dict[str, Any]:
    script = workdir / "requests.lua"
    # Several wrk clients may start at once (bench.serving_scale's mixed load): rewriting
    # the script under one that is reading it would leave it an empty script (plain GET /).
    if not script.exists() or script.read_text() != LUA:
        script.write_text(LUA)
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s",
           "-s", str(script), f"http://127.0.0.1:{port}", "--", str(lines_file), kind]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    found = {p: _ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"connections": connections, "p50_ms": found.get("50"), "p99_ms": found.get("99"),
            "requests_per_s": rps, "non_2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else None,
            "command": " ".join(cmd)}


def over_http(index_dir: Path, scenarios: Dict[str, Any], duration: int, workers: int,
              dev: bool = False) -> Dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="serving-bench-"))
    port = free_port()
    log(f"starting discogs-recs serve ({'--dev: Flask' if dev else f'gunicorn, {workers} workers'}) "
        f"on {index_dir}")
    proc = start_server(index_dir, port, workers, workdir / "server.log", dev)
    results: Dict[str, Any] = {}
    try:
        for name, scenario in scenarios.items():
            lines = workdir / f"{name}.txt"
            lines.write_text("\n".join(scenario["lines"]) + "\n")
            kind = "GET" if scenario["kind"] == "neighbours" else "POST"
            wrk(port, lines, kind, 2, 2, workdir)  # warm-up: page cache, SQLite, FAISS
            results[name] = {}
            for run, connections in (("latency", 2), ("throughput", 8)):
                idle = wait_for_quiet()
                results[name][run] = {**wrk(port, lines, kind, connections, duration, workdir),
                                      "cpu_idle_before": round(idle, 3)}
            lat, thr = results[name]["latency"], results[name]["throughput"]
            log(f"  http {name}: p50 {lat['p50_ms']:.1f} ms p99 {lat['p99_ms']:.1f} ms at 2 "
                f"connections; {thr['requests_per_s']:.0f} req/s at 8 (p99 {thr['p99_ms']:.1f} ms)")
    finally:
        stop(proc)
        shutil.rmtree(workdir, ignore_errors=True)
    return results


# -- the run -----------------------------------------------------------------------------

def scenarios_for(index_dir: Path) -> Dict[str, Any]:
    from recommender.store import IndexStore

    store = IndexStore.open(str(index_dir))
    rng = np.random.default_rng(3)
    albums = store.albums(rng.choice(store.album_count, 200, replace=False).tolist())
    neighbour_paths = [f"/api/v1/masters/{a['master_id']}/neighbours?k={K}" if a["master_id"]
                       else f"/api/v1/releases/{a['release_id']}/neighbours?k={K}"
                       for a in albums.values()]
    out = {"neighbours": {"kind": "neighbours", "albums": list(albums), "lines": neighbour_paths}}
    with_release = {a: album for a, album in albums.items() if album["release_id"]}
    out["release_neighbours"] = {
        "kind": "neighbours", "albums": list(with_release),
        "lines": [f"/api/v1/releases/{album['release_id']}/neighbours?k={K}"
                  for album in with_release.values()]}
    for size, count in ((100, 16), (2000, 8)):
        if size >= store.album_count:  # e.g. the 1,974-album demo catalogue
            continue
        collections = taste_collections(store, size, count, seed=size)
        out[f"collection_{size}"] = {
            "kind": "collection", "collections": collections,
            "lines": [json.dumps({**request_ids(store, c), "k": K}) for c in collections]}
    return out


def markdown(results: Dict[str, Any]) -> str:
    rows = ["| index | scenario | HTTP p50 ms (2 conn) | HTTP p99 ms (2 conn) | req/s (8 conn) | "
            "p99 ms (8 conn) | engine in-process p50 / p99 ms | naive in-process p50 / p99 ms |",
            "|---|---|---|---|---|---|---|---|"]
    for index_name, data in results.items():
        for server, label in (("http", ""), ("http_dev", " (--dev)")):
            for name in data.get(server, {}):
                http, local = data[server][name], data["in_process"][name]
                rows.append(
                    f"| {index_name} ({data['albums']:,} albums, {data['index_type']}) | {name}{label} | "
                    f"{http['latency']['p50_ms']:.1f} | {http['latency']['p99_ms']:.1f} | "
                    f"{http['throughput']['requests_per_s']:.0f} | {http['throughput']['p99_ms']:.1f} | "
                    f"{local['engine']['p50_ms']:.1f} / {local['engine']['p99_ms']:.1f} | "
                    f"{local['naive']['p50_ms']:.1f} / {local['naive']['p99_ms']:.1f} |")
    return "\n".join(rows)


def main() -> None:
    global PATIENCE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["sample", "1m"], help="one index only")
    parser.add_argument("--albums", type=int, default=1_000_000, help="size of the synthetic index")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--repeat", type=int, default=5, help="in-process passes over the inputs")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--patience", type=float, default=PATIENCE,
                        help="seconds to wait for an idle machine before each measurement")
    parser.add_argument("--servers", default="default",
                        help="comma-separated: default (gunicorn, as `discogs-recs serve`), "
                             "dev (`discogs-recs serve --dev`, Flask)")
    parser.add_argument("--scenarios", help="comma-separated subset, e.g. release_neighbours")
    parser.add_argument("--sample-index", metavar="DIR",
                        help="measure this index folder as 'sample' (e.g. the demo catalogue "
                             "`make run` builds offline) instead of building bench's own")
    args = parser.parse_args()
    PATIENCE = args.patience
    servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    if set(servers) - {"default", "dev"}:
        sys.exit("error: --servers takes default and/or dev")
    if shutil.which("wrk") is None:
        sys.exit("error: wrk is missing; install it with `apt-get install -y wrk`")
    indexes = {}
    if args.only in (None, "sample"):
        indexes["sample"] = Path(args.sample_index) if args.sample_index else sample_index()
    if args.only in (None, "1m"):
        out = BENCH_DIR / f"serving-{args.albums // 1000}k"
        serving_index.build(str(out), args.albums, log=log)
        indexes["synthetic"] = out
    results: Dict[str, Any] = {}
    for name, index_dir in indexes.items():
        manifest = json.loads((index_dir / "manifest.json").read_text())
        log(f"{name}: {index_dir} ({manifest['counts']['albums']:,} albums, "
            f"{manifest['index']['type']}); load average {os.getloadavg()[0]:.1f}")
        scenarios = scenarios_for(index_dir)
        if args.scenarios:
            scenarios = {k: v for k, v in scenarios.items() if k in args.scenarios.split(",")}
        results[name] = {"index_dir": str(index_dir), "albums": manifest["counts"]["albums"],
                         "index_type": manifest["index"]["type"],
                         "index_params": manifest["index"].get("params", {}),
                         "in_process": in_process(index_dir, scenarios, args.repeat)}
        for server in servers:
            key = "http" if server == "default" else "http_dev"
            results[name][key] = over_http(index_dir, scenarios, args.duration, args.workers,
                                           dev=server == "dev")
    load = os.getloadavg()
    path = write_result("serving", {"results": results, "k": K, "workers": args.workers,
                                    "duration_s": args.duration, "load_average_after": load})
    print(f"\n{machine_line()}; servers: {', '.join(servers)} (gunicorn: {args.workers} sync "
          f"workers); k={K}; load average "
          f"at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min)\n")
    print(markdown(results))
    print(f"\nfull results: {path}")


if __name__ == "__main__":
    main()
