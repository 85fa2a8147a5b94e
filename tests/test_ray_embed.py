"""`discogs-recs embed --ray ADDRESS`: the embedding as a Ray Data job, on a local Ray.

Skipped when Ray is not installed (it is the optional extra `.[ray]`). The model is a
small model2vec folder (tests/test_static_model.py's fixture) so that the test measures
the Ray plumbing, not a transformer.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from discogs_recs.cli import main
from tests.conftest import SAMPLE_RELEASES, shared
from tests.test_static_model import tiny_static  # noqa: F401  (the fixture)

pytest.importorskip("ray")
pytest.importorskip("model2vec")


def run(*args: str):
    return CliRunner().invoke(main, ["--quiet", *args], catch_exceptions=False)


def test_ray_job_fills_the_same_cache_and_gives_the_local_vectors(tiny_static: Path,  # noqa: F811
                                                                  tmp_path: Path):
    shared("dumps/2020-08-sample/discogs_20200806_releases.xml.gz")
    model = f"static:{tiny_static}"
    for name in ("ray", "local"):
        result = run("ingest", "--releases", str(SAMPLE_RELEASES), "--out", str(tmp_path / name))
        assert result.exit_code == 0, result.output
    result = run("embed", "--model", model, "--ray", "local", "--ray-actors", "2",
                 "--out", str(tmp_path / "ray"))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("embedded 975 albums, 0 from the cache")
    assert run("embed", "--model", model, "--out", str(tmp_path / "local")).exit_code == 0

    by_ray = np.load(tmp_path / "ray" / "work" / "vectors.npy")
    local = np.load(tmp_path / "local" / "work" / "vectors.npy")
    np.testing.assert_allclose(by_ray.astype(np.float32), local.astype(np.float32), atol=1e-3)
    state = json.loads((tmp_path / "ray" / "work" / "stages.json").read_text())
    assert state["embed"]["model"]["ray"] == "local"
    with sqlite3.connect(tmp_path / "ray" / "cache" / "embeddings.sqlite") as conn:
        cached = conn.execute("SELECT count(*) FROM vectors").fetchone()[0]
    assert cached == 975  # the sample's distinct album texts, each once

    # the cache Ray filled serves a local build: nothing is embedded again
    again = run("embed", "--model", model, "--out", str(tmp_path / "ray"))
    assert again.exit_code == 0 and again.output.startswith("embedded 0 albums, 975 from the cache")
