"""The compiled fast path (index_builder/_fastxml) against the Python reference.

The contract: for every document the C code accepts it returns exactly what the
Python path returns (same values, same dict key order, so the same JSON); anything
else raises Unsupported and ingest falls back to lxml. Checked on every real dump file,
our fixtures, and hand-written edge cases aimed at each rule the C code reimplements.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import List

import pytest

from index_builder import albums, catalog, chunkdb, fast, ingest
from index_builder.filters import Filters
from index_builder.parse import ChunkSyntaxError, iter_chunks, parse_document, parse_document_lxml
from index_builder.sources import open_dump
from tests.conftest import FIXTURES, SHARED_DATA

needs_compiled = pytest.mark.skipif(not fast.AVAILABLE, reason=fast.MISSING)
_fastxml = fast._fastxml
TEMPLATES = ("full-v1", "core-v1")


def documents(path: Path, kind: str) -> List[bytes]:
    source = open_dump(str(path))
    try:
        return [b"<r>" + chunk + b"</r>" for _, chunk in iter_chunks(source, kind)]
    finally:
        source.close()


def assert_same(got, expected):
    """Equal values and, recursively, equal dict key order (it decides the JSON)."""
    assert got == expected
    if isinstance(expected, dict):
        assert list(got) == list(expected)
        for key in expected:
            assert_same(got[key], expected[key])
    elif isinstance(expected, (list, tuple)):
        for a, b in zip(got, expected):
            assert_same(a, b)


def check_document(document: bytes, kind: str) -> int:
    """Every compiled entry point against the Python path on one document."""
    records = parse_document_lxml(document, kind)
    assert_same(_fastxml.parse(document, kind), records)
    if kind == "master":
        return len(records)
    for template in TEMPLATES:
        expected_pairs = []
        for record in records:
            row = catalog.release_row(record)
            expected_pairs.append((row, albums.release_part(record, row[3], template)))
        pairs = _fastxml.release_rows(document, template == "full-v1")
        assert_same(pairs, expected_pairs)
        for row, part in pairs:
            assert_same(_fastxml.album_row(part, template == "full-v1"),
                        albums.single_album_row(part, template))
        for alone in (False, True):
            python = ingest._staged(expected_pairs, len(records), template, alone)
            compiled = _fastxml.staged_releases(document, template == "full-v1", alone)
            assert compiled[:4] == python[:4]
            # parts: the same values once unpacked (marshal's bytes depend on refcounts)
            assert [p[:3] for p in compiled[4]] == [p[:3] for p in python[4]]
            assert [albums.unpack_part(p[3]) for p in compiled[4]] == \
                [albums.unpack_part(p[3]) for p in python[4]]
    return len(records)


def _real_files():
    if not SHARED_DATA.exists():
        return []
    files = sorted((SHARED_DATA / "dumps").rglob("*.xml*"))
    files = [f for f in files if any(k in f.name for k in ("releases", "masters", "_r"))]
    return files + [SHARED_DATA / "popular-masters/discogs_popular_masters.xml.gz"]


@needs_compiled
@pytest.mark.parametrize("path", _real_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_real_dump_file_gives_the_python_values(path: Path):
    kind = "master" if "masters" in path.name else "release"
    assert sum(check_document(d, kind) for d in documents(path, kind)) > 0


@needs_compiled
@pytest.mark.parametrize("name,kind", [("releases_edge_cases.xml", "release"),
                                       ("masters_edge_cases.xml", "master")])
def test_our_fixtures_give_the_python_values(name: str, kind: str):
    assert sum(check_document(d, kind) for d in documents(FIXTURES / name, kind)) > 0


def release(body: str, attributes: str = 'id="7" status="Accepted"') -> bytes:
    return f"<r><release {attributes}>{body}</release></r>".encode()


EDGE_CASES = {
    "entities and character references": release(
        "<title>Rock &amp; Roll &lt;3 &#233;t&#xE9; &#x1F3B5; &quot;x&quot; &apos;y&apos;</title>"
        '<labels><label name="Smith &amp; Sons" catno="A&#47;1" id="9"/></labels>'),
    "white space, ASCII and beyond": release(
        "<title>  \u00a0Spaced\u3000 </title><country>\t UK \n</country>"
        "<notes>  Line one\n\n   line\ttwo\u00a0end  </notes><genres><genre> </genre>"
        "<genre>\u2003Jazz</genre></genres><styles/>"),
    "CRLF line ends inside text": release("<title>A\r\nB\rC</title><notes>x\r\n\r\ny</notes>"
                                          "\r\n<artists>\r\n<artist><name>N</name></artist></artists>"),
    "numbers beyond ASCII and beyond 64 bits": release(
        "<master_id is_main_release='true'>\u0661\u0662</master_id>"
        "<artists><artist><id>\u00b2</id><name>Sup</name></artist><artist><id>99999999999999999999"
        "</id><name>Big</name></artist><artist><id> 0042 </id><name>Padded</name></artist>"
        "<artist><id>-5</id><name>Negative</name></artist></artists>"
        "<released>\u0661\u0669\u0669\u0669-01</released>"),
    "ids out of range and years": b"<r>" + release("<released>1492-10-12</released>", 'id="0"')[3:-4]
    + release("<released>c. 1999 / 2001</released>", 'id="99999999999999999999999"')[3:],
    "ids at and beyond SQLite's 2^63 - 1": b"<r>" + release(
        "<artists><artist><id>9223372036854775808</id><name>Beyond</name></artist>"
        "<artist><id>09223372036854775807</id><name>At</name></artist></artists>"
        '<labels><label name="L" id="18446744073709551616"/></labels>'
        "<master_id>9223372036854775808</master_id>", 'id="9223372036854775807"')[3:-4]
    + release("<title>skipped</title>", 'id="9223372036854775808"')[3:],
    "display names": release(
        "<artists><artist><name>Chris Bigg (2)</name><join>&amp;</join></artist>"
        "<artist><name>Nbsp\u00a0(3)</name><anv>Shown (12)</anv><join>,</join></artist>"
        "<artist><name>Arabic (\u0662)</name><join>Feat.</join></artist>"
        "<artist><name>(4)</name></artist><artist><name>Trailing  (5)</name></artist></artists>"
        "<extraartists><artist><name>Producer (7)</name><role>Producer</role></artist>"
        "<artist><name>No Role</name><role></role></artist><artist><name></name>"
        "<role>Nobody</role></artist><artist><name>Tracks First</name><tracks>A1</tracks>"
        "<role>Mix</role></artist><artist><name>Twice</name><role>a</role><role>b</role>"
        "</artist></extraartists>"),
    "duplicated and empty elements": release(
        "<title>First</title><title>Second</title><title></title><title/>"
        "<genres><genre>Rock</genre></genres><genres><genre>Pop</genre></genres>"
        "<master_id>1</master_id><master_id is_main_release='tru&#101;'>2</master_id>"
        "<videos><video src='u' duration='x'><title>t1</title><title>t2</title></video></videos>"
        "<formats><format name='CD' qty='1'><descriptions><description>Album</description>"
        "</descriptions><descriptions><description>EP</description></descriptions></format>"
        "<format name='' text='x'/><format name='CD'/></formats>"),
    "labels: ties, empties, duplicates": release(
        '<labels><label name="B" catno="1"/><label name="A"/><label name="B"/><label name=""/>'
        '<label name="C"/><label name="A"/><label name="D"/></labels>'
        '<series><series name="S" catno="x" id="3"/></series>'),
    "tracks, sub-tracks and the Tracks line": release(
        "<tracklist>" + "".join(f"<track><position>{i}</position><title>{'T%d' % i if i % 3 else ''}"
                                f"</title></track>" for i in range(20))
        + "<track><title>Heading</title><sub_tracks><track><title>Sub</title><duration>1:00"
          "</duration></track></sub_tracks><sub_tracks/></track>"
        "<track><position/><title/><duration/></track></tracklist>"),
    "a title-less tracklist past the first fifteen": release(
        "<tracklist>" + "<track><title></title></track>" * 16
        + "<track><title>Late</title></track></tracklist>"),
    "notes with BBCode and length": release(
        "<notes>[b]Bold[/b] [url=http://x]link[/url] [l=Label] " + "word " * 150 + "</notes>"
        "<tracklist><track><title>" + "\u00e9" * 1500 + "</title></track></tracklist>"),
    "long text cut at 1,200 characters in the middle of a character": release(
        "<title>" + "\u6f22" * 1300 + "</title><notes>" + "n" * 900 + "</notes>"),
    "strip(' -') of the first line": release(
        "<title>- Dash -</title><artists><artist><name>-</name></artist></artists>"),
    "blank text before a child and in a leaf": release(
        "<artists>   <artist>  <name>N</name>  </artist>  </artists><notes>   </notes>"),
    "other elements and attributes ignored": release(
        '<images><image type="primary" uri="" height="600"/></images>'
        "<identifiers><identifier type='Barcode' value='1 2'/></identifiers>"
        "<companies><company><id>1</id><name>Co</name></company></companies>"
        "<data_quality>Correct</data_quality>", 'id="5" status="Draft" extra="yes"'),
    "text and other records between releases": (
        b"<r>text &amp; more<release id='1'><title>A</title></release>\n<master id='3'/>"
        b"<release><title>no id</title></release><release id='2'/></r>"),
}


@needs_compiled
@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_edge_cases_give_the_python_values(name: str):
    check_document(EDGE_CASES[name], "release")


@needs_compiled
def test_master_edge_cases_give_the_python_values():
    document = (b"<r><master id='4'><main_release>12</main_release><year>\xd9\xa1990</year>"
                b"<year> 1987 </year><title>T &amp; U</title><artists><artist><id>1</id>"
                b"<name>A (2)</name></artist></artists><videos/></master>"
                b"<master id='x'><title>skipped</title></master><master id='5'/></r>")
    check_document(document, "master")


UNSUPPORTED = {
    "comment": release("<!-- note --><title>A</title>"),
    "CDATA": release("<notes><![CDATA[a < b]]></notes>"),
    "processing instruction": b"<?xml version='1.0'?><r><release id='1'/></r>",
    "control character": release("<title>A\x01</title>"),
    "invalid UTF-8": release("<title>A</title>").replace(b"A", b"\xff"),
    "undefined entity": release("<title>&nbsp;</title>"),
    "character reference XML forbids": release("<title>&#1;</title>"),
    "mismatched end tag": release("<title>A</titel>"),
    "truncated": release("<title>A</title>")[:-12],
    "line break in an attribute": release('<labels><label name="A\nB"/></labels>'),
    "namespace prefix": release("<x:title>A</x:title>"),
    "unquoted attribute": b"<r><release id=1/></r>",
    # found by the differential fuzzer (tests/fastxml_fuzz.py, docs/fuzzing.md)
    "repeated attribute": release('<labels><label name="A" catno="1" name="B"/></labels>'),
    "repeated attribute of a record": b"<r><release id='1' status='x' id='2'/></r>",
    "']]>' in text": release("<title>A ]]> B</title>"),
    "']]>' after a child": release("<artists><artist><id>1</id>]]></artist></artists>"),
    "']]>' between records": b"<r><release id='1'/>]]><release id='2'/></r>",
    "']]>' in an attribute value (legal)": release('<labels><label name="A]]>B"/></labels>'),
    "default namespace": release("<title xmlns='urn:x'>A</title><country>UK</country>"),
    "more attributes than the dumps have": release(
        "<labels><label " + " ".join(f'a{i}="{i}"' for i in range(17)) + "/></labels>"),
}
# The ones lxml refuses: the compiled path must refuse them too (never return records)
MALFORMED = ("control character", "invalid UTF-8", "undefined entity", "character reference "
             "XML forbids", "mismatched end tag", "truncated", "unquoted attribute",
             "repeated attribute", "repeated attribute of a record", "']]>' in text",
             "']]>' after a child", "']]>' between records")


@needs_compiled
@pytest.mark.parametrize("name", sorted(UNSUPPORTED))
def test_anything_else_is_left_to_lxml(name: str):
    document = UNSUPPORTED[name]
    with pytest.raises(_fastxml.Unsupported):
        _fastxml.parse(document, "release")
    with pytest.raises(_fastxml.Unsupported):
        _fastxml.staged_releases(document, True, True)
    # ingest's entry points still answer: lxml's records, or its syntax error
    try:
        expected = parse_document_lxml(document, "release")
    except ChunkSyntaxError:
        with pytest.raises(ChunkSyntaxError):
            parse_document(document, "release")
        with pytest.raises(ChunkSyntaxError):
            ingest._rows_from_document(document, "release", Filters())
    else:
        assert_same(parse_document(document, "release"), expected)
        assert ingest._rows_from_document(document, "release", Filters())[1] == \
            [catalog.release_row(r) for r in expected]


@needs_compiled
@pytest.mark.parametrize("name", MALFORMED)
def test_what_lxml_refuses_the_compiled_path_refuses(name: str):
    with pytest.raises(ChunkSyntaxError):
        parse_document_lxml(UNSUPPORTED[name], "release")
    for kind in ("release", "master"):
        with pytest.raises(_fastxml.Unsupported):
            _fastxml.parse(UNSUPPORTED[name], kind)
    with pytest.raises(_fastxml.Unsupported):
        _fastxml.release_rows(UNSUPPORTED[name], False)


def test_filters_take_the_python_path_and_agree():
    path = FIXTURES / "releases_edge_cases.xml"
    kept = Filters.from_options(formats=["Vinyl"])
    for document in documents(path, "release"):
        expected = [catalog.release_row(r) for r in parse_document_lxml(document, "release")
                    if kept.keeps_release(r)]
        assert ingest._rows_from_document(document, "release", kept)[1] == expected


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "Python"])
def test_ids_beyond_64_bits_are_not_ids(tmp_path: Path, monkeypatch, compiled: bool):
    """Found by the fuzzer: ingest failed with "Python int too large to convert to SQLite
    INTEGER" on such an id, either way; now the record is skipped as one without an id."""
    if not compiled:
        monkeypatch.setattr(fast, "_fastxml", None)
    dump = tmp_path / "releases.xml"
    dump.write_text('<releases><release id="1"><title>A</title><master_id>99999999999999999999'
                    '</master_id></release><release id="99999999999999999999"><title>B</title>'
                    "</release></releases>")
    ingest.ingest(str(tmp_path / "catalog.sqlite"), str(dump), None, Filters(), workers=1,
                  progress=False)
    with sqlite3.connect(tmp_path / "catalog.sqlite") as conn:
        assert conn.execute("SELECT release_id, master_id FROM releases").fetchall() == [(1, None)]


