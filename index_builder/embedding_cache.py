"""Vectors already computed, keyed by model, backend and text hash.

A vector is stored in the dtype it was put in (float32, or float16 for a static
model's); `get` tells them apart by their length against the model's dimension.

A SQLite file in WAL mode, committed after every batch: next month's dump only embeds
what is new or changed, and a build killed half-way resumes from the last batch.
"""
from __future__ import annotations

import sqlite3
from typing import Dict, Iterable, Optional, Sequence

import numpy as np


class EmbeddingCache:
    def __init__(self, path: str):
        self.conn = sqlite3.connect(path, timeout=60)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, "
                          "text_hash TEXT NOT NULL, vector BLOB NOT NULL, "
                          "PRIMARY KEY (model, text_hash)) WITHOUT ROWID")
        self.conn.execute("CREATE TABLE IF NOT EXISTS models (model TEXT PRIMARY KEY, "
                          "dimension INTEGER NOT NULL)")
        self.conn.commit()
        self._dimensions: Dict[str, Optional[int]] = {}

    @staticmethod
    def key(model_key: str, backend: str) -> str:
        return f"{model_key}|{backend}"

    def dimension(self, key: str) -> Optional[int]:
        row = self.conn.execute("SELECT dimension FROM models WHERE model = ?", (key,)).fetchone()
        return row[0] if row else None

    def get(self, key: str, hashes: Sequence[str]) -> Dict[str, np.ndarray]:
        found: Dict[str, np.ndarray] = {}
        if self._dimensions.get(key) is None:
            self._dimensions[key] = self.dimension(key)
        half = 2 * (self._dimensions[key] or 0)
        unique = list(dict.fromkeys(hashes))
        for start in range(0, len(unique), 900):  # SQLite's bound-parameter limit
            part = unique[start:start + 900]
            marks = ",".join("?" * len(part))
            for text_hash, blob in self.conn.execute(
                    f"SELECT text_hash, vector FROM vectors WHERE model = ? AND text_hash IN ({marks})",
                    [key, *part]):
                found[text_hash] = np.frombuffer(
                    blob, dtype=np.float16 if len(blob) == half else np.float32)
        return found

    def put(self, key: str, hashes: Iterable[str], vectors: np.ndarray) -> None:
        if vectors.dtype not in (np.float16, np.float32):
            vectors = vectors.astype(np.float32)
        self.conn.execute("INSERT OR IGNORE INTO models VALUES (?, ?)", (key, vectors.shape[1]))
        self._dimensions[key] = int(vectors.shape[1])
        self.conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                              [(key, h, v.tobytes())
                               for h, v in zip(hashes, vectors)])
        self.conn.commit()

    def count(self, key: str) -> int:
        return self.conn.execute("SELECT count(*) FROM vectors WHERE model = ?", (key,)).fetchone()[0]

    def close(self) -> None:
        self.conn.close()
