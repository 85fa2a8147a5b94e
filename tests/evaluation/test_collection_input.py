"""Reading collections: export CSVs (with or without master_id), id lists, --user."""
from __future__ import annotations

import datetime as dt
import sys

import pytest

from evaluation.collection_input import (CollectionInputError, from_discogs_user,
                                         parse_id_list, read_export_csv)
from tests.conftest import shared

EXPORT_HEADER = ("Catalog#,Artist,Title,Label,Format,Rating,Released,release_id,"
                 "CollectionFolder,Date Added,Collection Media Condition,"
                 "Collection Sleeve Condition,Collection Notes\n")


def test_reads_a_discogs_export(tmp_path):
    path = tmp_path / "me_collection.csv"
    path.write_text(EXPORT_HEADER
                    + 'VP4188,Augustus Pablo,This Is,17 North Parade,"LP, Album",,2011,3068785,'
                      'Uncategorized,2020-11-18 19:17:05,,,\n'
                    + 'X1,Someone,Thing,Label,LP,,2011,,Uncategorized,,,,\n')
    collection = read_export_csv(str(path))
    assert collection.name == "me_collection"
    assert len(collection.rows) == 1  # a row without any id is skipped
    row = collection.rows[0]
    assert row.release_id == 3068785 and row.master_id is None
    assert row.date_added == dt.datetime(2020, 11, 18, 19, 17, 5)


def test_a_master_id_column_is_used_when_present():
    path = shared("eval/gustw_in_popular_masters.csv")
    collection = read_export_csv(str(path))
    assert len(collection.rows) == 26
    first = collection.rows[0]
    assert (first.release_id, first.master_id) == (1842334, 16921)
    assert first.date_added == dt.datetime(2020, 11, 18, 21, 18, 29)


def test_real_exports_read_every_row():
    path = shared("collection-exports/gustw_collection_export.csv")
    collection = read_export_csv(str(path))
    assert len(collection.rows) == 316
    assert all(r.release_id and r.date_added for r in collection.rows)


def test_a_csv_without_ids_is_an_actionable_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("artist,title\nA,B\n")
    with pytest.raises(CollectionInputError, match="no release_id column"):
        read_export_csv(str(path))
    with pytest.raises(CollectionInputError, match="does not exist"):
        read_export_csv(str(tmp_path / "missing.csv"))


def test_exports_are_read_by_the_collection_parser(tmp_path):
    """One parser: a zipped or Windows-1252 export reads as discogs.com's own file."""
    import zipfile

    body = (EXPORT_HEADER + 'X,Bj\xf6rk,Post,One,LP,4,1995,2030121,Uncategorized,'
            '2021-01-02 03:04:05,,,\n').encode("cp1252")
    path = tmp_path / "mine.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mine.csv", body)
    [row] = read_export_csv(str(path)).rows
    assert row.release_id == 2030121 and row.artist == "Bj\xf6rk"
    assert row.date_added == dt.datetime(2021, 1, 2, 3, 4, 5)


def test_api_dates_keep_the_local_time():
    from evaluation.collection_input import parse_date

    assert parse_date("2015-04-14T03:23:29-07:00") == dt.datetime(2015, 4, 14, 3, 23, 29)
    assert parse_date("") is None and parse_date(None) is None


def test_id_lists():
    assert parse_id_list("1, 2,,3", "--release-ids") == [1, 2, 3]
    assert parse_id_list(None, "--master-ids") == []
    with pytest.raises(CollectionInputError, match="--master-ids: 'abc' is not a Discogs id"):
        parse_id_list("4,abc", "--master-ids")


def test_user_without_the_collection_package_says_what_to_do(monkeypatch):
    monkeypatch.setitem(sys.modules, "collection.cache", None)  # as if not installed
    with pytest.raises(CollectionInputError, match="needs the collection package"):
        from_discogs_user("someone")
