"""The dump parser on every real format in ../shared/data and on our own edge cases."""
from __future__ import annotations

from pathlib import Path

import pytest

from index_builder.parse import iter_records, parse_year
from index_builder.sources import open_dump
from tests.conftest import FIXTURES, SHARED_DATA, shared


def records(path: Path, kind: str):
    source = open_dump(str(path))
    try:
        return list(iter_records(source, kind))
    finally:
        source.close()


def _dump_files():
    if not SHARED_DATA.exists():
        return []
    files = sorted((SHARED_DATA / "dumps").rglob("*.xml*"))
    return [f for f in files if any(k in f.name for k in ("releases", "masters", "_r"))]


@pytest.mark.parametrize("path", _dump_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_real_dump_file_parses(path: Path):
    kind = "master" if "masters" in path.name else "release"
    parsed = records(path, kind)
    assert parsed, f"no {kind} parsed from {path}"
    for record in parsed:
        assert record[f"{kind}_id"] > 0
        assert record["title"]
        assert isinstance(record["artists"], list)


def test_every_real_dump_format_is_covered():
    files = {f.parent.name for f in _dump_files()}
    if not files:
        pytest.skip("../shared/data is absent")
    assert {"2017-head", "2020-08-sample", "2026-format"} <= files


def test_sample_release_fields_2020():
    path = shared("dumps/2020-08-sample/discogs_20200806_releases.xml.gz")
    parsed = records(path, "release")
    assert len(parsed) == 1000
    first = parsed[0]
    assert first["release_id"] == 1
    assert first["status"] == "Accepted"
    assert first["title"] == "Stockholm"
    assert first["artists"][0]["name"] == "The Persuader"
    assert first["labels"] == [{"id": 5, "name": "Svek", "catno": "SK032"}]
    assert first["extra_artists"][0]["role"] == "Music By [All Tracks By]"
    assert first["formats"][0]["name"] == "Vinyl" and first["formats"][0]["qty"] == "2"
    assert first["formats"][0]["descriptions"] == ['12"', "33 ⅓ RPM"]
    assert first["genres"] == ["Electronic"] and first["styles"] == ["Deep House"]
    assert first["country"] == "Sweden" and first["released"] == "1999-03-00"
    assert first["year"] == 1999
    assert first["master_id"] == 1660109 and first["is_main_release"] is True
    assert first["data_quality"] == "Needs Vote"
    assert [t["position"] for t in first["tracklist"]] == ["A", "B1", "B2", "C1", "C2", "D"]
    assert first["tracklist"][0]["duration"] == "4:45"
    assert first["videos"][0]["url"] == "https://www.youtube.com/watch?v=MpmbntGDyNE"
    assert first["videos"][0]["title"] == "The Persuader - Östermalm"
    assert "Stockholm's 82 districts" in first["notes"]
    with_master = [r for r in parsed if r["master_id"]]
    assert len(with_master) == 615  # the data README's count
    assert len({g for r in parsed for g in r["genres"]}) == 15
    assert sum(len(r["tracklist"]) + sum(len(t.get("sub_tracks", [])) for t in r["tracklist"])
               for r in parsed) >= 9000


def test_2017_release_has_no_master_element_and_empty_children():
    parsed = records(shared("dumps/2017-head/discogs_20170401_releases.xml.gz"), "release")
    first = parsed[0]
    assert first["release_id"] == 1 and first["master_id"] is None
    assert first["is_main_release"] is False
    assert first["artists"][0]["anv"] == ""
    assert first["labels"][0]["id"] is None  # 2017 labels carry no id attribute


def test_2026_release_fields():
    parsed = records(shared("dumps/2026-format/discogs_releases.xml.gz"), "release")
    gusgus = next(r for r in parsed if r["release_id"] == 2323)
    assert gusgus["status"] is None  # recent dumps dropped the attribute
    assert gusgus["master_id"] == 19830 and gusgus["is_main_release"] is False
    assert gusgus["artists"][0]["name"] == "GusGus"
    assert gusgus["extra_artists"][5]["anv"] == "Steph"


def test_masters_fields_2026_and_popular():
    parsed = records(shared("dumps/2026-format/discogs_20260201_masters.xml"), "master")
    assert parsed[0]["master_id"] == 392818 and parsed[0]["main_release"] == 1946857
    assert parsed[0]["year"] == 2008
    assert "Folk, World, & Country" in parsed[0]["genres"]
    popular = records(shared("popular-masters/discogs_popular_masters.xml.gz"), "master")
    assert len(popular) == 2072
    assert popular[0]["title"] == "Paranoid" and popular[0]["main_release"] is None


def test_own_edge_cases():
    parsed = {r["release_id"]: r for r in records(FIXTURES / "releases_edge_cases.xml", "release")}
    first = parsed[101]
    assert first["title"] == "First <b>Bold</b> Record"
    assert [a["join"] for a in first["artists"]] == ["&", ""]
    assert first["extra_artists"][0]["id"] is None  # credit without a Discogs page
    assert first["year"] == 1995
    suite = first["tracklist"][0]
    assert [t["title"] for t in suite["sub_tracks"]] == ["Part One", "Part Two"]
    assert parsed[102]["series"][0]["name"] == "Edge Series"
    assert parsed[102]["is_main_release"] is False
    assert parsed[103]["master_id"] is None  # master_id 0 means none
    assert parsed[103]["formats"][0]["descriptions"] == []
    assert parsed[103]["year"] is None
    assert parsed[104]["master_id"] is None and parsed[104]["year"] == 1971
    masters = records(FIXTURES / "masters_edge_cases.xml", "master")
    assert [m["master_id"] for m in masters] == [501, 502]
    assert masters[1]["year"] is None  # year 0


@pytest.mark.parametrize("value,year", [("1999-03-00", 1999), ("1999", 1999), ("", None),
                                        (None, None), ("00-00-0000", None), ("Jun 1987", 1987)])
def test_parse_year(value, year):
    assert parse_year(value) == year


def test_small_chunks_give_the_same_records(monkeypatch):
    """Records straddling chunk boundaries are reassembled exactly."""
    from index_builder import parse

    path = shared("dumps/2020-08-sample/discogs_20200806_releases.xml.gz")
    whole = records(path, "release")
    source = open_dump(str(path))
    pieces = list(parse.iter_chunks(source, "release", chunk_bytes=5000))
    source.close()
    assert len(pieces) > 100
    rejoined = [r for _, chunk in pieces for r in parse.parse_chunk(chunk, "release")]
    assert rejoined == whole
