"""The dumps from data.discogs.com: listings, `latest`, checksums, resumed downloads,
HTTP errors and the demo catalogue when the site cannot be reached, all against a
local stand-in for the site (tests/fake_dump_site.py) serving the real sample dumps."""
from __future__ import annotations

import json
import shutil
import socket
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from discogs_recs.cli import main
from index_builder import demo
from index_builder.dump_listing import DumpListing, parse_checksums, parse_listing
from index_builder.sources import DumpError, ResumableDownload
from tests.conftest import SAMPLE_MASTERS, SAMPLE_RELEASES, shared
from tests.fake_dump_site import FakeDumpSite, checksum_file

OCT = "data/2026/discogs_20261001_{}"
NOV = "data/2026/discogs_20261101_{}"
SEP = "data/2026/discogs_20260901_{}"
AUG = "data/2026/discogs_20260801_{}"


def _site_files() -> dict:
    """October complete; November listed before its releases file (masters only);
    September with a wrong checksum for releases; August's releases answer 403."""
    releases = shared("dumps/2020-08-sample/discogs_20200806_releases.xml.gz").read_bytes()
    masters = SAMPLE_MASTERS.read_bytes()
    october = {OCT.format("releases.xml.gz"): releases, OCT.format("masters.xml.gz"): masters}
    november = {NOV.format("masters.xml.gz"): masters}
    september = {SEP.format("releases.xml.gz"): releases}
    files = {**october, **november, **september, AUG.format("releases.xml.gz"): releases}
    files[OCT.format("CHECKSUM.txt")] = checksum_file(october)
    files[NOV.format("CHECKSUM.txt")] = checksum_file(november)
    files[SEP.format("CHECKSUM.txt")] = checksum_file(september,
                                                      wrong={"discogs_20260901_releases.xml.gz"})
    return files


@pytest.fixture()
def site():
    with FakeDumpSite(_site_files(), forbidden={AUG.format("releases.xml.gz")}) as running:
        yield running


def cli(site_url: str, *args: str):
    return CliRunner().invoke(main, ["--quiet", *args], env={"DISCOGS_RECS_DUMP_URL": site_url},
                              catch_exceptions=False)


def one_error_line(result) -> str:
    assert result.exit_code != 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in result.output
    return lines[0]


def published_copy(sample_index: Path, tmp_path: Path) -> Path:
    out = tmp_path / "published"
    out.mkdir()
    shutil.copy(sample_index / "manifest.json", out)
    shutil.copytree(sample_index / "builds", out / "builds")
    return out


# -- the listing --------------------------------------------------------------------------

def test_listing_links_in_the_real_form():
    page = parse_listing(
        '<tr><td><a href="?download=data%2F2026%2Fdiscogs_20261001_releases.xml.gz">'
        'discogs_20261001_releases.xml.gz</a></td></tr>'
        '<a href="?prefix=data/2025/">2025/</a>'
        '<a href="https://data.discogs.com/?download=data/2026/discogs_20261001_CHECKSUM.txt">x</a>')
    assert page.downloads == ["data/2026/discogs_20261001_releases.xml.gz",
                              "data/2026/discogs_20261001_CHECKSUM.txt"]
    assert page.prefixes == ["data/2025/"]
    digest = "a" * 64
    assert parse_checksums(f"{digest} discogs_20261001_releases.xml.gz\n\nnot a line\n") == {
        "discogs_20261001_releases.xml.gz": digest}


def test_latest_is_the_newest_month_that_lists_the_kind(site):
    listing = DumpListing(site.url)
    releases = listing.resolve("releases")
    assert releases.name == "discogs_20261001_releases.xml.gz"  # November lacks it so far
    assert releases.url == f"{site.url}/?download=data%2F2026%2Fdiscogs_20261001_releases.xml.gz"
    assert listing.resolve("masters").date == "20261101"
    assert listing.resolve("releases", "20260901").date == "20260901"
    with pytest.raises(DumpError, match="20261001") as missing:
        listing.resolve("releases", "20261101")
    assert "not listed" in str(missing.value) and "--dump-date" in str(missing.value)
    with pytest.raises(DumpError, match="no artists dump"):
        listing.resolve("artists")
    # each page was fetched once
    pages = [path for path, _ in site.requests if "prefix=" in path]
    assert len(pages) == len(set(pages))


