"""60 s at 4x the workers' nominal concurrency, with a new build published into the served
folder 20 s in: no request fails, and the answers switch to the new build."""
from __future__ import annotations

import time

import pytest

from .load import background, run_load
from .served import build_id, publish_build

pytestmark = pytest.mark.reliability

SOAK_SECONDS = 60.0
PUBLISH_AT = 20.0
# Every worker stats manifest.json at most once a second (RELOAD_CHECK_SECONDS) and loads
# the new build in the background: all of them answer from it well within this.
SWITCH_WITHIN = 10.0


@pytest.fixture
def soak(serve, index_dir, embedding_cache, request_mix):
    served = serve()
    first = served.get_json("/api/v1/index")["build_id"]
    concurrency = 4 * served.nominal_concurrency
    join = background(lambda: run_load(served.base_url, request_mix, concurrency, SOAK_SECONDS))
    time.sleep(PUBLISH_AT)
    published_at = time.monotonic()
    publish_seconds = publish_build(index_dir, embedding_cache)
    published_done = time.monotonic()
    report = join(SOAK_SECONDS + 60)
    return {"served": served, "report": report, "first": first, "second": build_id(index_dir),
            "concurrency": concurrency, "published_at": published_at,
            "published_done": published_done, "publish_seconds": publish_seconds}


def test_soak_and_publish_under_load(soak, record_figures):
    report, first, second = soak["report"], soak["first"], soak["second"]
    figures = report.figures()
    switched = [o for o in report.outcomes if o.build_id == second]
    figures.update(concurrency=soak["concurrency"], workers=soak["served"].workers,
                   threads=soak["served"].threads,
                   publish_seconds=round(soak["publish_seconds"], 1),
                   switch_seconds=round(max(o.ended for o in report.outcomes if o.build_id == first)
                                        - soak["published_done"], 2) if switched else None)
    record_figures(figures)

    # 60 s at 4x the nominal concurrency, a publish in the middle: not one request fails.
    assert report.ended - report.started >= SOAK_SECONDS
    assert not report.failures, [(o.endpoint, o.status, o.error) for o in report.failures[:5]]
    assert figures["throughput_per_s"] >= 5, figures  # it served, it did not only survive
    assert set(figures["by_endpoint"]) == {"recommendations", "release_neighbours",
                                           "master_neighbours", "search", "index"}

    # The answers switch to the new build, and stay there.
    assert second != first
    before = [o for o in report.outcomes if o.ended < soak["published_at"]]
    assert before and {o.build_id for o in before} == {first}
    settled = [o for o in report.outcomes if o.started > soak["published_done"] + SWITCH_WITHIN]
    assert settled and {o.build_id for o in settled} == {second}, figures
    assert soak["served"].get_json("/api/v1/index")["build_id"] == second
