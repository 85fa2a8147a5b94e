"""The OpenAPI document against the server: schemathesis over every operation, all checks.

What users run: `discogs-recs serve` (gunicorn) on the sample index, its Discogs API
calls answered by the stand-in of tests/collection/fake_discogs.py. A fixed seed, enough
examples per operation to reach every parameter (positive and negative data, the
examples, coverage, fuzzing and stateful phases); 0 failures allowed.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import shared
from tests.collection.fake_discogs import FakeDiscogs

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SEED = 20261202
EXAMPLES = int(os.environ.get("DISCOGS_RECS_CONTRACT_EXAMPLES", "40"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(sample_index, tmp_path_factory):
    """The URL of `discogs-recs serve` on a copy of the sample index, with a Discogs stand-in."""
    fake = FakeDiscogs(shared("api"), rate_limit=1_000_000).start()
    work = tmp_path_factory.mktemp("contract")
    index_dir = work / "index"
    index_dir.mkdir()
    shutil.copy(sample_index / "manifest.json", index_dir)
    shutil.copytree(sample_index / "builds", index_dir / "builds")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DISCOGS_RECS_DISCOGS_API_URL": fake.base_url,
           "DISCOGS_RECS_COLLECTION_CACHE": str(work / "collections.sqlite"),
           "DISCOGS_RECS_DISCOGS_TIMEOUT": "2", "DISCOGS_RECS_DISCOGS_DEADLINE": "8"}
    proc = subprocess.Popen([sys.executable, "-m", "discogs_recs", "serve", "--index", str(index_dir),
                             "--port", str(port)], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=5).read()
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
                assert time.monotonic() < deadline, "discogs-recs serve did not start"
                time.sleep(0.3)
        yield url
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
        fake.stop()


def test_every_operation_keeps_the_contract(served, tmp_path):
    st = Path(sys.executable).with_name("st")
    command = [str(st), "--config-file", str(HERE / "schemathesis.toml"), "run",
               f"{served}/api/v1/openapi.json", "--checks", "all", "--seed", str(SEED),
               "--max-examples", str(EXAMPLES),
               # one worker: hypothesis parses lambda sources with `ast`, which on Python 3.11
               # fails from two threads at once ("AST constructor recursion depth mismatch")
               "--workers", "1", "--request-timeout", "20",
               "--generation-database", "none", "--no-color", "--max-failures", "20",
               "--report", "junit", "--report-dir", str(tmp_path)]
    run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=900)
    output = run.stdout + run.stderr
    summary = output[output.rfind("SUMMARY"):] if "SUMMARY" in output else output[-3000:]
    assert run.returncode == 0, output[-12000:]
    tested = re.search(r"Tested: (\d+)", summary)
    selected = re.search(r"Selected: (\d+)/(\d+)", summary)
    assert tested and selected and int(tested.group(1)) == int(selected.group(2)), summary
    assert re.search(r"(\d+) generated", summary), summary
    print(summary)
