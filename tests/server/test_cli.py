"""`discogs-recs serve` is registered, documented with an example, and starts the app:
gunicorn by default (the Procfile's config), Flask's server with --dev."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from discogs_recs.cli import main
from recommender.store import IndexStore


def test_serve_help_has_an_example():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "discogs-recs serve --index data/index" in result.output
    assert "--port" in result.output and "5000" in result.output


def test_serve_dev_runs_flask_on_the_port(sample_index, monkeypatch):
    calls = {}

    def fake_run(self, host=None, port=None, **kwargs):
        calls.update(host=host, port=port, index=self.config["INDEX_DIR"])

    monkeypatch.setattr("flask.Flask.run", fake_run)
    result = CliRunner().invoke(main, ["serve", "--index", str(sample_index), "--port", "5055",
                                       "--dev"])
    assert result.exit_code == 0, result.output
    assert calls == {"host": "127.0.0.1", "port": 5055, "index": str(sample_index)}
    assert "serving build" in result.output and "Flask's development server" in result.output


def test_serve_runs_gunicorn_by_default(sample_index):
    from tests.server.test_gunicorn import _free_port

    port = _free_port()
    proc = subprocess.Popen([str(Path(sys.executable).with_name("discogs-recs")), "serve",
                             "--index", str(sample_index), "--port", str(port), "--workers", "2"],
                            env={**os.environ, "DISCOGS_RECS_INDEX_DIR": ""},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/index", timeout=5) as r:
                    server, body = r.headers.get("Server", ""), json.loads(r.read())
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
                assert time.monotonic() < deadline, "discogs-recs serve did not answer"
                time.sleep(0.3)
        assert server.startswith("gunicorn")
        assert body["demo"] is False and body["albums"] > 1000
        # Each worker computes on its own thread: OpenBLAS restarts its pool at fork, and
        # a pool thread that works (and spins) takes the other worker's core.
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
        deadline = time.monotonic() + 20
        while len(children.read_text().split()) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        workers = children.read_text().split()
        assert len(workers) == 2
        time.sleep(1.0)  # a new pool thread spins a moment before it sleeps

        def helper_ticks() -> list:
            return [sum(int(v) for v in (t / "stat").read_text().rsplit(")", 1)[1].split()[11:13])
                    for pid in workers for t in sorted(Path(f"/proc/{pid}/task").iterdir())
                    if t.name != pid]

        before = helper_ticks()
        owned = [a["master_id"] for a in IndexStore.open(str(sample_index)).albums(range(400)).values()
                 if a["master_id"]]
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/recommendations", headers={"Content-Type": "application/json"},
            data=json.dumps({"master_ids": owned, "k": 20}).encode())
        for _ in range(8):  # both workers
            with urllib.request.urlopen(request, timeout=30) as r:
                assert r.status == 200 and json.loads(r.read())["recommendations"]
        assert helper_ticks() == before
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert "serving build" in out.decode() and "gunicorn, 2 workers" in out.decode()
    assert "Booting worker" in err.decode()  # two worker processes behind the master
    assert err.decode().count("Booting worker") == 2


def test_gunicorn_config_loads(monkeypatch):
    import os
    import runpy

    # The config sets thread variables with setdefault: keep them out of this process.
    monkeypatch.setattr(os, "environ", dict(os.environ))
    monkeypatch.setenv("DISCOGS_RECS_WORKERS", "3")
    monkeypatch.setenv("PORT", "6000")
    conf = runpy.run_path(str(Path(__file__).resolve().parents[2] / "server" / "gunicorn_conf.py"))
    assert conf["workers"] == 3 and conf["bind"] == "0.0.0.0:6000" and conf["preload_app"]