def test_pieces_of_different_sizes_are_copied_in_turn(tmp_path: Path):
    """Each piece is a database of its own; the writer's cached statements must read the
    right pages of each (they would not if the pieces' tables sat on other pages)."""
    pieces = [EDGE_CASES["tracks, sub-tracks and the Tracks line"] * 1,
              release("<title>small</title>", 'id="1"'),
              b"<r>" + b"".join(release(f"<title>{i}</title>", f'id="{i + 100}"')[3:-4]
                                for i in range(300)) + b"</r>"]
    conn = sqlite3.connect(tmp_path / "catalog.sqlite")
    for table in ("releases", "single_albums", "member_albums", "parts"):
        conn.execute(chunkdb._table_sql(table))
    writer = chunkdb.Writer(conn, {t: f"main.{t}" for t in
                                   ("releases", "single_albums", "member_albums", "parts")})
    expected = []
    for document in pieces:
        read, rows, singles, members, parts = ingest._rows_from_document(
            document, "release", Filters(), alone=True)
        expected += rows
        assert writer.load(ingest._rows_task(memoryview(document), "release", Filters(),
                                             "full-v1", True)) == read
        assert writer.copy() == len(rows)
    assert conn.execute("SELECT * FROM releases").fetchall() == sorted(expected)
    # a --limit keeps the first rows of a piece, and the albums and parts of those
    read, rows, singles, members, parts = ingest._rows_from_document(
        pieces[2], "release", Filters(), alone=True)
    conn.execute("DELETE FROM releases")
    conn.execute("DELETE FROM single_albums")
    writer.load(chunkdb.pack(read, {"releases": rows, "single_albums": singles,
                                    "member_albums": members, "parts": parts}))
    assert writer.copy(keep=2) == 2
    assert conn.execute("SELECT * FROM releases").fetchall() == rows[:2]
    assert conn.execute("SELECT * FROM single_albums").fetchall() == singles[:2]


