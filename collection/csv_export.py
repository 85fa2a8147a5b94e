"""The CSV files discogs.com's "Export collection" and "Export wantlist" produce.

    Catalog#,Artist,Title,Label,Format,Rating,Released,release_id,CollectionFolder,Date Added,...

Collection exports add one column per custom field; wantlist exports have no
CollectionFolder and write one more, unlabelled, column per row (the date added).
Only `release_id` is required; Rating (0 or empty: unrated) weights the profile,
Artist, Title, Label, Format and Released identify or describe a release the index
lacks, `Date Added` (or the wantlist's unlabelled last field) is kept as written, and
an optional `master_id` column (files written by tools, e.g. ../shared/data/eval's
`release_id,master_id,artist,title,date_added`) maps a row to its album directly.

Nothing here raises on a bad row: encoding problems and malformed rows are collected
with their line numbers (the line a row starts on, the header being line 1) and the
usable rows are kept. Only a file that is not an export at all is an `InvalidExport`.
"""
from __future__ import annotations

import codecs
import collections
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Tuple

from index_builder.catalog import display_name

from .errors import InvalidExport
from .records import COLLECTION, WANTLIST, Record, positive_int, rating

MAX_REPORTED_ROWS = 100          # enough to act on; the count says how many in all
MAX_UNZIPPED_BYTES = 64 << 20    # a zipped export holding more is not an export
_SPLIT = re.compile(r"\s*,\s*")


@dataclass
class RowProblem:
    line: int
    reason: str
    skipped: bool  # False: the row was still used (e.g. a bad rating was ignored)

    def to_dict(self) -> Dict[str, Any]:
        return {"line": self.line, "reason": self.reason, "skipped": self.skipped}


@dataclass
class ParsedExport:
    kind: str                                    # COLLECTION or WANTLIST
    records: List[Record]
    rows: int                                    # data rows read (blank lines aside)
    encoding: str
    problems: List[RowProblem] = field(default_factory=list)
    columns: List[str] = field(default_factory=list)

    def summary(self) -> Dict[str, Any]:
        """The `export` object of an answer."""
        return {"kind": self.kind, "rows": self.rows, "used": len(self.records),
                "malformed": len(self.problems),
                "malformed_rows": [p.to_dict() for p in self.problems[:MAX_REPORTED_ROWS]],
                "encoding": self.encoding}


# -- bytes -> text ---------------------------------------------------------------------

def _unzip(data: bytes) -> bytes:
    """Exports also come zipped: take the one CSV inside."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
            if len(members) != 1:
                raise InvalidExport("this zip file should hold exactly one .csv (the Discogs "
                                    f"export); it holds {len(members)}")
            if members[0].file_size > MAX_UNZIPPED_BYTES:
                raise InvalidExport("the CSV inside this zip file is too large to be an export")
            return archive.read(members[0])
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
        raise InvalidExport(f"this zip file cannot be read ({type(exc).__name__}); upload "
                            "the .csv discogs.com exports") from None


def decode(data: bytes) -> Tuple[str, str, List[RowProblem]]:
    """(text, encoding label, lines that were not UTF-8).

    UTF-8 (with or without BOM) is what discogs.com writes; UTF-16 and Windows-1252 are
    what spreadsheets write when a user re-saves the file. Lines that are not valid
    UTF-8 are read as Windows-1252 and reported, line by line.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
        problems = [RowProblem(n, "bytes that are not UTF-16 were replaced with \ufffd", False)
                    for n, line in enumerate(io.StringIO(text, newline=""), 1) if "\ufffd" in line]
        return text, "utf-16", problems
    label = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        data, label = data[len(codecs.BOM_UTF8):], "utf-8-sig"
    try:
        return data.decode("utf-8"), label, []
    except UnicodeDecodeError:
        pass
    parts: List[str] = []
    problems: List[RowProblem] = []
    utf8_non_ascii = 0
    # bytes.splitlines and StringIO(newline="") split on the same \n, \r and \r\n, so
    # these line numbers are the ones the CSV reader counts.
    for number, line in enumerate(data.splitlines(keepends=True), 1):
        try:
            parts.append(line.decode("utf-8"))
            utf8_non_ascii += any(byte > 127 for byte in line)
        except UnicodeDecodeError:
            parts.append(line.decode("cp1252", errors="replace"))
            problems.append(RowProblem(number, "not valid UTF-8: read as Windows-1252 (check "
                                       "accented letters on this line)", False))
    mixed = f"utf-8, {len(problems)} line(s) windows-1252" if utf8_non_ascii else "windows-1252"
    return "".join(parts), mixed, problems


# -- text -> records -------------------------------------------------------------------

def _key(column: str) -> str:
    return re.sub(r"[\s_]+", "_", column.strip().lower())


