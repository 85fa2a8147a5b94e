"""`discogs-recs serve` is registered, documented with an example, and starts the app."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from discogs_recs.cli import main


def test_serve_help_has_an_example():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "discogs-recs serve --index data/index" in result.output
    assert "--port" in result.output and "5000" in result.output


def test_serve_runs_the_app_on_the_port(sample_index, monkeypatch):
    calls = {}

    def fake_run(self, host=None, port=None, **kwargs):
        calls.update(host=host, port=port, index=self.config["INDEX_DIR"])

    monkeypatch.setattr("flask.Flask.run", fake_run)
    result = CliRunner().invoke(main, ["serve", "--index", str(sample_index), "--port", "5055"])
    assert result.exit_code == 0, result.output
    assert calls == {"host": "127.0.0.1", "port": 5055, "index": str(sample_index)}
    assert "serving build" in result.output


def test_gunicorn_config_loads(monkeypatch):
    import os
    import runpy

    # The config sets thread variables with setdefault: keep them out of this process.
    monkeypatch.setattr(os, "environ", dict(os.environ))
    monkeypatch.setenv("DISCOGS_RECS_WORKERS", "3")
    monkeypatch.setenv("PORT", "6000")
    conf = runpy.run_path(str(Path(__file__).resolve().parents[2] / "server" / "gunicorn_conf.py"))
    assert conf["workers"] == 3 and conf["bind"] == "0.0.0.0:6000" and conf["preload_app"]
