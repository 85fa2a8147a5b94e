"""A closed-loop load generator: N client threads (concurrent.futures), each sending the
next request of a mix as soon as the last one is answered, for a time or until stopped.

Every request is recorded (when it started and ended, what it asked, the status or the
exception, the build that answered), so a test can say which failed and when, and the
report gives throughput and latency percentiles. 127.0.0.1 only.
"""
from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence

import requests

# A request the mix can send: (endpoint name, method, path, JSON body or None)
Request = tuple
RequestMaker = Callable[[random.Random], Request]


@dataclass
class Outcome:
    endpoint: str
    started: float  # time.monotonic()
    ended: float
    status: Optional[int]  # None: no HTTP answer (connection refused, reset, timeout)
    error: Optional[str] = None
    build_id: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def latency(self) -> float:
        return self.ended - self.started


@dataclass
class Report:
    outcomes: List[Outcome] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0

    @property
    def failures(self) -> List[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    def figures(self) -> Dict[str, Any]:
        latencies = sorted(o.latency for o in self.outcomes if o.ok)
        seconds = self.ended - self.started
        by_endpoint: Dict[str, int] = {}
        for o in self.outcomes:
            by_endpoint[o.endpoint] = by_endpoint.get(o.endpoint, 0) + 1
        return {"requests": len(self.outcomes), "failed": len(self.failures),
                "seconds": round(seconds, 1),
                "throughput_per_s": round(len(self.outcomes) / seconds, 1) if seconds else 0.0,
                "p50_ms": round(1000 * percentile(latencies, 50), 1),
                "p99_ms": round(1000 * percentile(latencies, 99), 1),
                "max_ms": round(1000 * latencies[-1], 1) if latencies else 0.0,
                "by_endpoint": by_endpoint}


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list (0.0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(1, -(-len(sorted_values) * pct // 100))
    return sorted_values[int(rank) - 1]


def run_load(base_url: str, make_request: RequestMaker, concurrency: int,
             duration: Optional[float] = None, stop: Optional[threading.Event] = None,
             timeout: float = 30.0, seed: int = 14) -> Report:
    """Run `concurrency` clients for `duration` seconds or until `stop` is set."""
    stop = stop or threading.Event()
    report = Report(started=time.monotonic())
    lock = threading.Lock()
    end = None if duration is None else report.started + duration

    def client(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        session = requests.Session()
        try:
            while not stop.is_set() and (end is None or time.monotonic() < end):
                outcome = _send(session, base_url, make_request(rng), timeout)
                with lock:
                    report.outcomes.append(outcome)
        finally:
            session.close()

    with ThreadPoolExecutor(concurrency, thread_name_prefix="load") as pool:
        for future in [pool.submit(client, n) for n in range(concurrency)]:
            future.result()
    report.ended = time.monotonic()
    report.outcomes.sort(key=lambda o: o.started)
    return report


def _send(session: requests.Session, base_url: str, request: Request, timeout: float) -> Outcome:
    endpoint, method, path, body = request
    started = time.monotonic()
    try:
        response = session.request(method, base_url + path, json=body, timeout=timeout)
        status = response.status_code
        build_id = error = None
        try:
            data = response.json()
            if status == 200:
                # every answer names its build; GET /index is that summary itself
                build_id = (data.get("index") or data).get("build_id")
            else:
                error = str(data.get("error"))[:300]
        except ValueError:
            error = f"not JSON: {response.text[:200]!r}"
        return Outcome(endpoint, started, time.monotonic(), status, error, build_id)
    except requests.RequestException as exc:
        return Outcome(endpoint, started, time.monotonic(), None, f"{type(exc).__name__}: {exc}"[:300])


def background(target: Callable[[], Report]) -> Callable[[], Report]:
    """Run `target` in a thread; the returned function joins it and gives its report."""
    result: Dict[str, Any] = {}

    def run() -> None:
        try:
            result["report"] = target()
        except BaseException as exc:  # surfaced by the join below
            result["error"] = exc

    thread = threading.Thread(target=run, name="load-runner", daemon=True)
    thread.start()

    def join(timeout: float = 120.0) -> Report:
        thread.join(timeout)
        assert not thread.is_alive(), "the load generator did not stop"
        if "error" in result:
            raise result["error"]
        return result["report"]

    return join