def _rows(text: str, problems: List[RowProblem]) -> Iterator[Tuple[int, int, List[str]]]:
    """(first line, last line, fields) of each CSV record; a record the csv module cannot read is
    reported and the reading goes on after it."""
    reader = csv.reader(io.StringIO(text.replace("\x00", ""), newline=""), strict=False)
    last_line = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(RowProblem(last_line + 1, f"unreadable CSV ({exc})", True))
            if reader.line_num == last_line:
                return  # no progress: stop rather than loop
            last_line = reader.line_num
            continue
        yield last_line + 1, reader.line_num, row
        last_line = reader.line_num


def _field(row: List[str], index: Optional[int]) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def parse_export(data: bytes, kind: Optional[str] = None) -> ParsedExport:
    """Parse an export's bytes. `kind` (collection|wantlist) overrides the detection
    from the columns (a collection export has CollectionFolder, a wantlist not)."""
    if data.startswith(b"PK\x03\x04"):
        data = _unzip(data)
    if not data.strip():
        raise InvalidExport("the export is empty; on discogs.com open Collection (or "
                            "Wantlist) > Export and upload the file it gives you")
    text, encoding, problems = decode(data)
    rows = _rows(text, problems)
    header: List[str] = []
    for _, _, row in rows:
        if any(cell.strip() for cell in row):
            header = [cell.strip() for cell in row]
            break
    keys = [_key(c) for c in header]
    if "release_id" not in keys:
        shown = ", ".join(header[:8])[:200] or "nothing"
        raise InvalidExport("this is not a Discogs export: its first line has no release_id "
                            f"column (found: {shown}). On discogs.com open Collection > "
                            "Export (or Wantlist > Export) and upload that CSV")
    column = {k: i for i, k in reversed(list(enumerate(keys)))}  # first wins on duplicates
    if kind is None:
        kind = COLLECTION if "collectionfolder" in column else WANTLIST
    if kind not in (COLLECTION, WANTLIST):
        raise InvalidExport(f"kind must be {COLLECTION} or {WANTLIST}, not {kind!r}")
    body = [(first, last, row) for first, last, row in rows if any(cell.strip() for cell in row)]
    usual = collections.Counter(len(row) for _, _, row in body).most_common(1)
    usual_width = usual[0][0] if usual else len(header)
    records: List[Record] = []
    for first, last, row in body:
        reported = len(problems)
        record = _record(first, row, column, kind, len(header), usual_width, problems)
        if record is not None:
            records.append(record)
        elif last > first and len(problems) > reported:
            # One row over several lines is legal (notes), but a skipped one usually
            # means a quote that is never closed and swallowed the lines after it.
            problems[-1].reason += (f" (the row runs from line {first} to {last}: check for "
                                    "a quote that is not closed)")
    problems.sort(key=lambda p: p.line)
    return ParsedExport(kind, records, len(body), encoding, problems, header)


def _record(line: int, row: List[str], column: Dict[str, int], kind: str, header_width: int,
            usual_width: int, problems: List[RowProblem]) -> Optional[Record]:
    release_index = column["release_id"]
    if len(row) <= release_index:
        problems.append(RowProblem(line, f"only {len(row)} field(s): the release_id column "
                                   f"(field {release_index + 1}) is missing", True))
        return None
    raw_id = row[release_index].strip()
    release_id = positive_int(raw_id) if raw_id.isdigit() else None
    if release_id is None:
        problems.append(RowProblem(line, f"release_id {raw_id[:40]!r} is not a release number"
                                   if raw_id else "release_id is empty", True))
        return None
    # Wantlist exports carry one unlabelled field per row: a width shared by most rows
    # is the file's format, not a fault of this row.
    if len(row) not in (header_width, usual_width):
        problems.append(RowProblem(line, f"{len(row)} fields where the header names "
                                   f"{header_width}; read by position anyway", False))
    raw_rating = _field(row, column.get("rating"))
    if raw_rating and raw_rating != "0" and rating(raw_rating) is None:
        problems.append(RowProblem(line, f"Rating {raw_rating[:20]!r} is not 1 to 5; ignored",
                                   False))
    artist = _field(row, column.get("artist"))
    added = _field(row, column.get("date_added"))
    if not added and "date_added" not in column and kind == WANTLIST and len(row) > header_width:
        added = _field(row, header_width)  # the wantlist's unlabelled date field
    return Record(
        release_id=release_id, source=kind, rating=rating(raw_rating),
        master_id=positive_int(_field(row, column.get("master_id"))),
        date_added=added or None,
        artist=display_name(artist) if artist else "",
        title=_field(row, column.get("title")),
        year=positive_int(_field(row, column.get("released"))[:4]),
        labels=[l for l in _SPLIT.split(_field(row, column.get("label"))) if l][:3],
        formats=[f for f in _SPLIT.split(_field(row, column.get("format"))) if f],
        line=line)
