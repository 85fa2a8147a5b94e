"""`discogs-recs build` and its stages: bad input, atomic publishing, filters, URLs."""
from __future__ import annotations

import functools
import gzip
import http.server
import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from discogs_recs.cli import main
from tests.conftest import FIXTURES, SAMPLE_RELEASES, shared

EDGE_RELEASES = str(FIXTURES / "releases_edge_cases.xml")
EDGE_MASTERS = str(FIXTURES / "masters_edge_cases.xml")


def run(*args: str):
    return CliRunner().invoke(main, ["--quiet", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A small real index (our edge-case fixtures, real model), published once."""
    out = tmp_path_factory.mktemp("published")
    result = run("build", "--releases", EDGE_RELEASES, "--masters", EDGE_MASTERS, "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def manifest_of(out: Path) -> str:
    return (out / "manifest.json").read_text()


def assert_one_line_error(result, *expected: str) -> None:
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for text in expected:
        assert text in lines[0], lines[0]


def test_build_publishes_a_complete_manifest(published: Path):
    manifest = json.loads(manifest_of(published))
    assert manifest["counts"]["albums"] == 4  # masters 501 and 502, releases 103 and 104
    assert manifest["counts"]["releases"] == 4 and manifest["counts"]["masters"] == 2
    assert manifest["model"]["name"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert manifest["model"]["dimension"] == 384
    assert manifest["text_template"] == "full-v1"
    assert manifest["index"]["type"] == "flat"
    assert set(manifest["stage_seconds"]) == {"ingest", "embed", "index"}
    for role in ("catalog", "vectors", "index"):
        assert (published / manifest["files"][role]).exists()
    assert not (published / "work").exists()


def test_album_of_a_master_is_described_by_the_master_and_its_releases(published: Path):
    import sqlite3

    manifest = json.loads(manifest_of(published))
    conn = sqlite3.connect(published / manifest["files"]["catalog"])
    row = conn.execute("SELECT title, artist_names, labels, formats, release_count, text, "
                       "release_id, videos FROM albums WHERE master_id = 501").fetchone()
    title, artists, labels, formats, count, text, release_id, videos = row
    assert title == "First Bold Record" and artists == "Alpha & Beta"
    assert json.loads(formats) == ["Vinyl", "CD"] and count == 2
    assert set(json.loads(labels)) == {"Edge Label", "Other Label"}
    assert release_id == 101
    assert "Tracks: Suite" in text and "Notes: See here." in text
    assert json.loads(videos)[0]["url"].endswith("v=abc")
    assert conn.execute("SELECT count(*) FROM albums WHERE release_id IN (101, 102) "
                        "AND master_id IS NULL").fetchone()[0] == 0
    hits = conn.execute("SELECT title FROM albums_fts WHERE albums_fts MATCH 'alpha'").fetchall()
    assert hits == [("First Bold Record",)]


@pytest.mark.parametrize("case", ["truncated_gzip", "malformed_xml", "wrong_dump",
                                  "unreachable_url", "empty_filter", "missing_file",
                                  "bad_model"])
def test_bad_input_gives_one_clear_line_and_keeps_the_index(case, published: Path, tmp_path: Path):
    before = manifest_of(published)
    args = ["build", "--out", str(published)]
    if case == "truncated_gzip":
        data = SAMPLE_RELEASES.read_bytes() if SAMPLE_RELEASES.exists() else gzip.compress(
            Path(EDGE_RELEASES).read_bytes() * 50)
        bad = tmp_path / "discogs_20200806_releases.xml.gz"
        bad.write_bytes(data[: len(data) // 2])
        result = run(*args, "--releases", str(bad))
        assert_one_line_error(result, str(bad), "truncated")
    elif case == "malformed_xml":
        bad = str(FIXTURES / "releases_malformed.xml")
        result = run(*args, "--releases", bad)
        assert_one_line_error(result, bad, "malformed XML", "release 1")
    elif case == "wrong_dump":
        artists = str(shared("dumps/2020-08-sample/discogs_20200806_artists.xml.gz"))
        result = run(*args, "--releases", artists)
        assert_one_line_error(result, artists, "not a releases dump", "<artists>")
    elif case == "unreachable_url":
        url = "http://127.0.0.1:9/discogs_20261001_releases.xml.gz"
        result = run(*args, "--releases", url)
        assert_one_line_error(result, url, "cannot download")
    elif case == "empty_filter":
        result = run(*args, "--releases", EDGE_RELEASES, "--genre", "Polka")
        assert_one_line_error(result, EDGE_RELEASES, "no album passed the filters")
    elif case == "missing_file":
        result = run(*args, "--releases", str(tmp_path / "nope.xml.gz"))
        assert_one_line_error(result, "nope.xml.gz", "no such file")
    elif case == "bad_model":
        result = run(*args, "--releases", EDGE_RELEASES, "--model", str(tmp_path))
        assert_one_line_error(result, str(tmp_path), "not a local sentence-transformers folder")
    assert manifest_of(published) == before


def test_filters_keep_only_matching_albums(tmp_path: Path):
    out = tmp_path / "idx"
    result = run("ingest", "--releases", EDGE_RELEASES, "--masters", EDGE_MASTERS,
                 "--format", "Cassette", "--out", str(out))
    assert result.exit_code == 0, result.output
    import sqlite3

    conn = sqlite3.connect(out / "work" / "catalog.sqlite")
    titles = [r[0] for r in conn.execute("SELECT title FROM albums")]
    # a format filter cannot be checked on masters alone, so 502 (no releases) is dropped
    assert titles == ["No Master Here"]
    result = run("ingest", "--releases", EDGE_RELEASES, "--masters", EDGE_MASTERS,
                 "--year-from", "1990", "--year-to", "1995", "--out", str(out))
    conn = sqlite3.connect(out / "work" / "catalog.sqlite")
    assert [r[0] for r in conn.execute("SELECT title FROM albums")] == ["First Bold Record"]


def test_limit_stops_early(tmp_path: Path):
    sample = str(shared("dumps/2020-08-sample/discogs_20200806_releases.xml.gz"))
    result = run("ingest", "--releases", sample, "--limit", "25", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "ingested 25 of" in result.output
    read = int(result.output.split(" of ")[1].split()[0].replace(",", ""))
    assert read < 1000


def test_releases_limit_reads_the_masters_dump_whole(tmp_path: Path):
    """What `make run` builds: every master, the first N releases."""
    releases = str(shared("dumps/2020-08-sample/discogs_20200806_releases.xml.gz"))
    masters = str(shared("dumps/2020-08-sample/discogs_20200806_masters.xml.gz"))
    result = run("ingest", "--releases", releases, "--masters", masters, "--releases-limit", "30",
                 "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    import sqlite3

    conn = sqlite3.connect(tmp_path / "work" / "catalog.sqlite")
    assert conn.execute("SELECT count(*) FROM releases").fetchone()[0] == 30
    assert conn.execute("SELECT count(*) FROM masters").fetchone()[0] == 1000
    # only the whole file's hash can be computed
    checksums = json.loads((tmp_path / "work" / "stages.json").read_text())["ingest"]["checksums"]
    assert checksums["releases"]["sha256"] is None and checksums["masters"]["sha256"]


def test_stage_out_of_order_says_what_to_run(tmp_path: Path):
    result = run("index", "--out", str(tmp_path))
    assert_one_line_error(result, "the embed stage has not run yet", "discogs-recs embed")


def test_stages_alone_then_publish(tmp_path: Path):
    out = str(tmp_path)
    assert run("ingest", "--releases", EDGE_RELEASES, "--out", out).exit_code == 0
    assert run("embed", "--out", out).exit_code == 0
    assert run("index", "--out", out, "--index-type", "hnsw").exit_code == 0
    assert not (tmp_path / "manifest.json").exists()
    assert run("publish", "--out", out).exit_code == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["index"]["type"] == "hnsw"
    assert manifest["counts"]["albums"] == 3


def test_build_streams_from_a_url(tmp_path: Path):
    sample = shared("dumps/2020-08-sample/discogs_20200806_releases.xml.gz")
    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(QuietHandler, directory=str(sample.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{sample.name}"
        result = run("ingest", "--releases", url, "--limit", "300", "--out", str(tmp_path))
        assert result.exit_code == 0, result.output
        assert "ingested 300 of" in result.output
        missing = run("ingest", "--releases", url.replace("20200806", "20991231"),
                      "--out", str(tmp_path / "x"))
        assert_one_line_error(missing, "HTTP 404")
    finally:
        server.shutdown()


def test_every_command_has_help_with_an_example():
    for command in main.commands:
        result = CliRunner().invoke(main, [command, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output, command
