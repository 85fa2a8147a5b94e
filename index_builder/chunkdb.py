"""A parsed piece of a dump, handed from an ingest worker to the writer as a database.

Inserting a row from Python costs the process that does it about as much as parsing
the record did: every value is bound one by one, and text beyond ASCII is encoded to
UTF-8 again. Ingest has one writer (the main process, SQLite allows no more) and
several parsers, so each parser inserts its rows into a small in-memory database and
sends it over serialized (`sqlite3.Connection.serialize`, a copy of its pages); the
writer attaches it and copies the rows into the catalogue in SQL, which runs in
SQLite's C code at a fifth of the cost. `PRAGMA user_version` carries the number of
records the piece held, kept or not.
"""
from __future__ import annotations

import os
import sqlite3
from typing import Dict, List, Optional, Sequence, Tuple

from . import albums, catalog, fast

SCHEMA = "chunk"  # the name a piece is attached under in the writer's connection

# table -> (columns in the order of the tuples the parser produces, key). Each table
# of a piece is declared exactly as its target is: then `INSERT INTO target SELECT *`
# copies SQLite's records as they are, without decoding a value (the "transfer
# optimisation", half the cost of a column-by-column copy).
TABLES: Dict[str, Tuple[List[str], str]] = {
    **{name: (list(columns), key) for name, (columns, key) in catalog.RECORD_TABLES.items()},
    "single_albums": (albums.ROW_COLUMNS, "release_id"),
    "member_albums": (albums.MEMBER_COLUMNS, "release_id"),
    "parts": (albums.PART_COLUMNS, "release_id"),
}


def _table_sql(table: str) -> str:
    if table in catalog.RECORD_TABLES:
        return catalog.table_sql(table, *catalog.RECORD_TABLES[table])
    return albums.STAGE_TABLES[table].format(s="main")


_connection: Optional[sqlite3.Connection] = None
_owner_pid = 0
_empty: Dict[Tuple[str, ...], bytes] = {}


def _empty_piece(tables: Tuple[str, ...]) -> bytes:
    """A serialized database with the tables and no rows. Every table is created before
    any row is inserted: then each piece has the same schema on the same root pages,
    which the writer's cached statements rely on (every piece has the same schema
    cookie, so SQLite cannot tell that another piece was swapped in). `file_order`
    keeps the key table's ids in the order the dump holds them, for a --limit."""
    if tables not in _empty:
        conn = sqlite3.connect(":memory:")
        conn.execute(f"PRAGMA page_size={catalog.PAGE_SIZE}")
        for table in tables:
            conn.execute(_table_sql(table))
        conn.execute("CREATE TABLE file_order (id INTEGER)")
        conn.commit()
        _empty[tables] = conn.serialize()
        conn.close()
    return _empty[tables]


def pack(read: int, tables: Dict[str, Sequence[tuple]]) -> bytes:
    """Parser side: the rows of one piece as a serialized database; the first table is
    the one whose rows a --limit counts. Compiled where it can be (fast.pack_piece
    binds values in place; this is its reference)."""
    empty = _empty_piece(tuple(tables))
    ordered = with_file_order(tables)
    packed = fast.pack_piece(empty, read, ordered)
    return packed if packed is not None else pack_in_python(empty, read, ordered)


def with_file_order(tables: Dict[str, Sequence[tuple]]) -> List[Tuple[str, Sequence[tuple]]]:
    """The tables as both packers take them, `file_order` (the key table's ids) first."""
    key_rows = next(iter(tables.values()))
    return [("file_order", [(row[0],) for row in key_rows])] + list(tables.items())


def pack_in_python(empty: bytes, read: int, tables: List[Tuple[str, Sequence[tuple]]]) -> bytes:
    global _connection, _owner_pid
    if _connection is None or _owner_pid != os.getpid():  # one per process, never forked
        _connection = sqlite3.connect(":memory:")
        _owner_pid = os.getpid()
    conn = _connection
    # Starting from an empty copy is ten times cheaper than a new connection and schema.
    conn.deserialize(empty)
    conn.execute(f"PRAGMA user_version={int(read)}")
    for table, rows in tables:
        if rows:
            catalog.insert_rows(conn, table, _columns(table), rows)
    conn.commit()
    return conn.serialize()


def _columns(table: str) -> List[str]:
    return ["id"] if table == "file_order" else TABLES[table][0]


class Writer:
    """Writer side: attaches each piece in turn and copies its rows into `targets`
    ({piece table: "schema.table"}, the key table first) of the connection."""

    def __init__(self, conn: sqlite3.Connection, targets: Dict[str, str]):
        self.conn = conn
        self.targets = targets
        conn.execute(f"ATTACH DATABASE ':memory:' AS {SCHEMA}")

    def load(self, piece) -> int:
        """Attach a piece (bytes or a buffer, copied); returns its records read."""
        self.conn.deserialize(piece, name=SCHEMA)
        return self.conn.execute(f"PRAGMA {SCHEMA}.user_version").fetchone()[0]

    def copy(self, keep: Optional[int] = None) -> int:
        """Copy the attached piece's rows; with `keep`, only those of the first `keep`
        records of the key table, in the dump's order. Returns the records copied."""
        rows = self.conn.execute(f"SELECT count(*) FROM {SCHEMA}.file_order").fetchone()[0]
        where, parameters = "", ()
        if keep is not None and keep < rows:
            where = f" WHERE {{key}} IN (SELECT id FROM {SCHEMA}.file_order ORDER BY rowid LIMIT ?)"
            parameters = (keep,)
            rows = keep
        for table, target in self.targets.items():
            select = (f"INTO {target} SELECT * FROM {SCHEMA}.{table}"
                      + where.format(key=TABLES[table][1]))
            try:
                self.conn.execute("INSERT " + select, parameters)
            except sqlite3.IntegrityError:  # a dump that repeats an id keeps the last one
                self.conn.execute("INSERT OR REPLACE " + select, parameters)
        return rows

    def close(self) -> None:
        self.conn.execute(f"DETACH DATABASE {SCHEMA}")