def test_the_compiled_parser_is_built_here():
    """The install builds it wherever a C compiler is (CI included); without it ingest
    still works, several times slower, and says so. This fails rather than skips, so a
    broken build cannot hide behind the skipped tests above."""
    import os

    if os.environ.get("DISCOGS_RECS_PURE_PYTHON"):
        pytest.skip("DISCOGS_RECS_PURE_PYTHON is set")
    assert fast.AVAILABLE, fast.MISSING


def _tables(path: Path) -> dict:
    with sqlite3.connect(path) as conn:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
                for table in ("releases", "masters", "albums", "albums_fts")}


@needs_compiled
@pytest.mark.parametrize("with_masters", [False, True], ids=["releases only", "with masters"])
def test_ingest_writes_the_same_catalogue_either_way(tmp_path: Path, monkeypatch, with_masters):
    """The whole stage, compiled and in pure Python (the workers fork with the switch
    set): the same releases, masters, albums and search index, byte for byte."""
    from tests.conftest import POPULAR_MASTERS, SAMPLE_RELEASES, shared

    shared("dumps/2020-08-sample/discogs_20200806_releases.xml.gz")
    masters = str(POPULAR_MASTERS) if with_masters else None
    catalogues = []
    for compiled in (True, False):
        if not compiled:
            monkeypatch.setattr(fast, "_fastxml", None)
        path = tmp_path / f"{compiled}.sqlite"
        ingest.ingest(str(path), str(SAMPLE_RELEASES), masters, Filters(), workers=2,
                      progress=False)
        catalogues.append(_tables(path))
    assert catalogues[0] == catalogues[1]
    assert len(catalogues[0]["albums"]) == (3040 if with_masters else 975)


@needs_compiled
def test_pieces_packed_in_c_hold_what_python_packs():
    if not _fastxml.PACKS_PIECES:
        pytest.skip("built without sqlite3.h")
    document = EDGE_CASES["display names"]
    read, rows, singles, members, parts = ingest._rows_from_document(
        document, "release", Filters(), alone=True)
    duplicated = rows + rows[:1]  # a repeated id replaces the row, as in Python
    tables = {"releases": duplicated, "single_albums": singles, "member_albums": members,
              "parts": parts}
    empty = chunkdb._empty_piece(tuple(tables))
    ordered = chunkdb.with_file_order(tables)
    dumps = []
    for packed in (_fastxml.pack_piece(empty, read, ordered),
                   chunkdb.pack_in_python(empty, read, ordered)):
        conn = sqlite3.connect(":memory:")
        conn.deserialize(packed)
        dumps.append({t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
                      for t in ("file_order", *tables)}
                     | {"read": conn.execute("PRAGMA user_version").fetchone()[0]})
    assert dumps[0] == dumps[1]
    assert dumps[0]["read"] == read and len(dumps[0]["releases"]) == len(rows)
