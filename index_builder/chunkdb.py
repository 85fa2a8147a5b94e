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

from . import albums, catalog

SCHEMA = "chunk"  # the name a piece is attached under in the writer's connection

# table -> columns, in the order of the tuples the parser produces. The piece's tables
# have no keys: rows keep the file's order (a --limit keeps the first ones).
TABLES: Dict[str, List[str]] = {
    "releases": list(catalog.RELEASE_COLUMNS),
    "masters": list(catalog.MASTER_COLUMNS),
    "single_albums": albums.ROW_COLUMNS,
    "member_albums": albums.MEMBER_COLUMNS,
    "parts": albums.PART_COLUMNS,
}


_connection: Optional[sqlite3.Connection] = None
_owner_pid = 0
_empty: Dict[Tuple[str, ...], bytes] = {}


def _empty_piece(tables: Tuple[str, ...]) -> bytes:
    """A serialized database with the tables and no rows. Every table is created before
    any row is inserted: then each piece has the same schema on the same root pages,
    which the writer's cached statements rely on (every piece has the same schema
    cookie, so SQLite cannot tell that another piece was swapped in)."""
    if tables not in _empty:
        conn = sqlite3.connect(":memory:")
        conn.execute(f"PRAGMA page_size={catalog.PAGE_SIZE}")
        for table in tables:
            conn.execute(f"CREATE TABLE {table} ({', '.join(TABLES[table])})")
        conn.commit()
        _empty[tables] = conn.serialize()
        conn.close()
    return _empty[tables]


def pack(read: int, tables: Dict[str, Sequence[tuple]]) -> bytes:
    """Parser side: the rows of one piece as a serialized database."""
    global _connection, _owner_pid
    if _connection is None or _owner_pid != os.getpid():  # one per process, never forked
        _connection = sqlite3.connect(":memory:")
        _owner_pid = os.getpid()
    conn = _connection
    # Starting from an empty copy is ten times cheaper than a new connection and schema.
    conn.deserialize(_empty_piece(tuple(tables)))
    conn.execute(f"PRAGMA user_version={int(read)}")
    for table, rows in tables.items():
        if rows:
            conn.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(TABLES[table]))})",
                             rows)
    conn.commit()
    return conn.serialize()


class Writer:
    """Writer side: attaches each piece in turn and copies its rows into `targets`
    ({piece table: "schema.table"}) of the connection."""

    def __init__(self, conn: sqlite3.Connection, targets: Dict[str, str]):
        self.conn = conn
        self.targets = targets
        conn.execute(f"ATTACH DATABASE ':memory:' AS {SCHEMA}")

    def load(self, piece) -> int:
        """Attach a piece (bytes or a buffer, copied); returns its records read."""
        self.conn.deserialize(piece, name=SCHEMA)
        return self.conn.execute(f"PRAGMA {SCHEMA}.user_version").fetchone()[0]

    def count(self, table: str) -> int:
        return self.conn.execute(f"SELECT count(*) FROM {SCHEMA}.{table}").fetchone()[0]

    def copy(self, keep: Optional[int] = None, key_table: str = "releases") -> int:
        """Copy the attached piece's rows; with `keep`, only the first `keep` rows of
        `key_table` and the other tables' rows of the same release ids. Returns the
        rows of `key_table` copied."""
        for table, target in self.targets.items():
            columns = ", ".join(TABLES[table])
            where = ""
            parameters: Tuple = ()
            if keep is not None:
                if table == key_table:
                    where = " ORDER BY rowid LIMIT ?"
                else:
                    where = (f" WHERE release_id IN (SELECT release_id FROM {SCHEMA}.{key_table} "
                             "ORDER BY rowid LIMIT ?)")
                parameters = (keep,)
            select = f"INTO {target} ({columns}) SELECT {columns} FROM {SCHEMA}.{table}{where}"
            try:
                # a plain INSERT appends to the b-tree in half the time OR REPLACE takes
                self.conn.execute("INSERT " + select, parameters)
            except sqlite3.IntegrityError:  # a dump that repeats an id keeps the last one
                self.conn.execute("INSERT OR REPLACE " + select, parameters)
        copied = self.count(key_table)
        return copied if keep is None else min(keep, copied)

    def close(self) -> None:
        self.conn.execute(f"DETACH DATABASE {SCHEMA}")
