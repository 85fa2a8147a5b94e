"""`--artists`: the artists dump's links between the catalogue's artists, read into the
catalogue and by the recommender's album facts (related artists)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from discogs_recs.cli import main
from index_builder.artists import parse_artist
from recommender.albumfacts import AlbumFacts
from tests.conftest import FIXTURES, shared

EDGE_RELEASES = str(FIXTURES / "releases_edge_cases.xml")
EDGE_MASTERS = str(FIXTURES / "masters_edge_cases.xml")
EDGE_ARTISTS = str(FIXTURES / "artists_edge_cases.xml")


def run(*args: str):
    return CliRunner().invoke(main, ["--quiet", *args], catch_exceptions=False)


def ingested(tmp_path: Path, *extra: str) -> sqlite3.Connection:
    result = run("ingest", "--releases", EDGE_RELEASES, "--masters", EDGE_MASTERS, *extra,
                 "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    return sqlite3.connect(tmp_path / "work" / "catalog.sqlite")


def test_parse_reads_id_names_and_links_whatever_comes_first():
    record = open(EDGE_ARTISTS, "rb").read().split(b"</artist>")[0]
    artist = parse_artist(record)
    assert artist.artist_id == 11  # after <images>, before the aliases' ids
    assert artist.names == ["Alpha (2)", "Alpha", "ALPHA & Co"]
    assert artist.links == [(13, "alias"), (999, "alias")]
    members = parse_artist(b"<artist><id>12</id><name>Beta</name><members><id>14</id>"
                           b'<name id="14">Delta</name></members></artist>')
    assert members.names == ["Beta"] and members.links == [(14, "member")]
    assert parse_artist(b"<artist><name>No id</name></artist>") is None


def test_ingest_keeps_links_between_catalogue_artists_both_ways(tmp_path: Path):
    conn = ingested(tmp_path, "--artists", EDGE_ARTISTS)
    edges = set(conn.execute("SELECT artist_id, related_id, relation FROM artist_relations"))
    assert edges == {(11, 13, "alias"), (13, 11, "alias"), (12, 14, "member"),
                     (14, 12, "group")}  # 999 and 500 are on no album
    names = set(conn.execute("SELECT name, artist_id FROM artist_names"))
    assert {("alpha (2)", 11), ("alpha", 11), ("alpha & co", 11), ("alpha", 14)} <= names
    assert not any(artist_id == 500 for _, artist_id in names)
    meta = {key: json.loads(value) for key, value in conn.execute("SELECT key, value FROM meta")}
    assert meta["counts"]["artist_relations"] == 4 and meta["counts"]["artists"] == 5
    assert meta["inputs"]["artists"] == EDGE_ARTISTS


def test_album_facts_relate_the_albums_artists(tmp_path: Path):
    facts = AlbumFacts.load(ingested(tmp_path, "--artists", EDGE_ARTISTS))
    value = facts.artists.vocabulary.index
    assert facts.has_relations
    assert facts.related_of([value(11)]).tolist() == [value(13)]
    assert facts.related_of([value(14)]).tolist() == [value(12)]
    assert facts.related_of([value(15)]).size == 0


def test_without_artists_nothing_is_related(tmp_path: Path):
    facts = AlbumFacts.load(ingested(tmp_path))
    assert not facts.has_relations and facts.related_of([0]).size == 0


def test_a_wrong_file_as_artists_gives_one_clear_line_and_no_catalogue(tmp_path: Path):
    result = CliRunner().invoke(main, ["--quiet", "ingest", "--releases", EDGE_RELEASES,
                                       "--artists", EDGE_MASTERS, "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "this is not an artists dump (its root element is <masters>" in result.output
    assert not (tmp_path / "manifest.json").exists()


def test_real_artists_dumps_of_every_format_parse(tmp_path: Path):
    """The 2020 dump (images first, members with <id> children) and the 2026 compact one."""
    from index_builder.artists import iter_artists
    from index_builder.sources import open_dump

    for relative, some_id in (("dumps/2020-08-sample/discogs_20200806_artists.xml.gz", 2),
                              ("dumps/2026-format/discogs_artists.xml.gz", 32),
                              ("dumps/2017-head/discogs_20170401_artists.xml.gz", None)):
        source = open_dump(str(shared(relative)))
        try:
            records = list(iter_artists(source, progress=False))
        finally:
            source.close()
        assert records and all(r.names for r in records)
        if some_id is not None:
            record = next(r for r in records if r.artist_id == some_id)
            assert record.links and all(other != some_id for other, _ in record.links)
    # Artist 2 of 2020 is a duo: its members are 26 and 27.
    source = open_dump(str(shared("dumps/2020-08-sample/discogs_20200806_artists.xml.gz")))
    try:
        duo = next(r for r in iter_artists(source, progress=False) if r.artist_id == 2)
    finally:
        source.close()
    assert {(26, "member"), (27, "member")} <= set(duo.links)


def test_because_names_the_related_artist(tmp_path: Path):
    """A recommendation by an artist related to an owned one says how, in `because`."""
    from recommender.engine import Recommender
    from recommender.store import IndexStore

    result = run("build", "--releases", EDGE_RELEASES, "--masters", EDGE_MASTERS,
                 "--artists", EDGE_ARTISTS, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    store = IndexStore.open(str(tmp_path))
    albums = store.albums_of_releases([102, 103, 104])
    assert store.artist_links([11, 12, 13], [13, 14]) == {(11, 13): "alias", (12, 14): "member"}

    def related(owned_release: int, shown_release: int):
        items = Recommender(store).recommend([albums[owned_release]], k=10).items
        item = next(i for i in items if i["album_id"] == albums[shown_release])
        return [reason["shared"]["related"] for reason in item["because"]]

    assert related(103, 102) == [{"artist": "Alpha", "relation": "alias of", "of": "Gamma"}]  # as credited
    beta_album = store.albums_of_masters([501])[501]
    items = Recommender(store).recommend([albums[104]], k=10).items
    reasons = next(i["because"] for i in items if i["album_id"] == beta_album)
    assert [r["shared"]["related"] for r in reasons] == [
        {"artist": "Beta", "relation": "group of", "of": "Delta"}]


def test_without_artists_because_relates_nothing(tmp_path: Path):
    from recommender.engine import Recommender
    from recommender.store import IndexStore

    assert run("build", "--releases", EDGE_RELEASES, "--masters", EDGE_MASTERS,
               "--out", str(tmp_path)).exit_code == 0
    store = IndexStore.open(str(tmp_path))
    assert store.artist_links([11, 12], [13, 14]) == {}
    owned = store.albums_of_releases([104])[104]
    items = Recommender(store).recommend([owned], k=10).items
    assert items and all(r["shared"]["related"] is None for i in items for r in i["because"])
