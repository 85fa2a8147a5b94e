"""Where things live in an index folder, shared by the builder (writer) and server (reader).

    DIR/manifest.json          the published index: replaced atomically, names its files
    DIR/builds/<build_id>/     catalog.sqlite, vectors.npy, index.faiss of one build
    DIR/work/                  the build in progress (stages write here, never published)
    DIR/cache/                 embeddings.sqlite and exported models, reused across builds

Readers go through manifest.json only, so they always see one complete build.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, Optional

MANIFEST = "manifest.json"
CATALOG = "catalog.sqlite"
VECTORS = "vectors.npy"
INDEX = "index.faiss"
STATE = "stages.json"
MANIFEST_SCHEMA_VERSION = 1


class Layout:
    def __init__(self, out_dir: str, cache_dir: Optional[str] = None):
        self.root = Path(out_dir)
        self.work = self.root / "work"
        self.builds = self.root / "builds"
        self.cache = Path(cache_dir) if cache_dir else self.root / "cache"
        self.manifest = self.root / MANIFEST

    def work_file(self, name: str) -> Path:
        return self.work / name

    @property
    def embedding_cache(self) -> Path:
        return self.cache / "embeddings.sqlite"

    @property
    def model_exports(self) -> Path:
        return self.cache / "models"


def read_manifest(out_dir: str) -> Optional[Dict[str, Any]]:
    path = Path(out_dir) / MANIFEST
    if not path.exists():
        return None
    return json.loads(path.read_text())


def manifest_file(out_dir: str, manifest: Dict[str, Any], role: str) -> str:
    """Absolute path of one of a published build's files ('catalog', 'vectors', 'index')."""
    return os.path.join(out_dir, manifest["files"][role])


def write_json_atomically(path: Path, data: Dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
