"""The Procfile's command really serves, and its workers follow a newly published build."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.server.test_reload import publish_copy

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, data: bytes = None) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_gunicorn_serves_and_reloads(sample_index, facts, tmp_path):
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    shutil.copy(sample_index / "manifest.json", index_dir)
    shutil.copytree(sample_index / "builds", index_dir / "builds")
    procfile = (ROOT / "Procfile").read_text()
    assert 'gunicorn --config server/gunicorn_conf.py "server:create_app()"' in procfile
    port = _free_port()
    env = {**os.environ, "DISCOGS_RECS_INDEX_DIR": str(index_dir), "DISCOGS_RECS_WORKERS": "2",
           "DISCOGS_RECS_RELOAD_CHECK_SECONDS": "0.1"}
    proc = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "--config",
                             "server/gunicorn_conf.py", "--bind", f"127.0.0.1:{port}",
                             "server:create_app()"], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                first = _get(port, "/healthz")["build_id"]
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        body = json.dumps({"release_ids": facts["electronic_releases"][:10], "k": 5}).encode()
        assert len(_get(port, "/api/v1/recommendations", body)["recommendations"]) == 5
        publish_copy(index_dir, "20990101T000000Z-gunicorn")
        seen: set = set()
        deadline = time.monotonic() + 30
        while seen != {"20990101T000000Z-gunicorn"}:
            # every request succeeds (urlopen raises otherwise) while the workers switch
            seen = {_get(port, "/api/v1/recommendations", body)["index"]["build_id"] for _ in range(10)}
            assert time.monotonic() < deadline, f"workers still on {seen} (first {first})"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
