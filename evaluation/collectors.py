"""A benchmark folder of collectors: DIR/users/<user>.json (see ../shared/data/collectors).

Each file is `{"user", "owned": [{release_id, master_id, date_added, rating}], "wanted":
[...], ...}`; an entry's album is its master, else its release, as everywhere in the
evaluator. A folder of export CSVs (`--export DIR`) is read by `exports_in`.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, List, Mapping

from .collection_input import (CollectionInput, CollectionInputError, OwnedRow, parse_date,
                               read_export_csv)


def _row(entry: Mapping[str, Any], where: str) -> OwnedRow:
    def positive(key: str):
        value = entry.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise CollectionInputError(f"{where}: {key} {value!r} is not a Discogs id")
        return value if value > 0 else None

    return OwnedRow(release_id=positive("release_id"), master_id=positive("master_id"),
                    date_added=parse_date(entry.get("date_added")))


def read_user_json(path: str) -> CollectionInput:
    """One collector's owned (and wanted) entries; a clear error for a file of another shape."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CollectionInputError(f"{path}: not a readable JSON file ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("owned"), list):
        raise CollectionInputError(f"{path}: expected {{\"user\", \"owned\": [...], \"wanted\": "
                                   "[...]}} as in ../shared/data/collectors/users")
    name = str(data.get("user") or Path(path).stem)
    owned = [_row(e, f"{path} owned[{i}]") for i, e in enumerate(data["owned"])]
    wanted = [_row(e, f"{path} wanted[{i}]") for i, e in enumerate(data.get("wanted") or [])]
    return CollectionInput(name=name, source=f"collector {path}", rows=owned, wanted=wanted)


def read_collectors(folder: str) -> List[CollectionInput]:
    """Every DIR/users/*.json (or DIR/*.json when there is no users/ folder), by name."""
    root = Path(folder)
    if not root.is_dir():
        raise CollectionInputError(f"--collectors {folder}: not a folder; pass the benchmark "
                                   "folder, e.g. ../shared/data/collectors")
    users = root / "users" if (root / "users").is_dir() else root
    files = sorted(users.glob("*.json"))
    if not files:
        raise CollectionInputError(f"--collectors {folder}: no users/*.json files in it")
    return [read_user_json(str(f)) for f in files]


def exports_in(path: str) -> List[CollectionInput]:
    """--export FILE, or --export DIR: every *.csv in the folder (one collector each)."""
    if os.path.isdir(path):
        files = sorted(Path(path).glob("*.csv"))
        if not files:
            raise CollectionInputError(f"--export {path}: the folder has no .csv exports")
        return [read_export_csv(str(f)) for f in files]
    return [read_export_csv(path)]
