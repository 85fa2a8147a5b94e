"""What `make run` runs (make -n: nothing is executed): the newest dump (every master,
the first releases, the static model) with the demo catalogue as the offline fallback
by default, local files as given, then gunicorn."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def make_n(*args: str) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    return subprocess.run(["make", "-n", "-C", str(ROOT), "run", *args], capture_output=True,
                          text=True, check=True).stdout


def build_line(output: str) -> str:
    return next(line for line in output.splitlines() if "discogs-recs build" in line)


def test_make_run_builds_the_newest_dump_and_falls_back_to_the_demo():
    output = make_n()
    build = build_line(output)
    # the whole masters dump, the first 20,000 releases, the static model
    assert "--releases latest --masters latest" in build and "--releases-limit 20000" in build
    assert "--model static" in build and "--limit" not in build.replace("--releases-limit", "")
    assert "--demo-if-offline" in build
    assert "discogs-recs serve --index data/index --port 5000" in output
    assert '"demo": true' in output  # a demo index is rebuilt once the site answers


def test_make_run_with_local_files_or_a_month():
    build = build_line(make_n("RELEASES=r.xml.gz", "MASTERS=m.xml.gz", "LIMIT="))
    assert "--releases r.xml.gz --masters m.xml.gz" in build
    assert "latest" not in build and "--demo-if-offline" not in build and "--limit" not in build
    build = build_line(make_n("DUMP_DATE=20260901"))
    assert "--releases latest" in build and "--dump-date 20260901" in build
    # MODEL= is the builder's default model (MiniLM), e.g. for releases only
    build = build_line(make_n("RELEASES=latest", "MODEL="))
    assert "--releases latest" in build and "--masters" not in build and "--model" not in build


def test_nothing_points_at_the_old_s3_path():
    old_bucket = "discogs-data" + "-dumps"  # answers 403 since 2026
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True,
                             check=True).stdout.split()
    for name in tracked:
        path = ROOT / name
        if path.suffix in {".py", ".md", ".txt", ".toml", ".js", ".html", ""} and path.is_file():
            assert old_bucket not in path.read_text(errors="ignore"), name
