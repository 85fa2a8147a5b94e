"""The ingest worker pool: order, errors, oversized payloads and results, early stops."""
from __future__ import annotations

import os
import signal

import pytest

from index_builder.workers import WorkerError, WorkerPool


def shout(view: memoryview, suffix: bytes = b"") -> bytes:
    return bytes(view).upper() + suffix


def fail_on_bad(view: memoryview) -> bytes:
    if bytes(view) == b"bad":
        raise ValueError("bad payload")
    return bytes(view)


def grow(view: memoryview) -> bytes:
    return bytes(view) * 100


def report_pid(view: memoryview) -> bytes:
    return str(os.getpid()).encode()


def die(view: memoryview) -> bytes:
    os.kill(os.getpid(), signal.SIGKILL)
    return b""


@pytest.fixture
def pool():
    with WorkerPool(2, slot_bytes=1024) as workers:
        yield workers


def test_results_come_back_in_order_from_several_processes(pool: WorkerPool):
    payloads = [f"piece {i}".encode() for i in range(50)]
    assert list(pool.map(shout, payloads, (b"!",))) == [p.upper() + b"!" for p in payloads]
    pids = set(pool.map(report_pid, [b"x"] * 20))
    assert len(pids) == 2 and os.getpid() not in {int(p) for p in pids}


def test_payload_pieces_are_written_one_after_another(pool: WorkerPool):
    assert list(pool.map(shout, [(b"<r>", b"abc", b"</r>")])) == [b"<R>ABC</R>"]


def test_an_error_is_raised_in_order_and_the_pool_stays_usable(pool: WorkerPool):
    seen = []
    with pytest.raises(ValueError, match="bad payload"):
        for result in pool.map(fail_on_bad, [b"a", b"b", b"bad", b"c", b"d"]):
            seen.append(result)
    assert seen == [b"a", b"b"]
    assert list(pool.map(shout, [b"e", b"f"])) == [b"E", b"F"]


def test_oversized_payloads_and_results_still_arrive(pool: WorkerPool):
    big = b"y" * 5000  # larger than a 1 KB slot: runs in this process
    small = b"z" * 50  # its result (5,000 bytes) comes back through the pipe
    results = list(pool.map(grow, [small, big, small]))
    assert results == [small * 100, big * 100, small * 100]


def test_stopping_early_leaves_the_pool_idle(pool: WorkerPool):
    results = pool.map(shout, [bytes([97 + i % 26]) for i in range(40)])
    assert next(results) == b"A"
    results.close()  # what a `break` at --limit does
    assert list(pool.map(shout, [b"q"])) == [b"Q"]


def test_a_dead_worker_is_reported():
    with WorkerPool(2) as pool, pytest.raises(WorkerError, match="exited unexpectedly"):
        list(pool.map(die, [b"x", b"y"]))


def test_one_worker_runs_in_this_process():
    with WorkerPool(1) as pool:
        assert pool.processes == 0
        assert [int(p) for p in pool.map(report_pid, [b"x"])] == [os.getpid()]
        assert list(pool.map(shout, [(b"a", b"b")])) == [b"AB"]
