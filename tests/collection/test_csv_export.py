"""discogs.com's exports: the real files, and every way a file can be broken."""
from __future__ import annotations

import codecs
import io
import zipfile

import pytest

from collection.csv_export import parse_export
from collection.errors import InvalidExport
from tests.conftest import shared

HEADER = ("Catalog#,Artist,Title,Label,Format,Rating,Released,release_id,CollectionFolder,"
          "Date Added,Collection Media Condition,Collection Sleeve Condition,Collection Notes\n")


def real(name: str) -> bytes:
    return shared(f"collection-exports/{name}").read_bytes()


def test_real_collection_export():
    parsed = parse_export(real("gustw_collection_export.csv"))
    assert parsed.kind == "collection" and parsed.encoding == "utf-8"
    assert parsed.rows == len(parsed.records) == 316 and parsed.problems == []
    first = parsed.records[0]
    assert (first.release_id, first.artist, first.title, first.year) == (
        3068785, "Augustus Pablo", "This Is Augustus Pablo", 2011)
    assert first.labels == ["17 North Parade"] and first.formats == ["LP", "Album", "RE", "RM"]
    assert first.line == 2 and first.rating is None


def test_real_export_with_custom_columns():
    parsed = parse_export(real("mouse-reeve_collection_export.csv"))
    assert parsed.rows == len(parsed.records) == 68 and parsed.problems == []
    assert "Collection Purchased At" in parsed.columns
    by_id = {r.release_id: r for r in parsed.records}
    assert by_id[4860518].title.startswith("The Worse Things Get, The Harder I Fight")
    assert by_id[3351731].artist == "Ch\u0153ur Des Moines De L'Abbaye D'En-Calcat"


def test_real_wantlist_with_its_unlabelled_column():
    parsed = parse_export(real("mouse-reeve_wantlist_export.csv"))
    assert parsed.kind == "wantlist"
    assert parsed.rows == len(parsed.records) == 29
    assert parsed.problems == []  # one extra field on every row is the format, not a fault
    assert parsed.records[0].release_id == 4619668 and parsed.records[0].title == "Horses"


def test_ratings_are_read():
    data = (HEADER + "X1,A,T,L,LP,5,2001,11,Uncategorized,,,,\n"
                     "X2,B,U,L,LP,0,2002,12,Uncategorized,,,,\n"
                     "X3,C,V,L,LP,,2003,13,Uncategorized,,,,\n").encode()
    assert [r.rating for r in parse_export(data).records] == [5, None, None]


def test_malformed_rows_are_reported_with_their_lines_and_the_rest_used():
    data = (HEADER
            + "X1,A,T,L,LP,,2001,11,Uncategorized,,,,\n"        # line 2: fine
            + "X2,B,U,L,LP,,2002,abc,Uncategorized,,,,\n"       # line 3: bad id
            + "\n"                                             # line 4: blank, ignored
            + "X3,C,V\n"                                       # line 5: too short
            + "X4,D,W,L,LP,9,2004,14,Uncategorized,,,,\n"       # line 6: bad rating, used
            + "X5,E,X,L,LP,,2005,,Uncategorized,,,,\n"          # line 7: no id
            + "X6,F,Y,L,LP,,2006,16,Uncategorized,,,,,,extra\n"  # line 8: ragged, used
            ).encode()
    parsed = parse_export(data)
    assert [r.release_id for r in parsed.records] == [11, 14, 16]
    summary = parsed.summary()
    assert summary["rows"] == 6 and summary["used"] == 3 and summary["malformed"] == 5
    lines = {p["line"]: p for p in summary["malformed_rows"]}
    assert sorted(lines) == [3, 5, 6, 7, 8]
    assert lines[3]["skipped"] and "abc" in lines[3]["reason"]
    assert lines[5]["skipped"] and "release_id" in lines[5]["reason"]
    assert not lines[6]["skipped"] and "Rating" in lines[6]["reason"]
    assert lines[7]["skipped"] and "empty" in lines[7]["reason"]
    assert not lines[8]["skipped"] and "15 fields" in lines[8]["reason"]