def test_latest_falls_back_to_the_previous_year():
    files = {"data/2027/discogs_20270101_masters.xml.gz": b"x",
             "data/2026/discogs_20261201_releases.xml.gz": b"y",
             "data/2026/discogs_20261101_releases.xml.gz": b"z"}
    with FakeDumpSite(files) as early_in_the_year:
        listing = DumpListing(early_in_the_year.url)
        assert listing.resolve("releases").date == "20261201"
        assert listing.resolve("masters").date == "20270101"


# -- builds from the site -----------------------------------------------------------------

def test_build_latest_end_to_end(site, tmp_path):
    out = tmp_path / "index"
    result = cli(site.url, "build", "--releases", "latest", "--masters", "latest",
                 "--limit", "60", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "checksums: releases and masters not checked: --limit" in result.output
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == ["ingested", "embedded", "indexed", "published"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["inputs"] == {
        "releases": f"{site.url}/?download=data%2F2026%2Fdiscogs_20261001_releases.xml.gz",
        "masters": f"{site.url}/?download=data%2F2026%2Fdiscogs_20261101_masters.xml.gz"}
    assert manifest["dump_dates"] == {"releases": "2026-10-01", "masters": "2026-11-01"}
    assert manifest["checksums"]["releases"]["checked"].startswith("not checked: --limit")
    assert manifest["demo"] is False
    assert manifest["counts"]["releases"] == 60 and manifest["counts"]["masters"] == 60


def test_whole_file_is_checked_and_a_dropped_connection_resumes(site, tmp_path):
    key = OCT.format("releases.xml.gz")
    site.drop_halfway.add(key)
    result = cli(site.url, "ingest", "--releases", "latest", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "ingested 1,000 of 1,000 releases" in result.output
    assert "checksums: releases verified" in result.output
    downloads = [rng for path, rng in site.requests if "download=data%2F2026%2Fdiscogs_20261001_rel" in path]
    half = len(site.files[key]) // 2
    assert downloads == [None, f"bytes={half}-"]  # resumed where it broke, not from byte 0
    meta = dict(sqlite3.connect(tmp_path / "work" / "catalog.sqlite").execute(
        "SELECT key, value FROM meta"))
    checksums = json.loads(meta["checksums"])
    assert checksums["releases"]["against"] == "discogs_20261001_CHECKSUM.txt"
    assert checksums["releases"]["sha256"] in site.files[OCT.format("CHECKSUM.txt")].decode()


def test_wrong_checksum_fails_in_one_line_and_keeps_the_index(site, sample_index, tmp_path):
    out = published_copy(sample_index, tmp_path)
    before = (out / "manifest.json").read_text()
    result = cli(site.url, "build", "--releases", "latest", "--dump-date", "20260901",
                 "--out", str(out))
    line = one_error_line(result)
    expected = parse_checksums(site.files[SEP.format("CHECKSUM.txt")].decode())
    import hashlib

    actual = hashlib.sha256(site.files[SEP.format("releases.xml.gz")]).hexdigest()
    assert "discogs_20260901_releases.xml.gz: SHA-256 mismatch" in line
    assert expected["discogs_20260901_releases.xml.gz"] in line and actual in line
    assert (out / "manifest.json").read_text() == before


def test_http_errors_name_the_url_and_what_to_try(site, tmp_path):
    line = one_error_line(cli(site.url, "ingest", "--releases", "latest", "--dump-date", "20260801",
                              "--out", str(tmp_path)))
    assert f"{site.url}/?download=data%2F2026%2Fdiscogs_20260801_releases.xml.gz" in line
    assert "HTTP 403" in line and "DISCOGS_RECS_DUMP_URL" in line and "local file" in line
    line = one_error_line(cli(site.url, "ingest", "--releases", "latest", "--dump-date", "20260301",
                              "--out", str(tmp_path)))
    assert "discogs_20260301_releases.xml.gz is not listed" in line
    line = one_error_line(cli(site.url, "ingest", "--releases", f"{site.url}/?download=data%2Fnope",
                              "--out", str(tmp_path)))
    assert "HTTP 404" in line and "not found" in line


def test_a_drop_the_server_cannot_resume_is_one_clear_line(tmp_path):
    releases = shared("dumps/2020-08-sample/discogs_20200806_releases.xml.gz").read_bytes()
    with FakeDumpSite({OCT.format("releases.xml.gz"): releases}, ranges=False,
                      drop_halfway={OCT.format("releases.xml.gz")}) as site:
        line = one_error_line(cli(site.url, "ingest", "--releases", "latest", "--out", str(tmp_path)))
    assert "the connection dropped at byte" in line and "HTTP Range" in line


def test_a_connection_that_keeps_dropping_gives_up_after_bounded_attempts():
    data = bytes(range(256)) * 64
    with FakeDumpSite({OCT.format("releases.xml.gz"): data},
                      drop_always={OCT.format("releases.xml.gz")}) as site:
        url = f"{site.url}/?download=data%2F2026%2Fdiscogs_20261001_releases.xml.gz"
        download = ResumableDownload(url, attempts=3, backoff=0)
        with pytest.raises(DumpError, match="the connection keeps dropping") as error:
            while download.read(1 << 16):
                pass
        ranges = [rng for _, rng in site.requests]
    assert url in str(error.value) and f"of {len(data):,}" in str(error.value)
    # every resume starts where the last answer broke off; attempts count afresh after
    # progress, and three in a row without a byte end it
    starts = [int(r.split("=")[1].rstrip("-")) for r in ranges[1:]]
    assert ranges[0] is None and starts[0] == len(data) // 2 and starts == sorted(starts)
    assert starts[-1] == len(data) - 1 and starts.count(starts[-1]) == 3


def test_a_silent_server_times_out_with_the_url():
    with socket.socket() as listener:  # accepts connections (backlog) but never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/discogs_20261001_releases.xml.gz"
        with pytest.raises(DumpError) as error:
            ResumableDownload(url, timeout=0.5)
    assert url in str(error.value) and "no answer within 0.5 s" in str(error.value)


# -- the demo catalogue when the site cannot be reached -----------------------------------

def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_unreachable_site_builds_the_demo_and_says_so(tmp_path):
    url = _closed_port_url()
    out = tmp_path / "index"
    plain = cli(url, "build", "--releases", "latest", "--out", str(out))
    line = one_error_line(plain)
    assert f"cannot reach {url}" in line
    result = cli(url, "build", "--releases", "latest", "--demo-if-offline", "--limit", "40",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1 and warnings[0].startswith("warning: ")
    assert url in warnings[0] and "demo catalogue" in warnings[0]
    assert "make run RELEASES=" in warnings[0] and "MASTERS=" in warnings[0]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["demo"] is True
    assert manifest["inputs"] == demo.inputs()
    assert manifest["dump_dates"] == {"releases": "2020-08-06", "masters": "2020-08-06"}

    from server import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(out)}).test_client()
    assert client.get("/api/v1/index").get_json()["demo"] is True
    assert "demo catalogue" in client.get("/").get_data(as_text=True)


def test_the_demo_catalogue_is_the_sample_dump():
    for bundled, original in ((demo.RELEASES, SAMPLE_RELEASES), (demo.MASTERS, SAMPLE_MASTERS)):
        assert bundled.exists()
        if original.exists():
            assert bundled.read_bytes() == original.read_bytes()


def test_a_real_index_is_not_the_demo(sample_index):
    from server import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(sample_index)}).test_client()
    assert client.get("/api/v1/index").get_json()["demo"] is False
    assert "demo catalogue" not in client.get("/").get_data(as_text=True)
