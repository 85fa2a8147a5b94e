"""recommender.facts_sql reads the same per-album facts as decoding every row in Python."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from discogs_recs.cli import main
from recommender.albumfacts import (AlbumFacts, _artist_tables, _ids_of_names, artist_keys_json,
                                    label_keys_json)
from recommender.tags import tag_keys_json
from tests.conftest import FIXTURES


def decoded(conn: sqlite3.Connection) -> AlbumFacts:
    """The facts as the loader before facts_sql built them: every row decoded in Python."""
    rows = conn.execute("SELECT album_id, artists, genres, styles, year, labels, label, "
                        "release_count FROM albums ORDER BY album_id").fetchall()
    artists = [artist_keys_json(r[1]) for r in rows]
    if _artist_tables(conn):
        names = _ids_of_names(conn, [k for keys in artists for k in keys if isinstance(k, str)])
        artists = [[names.get(k, k) for k in keys] for keys in artists]
    return AlbumFacts.build(artists=artists, tags=[tag_keys_json(r[2], r[3]) for r in rows],
                            years=[r[4] for r in rows],
                            labels=[label_keys_json(r[5], r[6]) for r in rows],
                            versions=[r[7] or 0 for r in rows])


def lists(column):
    return [[column.vocabulary[v] for v in column.values_of(a)] for a in range(column.rows)]


def assert_same(conn: sqlite3.Connection) -> None:
    new, old = AlbumFacts.load(conn), decoded(conn)
    assert new.size == old.size
    for name in ("artists", "tags", "labels"):
        assert lists(getattr(new, name)) == lists(getattr(old, name)), name
    assert new.artists.vocabulary == old.artists.vocabulary  # one stream: same order
    np.testing.assert_array_equal(new.year, old.year)
    np.testing.assert_array_equal(new.versions, old.versions)
    idf_new = dict(zip(new.tags.vocabulary, new.tag_idf))
    assert idf_new == pytest.approx(dict(zip(old.tags.vocabulary, old.tag_idf)))
    for value in range(new.artists.size):
        assert (new.albums_of_artists([value]).tolist()
                == old.albums_of_artists([old.artists.vocabulary.index(new.artists.vocabulary[value])]).tolist())


def test_the_edge_cases_read_alike(tmp_path: Path):
    result = CliRunner().invoke(main, [
        "--quiet", "ingest", "--releases", str(FIXTURES / "releases_edge_cases.xml"),
        "--masters", str(FIXTURES / "masters_edge_cases.xml"),
        "--artists", str(FIXTURES / "artists_edge_cases.xml"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(tmp_path / "work" / "catalog.sqlite")
    # Rows the dumps rarely give: a credit without an id, Various, labels only in
    # `label`, "Not On Label", a repeated style, no year.
    conn.executescript(f"""
        UPDATE albums SET artists = '{json.dumps([{"id": None, "name": "Alpha"}, {"id": 194, "name": "Various"},
                                                   {"id": None, "name": "VARIOUS"}, {"id": None, "name": "Ünïcode Ärtist"},
                                                   {"id": None, "name": "ALPHA (2)"}])}',
                          labels = '[]', label = 'Only Here', styles = '["Dub", "Dub", "Ambient"]', year = NULL
        WHERE album_id = 0;
        UPDATE albums SET labels = '["Not On Label (Self-released)", "Warp"]' WHERE album_id = 1;
    """)
    assert_same(conn)
    facts = AlbumFacts.load(conn)
    # "Alpha" names two artists: no id; "Alpha (2)" one, whose id it takes
    assert lists(facts.artists)[0] == ["alpha", "ünïcode ärtist", 11]
    assert lists(facts.labels)[:2] == [["only here"], ["warp"]]


def test_the_real_sample_reads_alike(sample_index: Path):
    manifest = json.loads((sample_index / "manifest.json").read_text())
    assert_same(sqlite3.connect(sample_index / manifest["files"]["catalog"]))


def test_album_ids_with_a_gap_are_refused(tmp_path: Path):
    conn = sqlite3.connect(tmp_path / "c.sqlite")
    conn.execute("CREATE TABLE albums (album_id INTEGER PRIMARY KEY, artists TEXT, genres TEXT, "
                 "styles TEXT, year INTEGER, labels TEXT, label TEXT, release_count INTEGER)")
    conn.executemany("INSERT INTO albums (album_id) VALUES (?)", [(0,), (2,)])
    with pytest.raises(ValueError, match="not 0..N-1; rebuild"):
        AlbumFacts.load(conn)