def test_an_unclosed_quote_is_reported_not_a_crash():
    data = (HEADER + 'X1,A,T,L,LP,,2001,11,Uncategorized,,,,\n'
                     'X2,"B,U,L,LP,,2002,12,Uncategorized,,,,\n'
                     'X3,C,V,L,LP,,2003,13,Uncategorized,,,,\n').encode()
    parsed = parse_export(data)
    assert [r.release_id for r in parsed.records] == [11]
    assert parsed.problems[0].line == 3 and "quote" in parsed.problems[0].reason


def test_windows_1252_lines_are_read_and_reported():
    text = real("mouse-reeve_collection_export.csv").decode("utf-8")
    data = text.encode("cp1252", errors="replace")
    parsed = parse_export(data)
    assert len(parsed.records) == 68
    assert parsed.encoding == "windows-1252"
    non_ascii = [n for n, line in enumerate(data.splitlines(), 1) if not line.isascii()]
    assert [p.line for p in parsed.problems] == non_ascii
    assert all("Windows-1252" in p.reason and not p.skipped for p in parsed.problems)
    by_id = {r.release_id: r for r in parsed.records}
    assert by_id[3351731].artist.startswith("Ch\u0153ur")  # cp1252 has the oe ligature


def test_one_bad_line_in_a_utf8_file():
    data = (HEADER + "X1,Bj\u00f6rk,Post,L,LP,,1995,11,Uncategorized,,,,\n").encode()
    data += "X2,Sigur R\u00f3s,( ),L,LP,,2002,12,Uncategorized,,,,\n".encode("latin-1")
    parsed = parse_export(data)
    assert len(parsed.records) == 2 and parsed.records[1].artist == "Sigur R\u00f3s"
    assert parsed.encoding == "utf-8, 1 line(s) windows-1252"
    assert [p.line for p in parsed.problems] == [3]


def test_bom_utf16_and_zip_are_read():
    text = real("gustw_collection_export.csv").decode("utf-8")
    with_bom = parse_export(codecs.BOM_UTF8 + text.encode("utf-8"))
    assert with_bom.encoding == "utf-8-sig" and len(with_bom.records) == 316
    utf16 = parse_export(text.encode("utf-16"))
    assert utf16.encoding == "utf-16" and len(utf16.records) == 316
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("gustw-collection-20250101.csv", text)
    assert len(parse_export(buffer.getvalue()).records) == 316


def test_nul_bytes_do_not_stop_the_reader():
    data = (HEADER + "X1,A\x00,T,L,LP,,2001,11,Uncategorized,,,,\n").encode()
    assert [r.release_id for r in parse_export(data).records] == [11]


@pytest.mark.parametrize("data, words", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b'{"releases": [1, 2]}', "not a Discogs export"),
    (b"Artist,Title\nA,B\n", "release_id"),
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a Discogs export"),
    (b"PK\x03\x04broken zip", "zip"),
])
def test_files_that_are_not_exports_are_refused_with_what_to_do(data, words):
    with pytest.raises(InvalidExport) as caught:
        parse_export(data)
    assert words in caught.value.message and caught.value.status == 400


def test_kind_can_be_forced():
    data = (HEADER + "X1,A,T,L,LP,,2001,11,Uncategorized,,,,\n").encode()
    assert parse_export(data, kind="wantlist").records[0].source == "wantlist"
    with pytest.raises(InvalidExport):
        parse_export(data, kind="inventory")


def test_date_added_is_kept_as_written():
    parsed = parse_export(real("gustw_collection_export.csv"))
    first = parsed.records[0]
    assert first.date_added == "2020-11-18 19:17:05" and first.master_id is None
    assert all(r.date_added for r in parsed.records)
    wants = parse_export(real("mouse-reeve_wantlist_export.csv")).records
    assert wants[0].date_added == "2014-12-06 21:34:01"  # the unlabelled last field
    blank = parse_export((HEADER + "X,A,T,L,LP,,2000,12,Uncategorized,,,,\n").encode()).records
    assert blank[0].date_added is None


def test_an_optional_master_id_column_is_read():
    parsed = parse_export(shared("eval/gustw_in_popular_masters.csv").read_bytes())
    assert parsed.problems == [] and len(parsed.records) == 26
    first = parsed.records[0]
    assert (first.release_id, first.master_id, first.artist, first.title) == (
        1842334, 16921, "Steely Dan", "Aja")
    assert first.date_added == "2020-11-18 21:18:29"
    zero = parse_export(b"release_id,master_id\n5,0\n").records[0]
    assert zero.master_id is None  # 0: no master
