"""gunicorn's workers under trouble: one killed with SIGKILL under load is replaced and
only the requests in flight on it fail; SIGTERM to the master lets in-flight requests
finish and exits 0 within the graceful timeout. Sync workers (the default) and gthread
(DISCOGS_RECS_THREADS=2)."""
from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from server import gunicorn_conf
from tests.collection.fake_discogs import FakeDiscogs

from .load import background, run_load
from .served import build_id, open_connections, publish_build, wait_for

pytestmark = pytest.mark.reliability


@pytest.mark.parametrize("threads", [1, 2], ids=["sync", "gthread"])
def test_a_killed_worker_is_replaced_and_only_its_requests_fail(
        serve, index_dir, embedding_cache, request_mix, record_figures, threads):
    served = serve(threads=threads, env={"DISCOGS_RECS_ACCESS_LOG": "-",
                                         "DISCOGS_RECS_ACCESS_LOG_FORMAT": "answered-by %(p)s %(s)s"})
    # Two builds published since the start: the master still holds the first, which the
    # builder has pruned by now. The replacement worker must not answer from it.
    publish_build(index_dir, embedding_cache)
    publish_build(index_dir, embedding_cache)
    latest = build_id(index_dir)
    wait_for(lambda: set(served.get_json("/api/v1/index")["build_id"] for _ in range(10))
             == {latest}, within=20)

    stop = threading.Event()
    concurrency = 4 * served.nominal_concurrency
    join = background(lambda: run_load(served.base_url, request_mix, concurrency, stop=stop))
    time.sleep(3.0)
    old_workers = served.worker_pids()
    victim = min(old_workers)
    held = open_connections(victim, served.port)
    killed_at = time.monotonic()
    os.kill(victim, signal.SIGKILL)
    replaced_in = wait_for(lambda: len(served.worker_pids() - old_workers) == 1
                           and victim not in served.worker_pids(), within=30)
    new_worker, = served.worker_pids() - old_workers
    replaced_at = time.monotonic()
    # The load's kept-alive connections may all sit on the surviving gthread worker: new
    # connections (as new clients open) show that the replacement answers.
    def new_worker_answered() -> bool:
        requests.get(served.base_url + "/api/v1/index", headers={"Connection": "close"}, timeout=30)
        return f"answered-by <{new_worker}> 200" in served.log_tail(2_000_000)

    first_answer_in = replaced_in + wait_for(new_worker_answered, within=15, every=0.1)
    time.sleep(3.0)
    stop.set()
    report = join()

    failures = report.failures
    after = [o for o in report.outcomes if o.started > replaced_at]
    figures = report.figures()
    figures.update(concurrency=concurrency, workers=served.workers, threads=threads,
                   victim_connections=held, replaced_in_s=round(replaced_in, 2),
                   new_worker_first_answer_s=round(first_answer_in, 2),
                   failed_detail=[(o.endpoint, o.status, (o.error or "")[:80]) for o in failures])
    record_figures(figures)
    # At most the requests in flight on the killed worker: a sync worker holds one
    # connection (its one thread); a gthread worker also holds the connections queued for
    # a thread or kept alive between requests, and those die with it too.
    assert len(failures) <= max(threads, held), figures
    # ... sent before it was gone (on a kept-alive connection, a request can leave just
    # after the kill, before the kernel has closed the dead worker's sockets)
    assert all(o.started <= replaced_at for o in failures), "a request failed after the replacement"
    # The master replaced it; the replacement answers, and every answer since comes from
    # the newest build (not the pruned one the master preloaded).
    assert after and all(o.ok for o in after)
    assert {o.build_id for o in after} == {latest}


@pytest.mark.parametrize("threads", [1, 2], ids=["sync", "gthread"])
def test_sigterm_drains_in_flight_requests(serve, catalogue_ids, record_figures, threads):
    """Slow requests (a user's collection from a slow stand-in Discogs API) are in flight
    when the master gets SIGTERM: every one is answered, then it exits 0."""
    fake = FakeDiscogs(None).start()
    try:
        # 1 s a page, 10 items a page: 2 pages of collection and 1 of wantlist, 3 s in all
        fake.slow_seconds, fake.page_size = 1.0, 10
        served = serve(threads=threads, env={"DISCOGS_RECS_DISCOGS_API_URL": fake.base_url})
        users = [f"slow-drain-{n}" for n in range(served.nominal_concurrency)]
        for user in users:
            fake.extra_users[user] = {"releases": catalogue_ids["discogs_items"][:20],
                                      "wants": catalogue_ids["discogs_items"][20:30]}

        def fetch(user: str):
            started = time.monotonic()
            response = requests.get(f"{served.base_url}/api/v1/users/{user}/recommendations?k=5",
                                    timeout=60)
            return response, time.monotonic() - started

        with ThreadPoolExecutor(len(users)) as pool:
            futures = [pool.submit(fetch, user) for user in users]
            # Every request is in a worker once the stand-in has seen its first page asked.
            wait_for(lambda: {r["path"].split("/")[2] for r in fake.requests} >= set(users),
                     within=20)
            term_at = time.monotonic()
            served.signal(signal.SIGTERM)
            answers = [future.result() for future in futures]
        exit_code = served.proc.wait(timeout=gunicorn_conf.graceful_timeout + 10)
        exited_in = time.monotonic() - term_at
    finally:
        fake.stop()

    figures = {"in_flight": len(users), "workers": served.workers, "threads": threads,
               "answered": sum(r.status_code == 200 for r, _ in answers),
               "slowest_request_s": round(max(s for _, s in answers), 2),
               "exit_code": exit_code, "exited_after_sigterm_s": round(exited_in, 2)}
    record_figures(figures)
    for response, _ in answers:
        assert response.status_code == 200, response.text[:300]
        assert len(response.json()["recommendations"]) == 5
    assert exit_code == 0, served.log_tail()
    assert exited_in < gunicorn_conf.graceful_timeout
    # ... and no new request is taken once draining started
    with pytest.raises(requests.ConnectionError):
        requests.get(served.base_url + "/healthz", timeout=5)
