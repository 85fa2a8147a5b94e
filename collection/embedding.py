"""Vectors for owned records the index lacks, made on the fly with the index's own model.

Off in the server by default (setting DISCOGS_RECS_EMBED_UNKNOWN=1 turns it on), so a
serving process never imports torch unless asked; on in the CLI. The model and backend
are the ones the index manifest names (a vector from another model would sit in
another space), the text is `index_builder.text.render` over the record's basic
information, with the index's text template. The model loads once per process, on the
first record that needs it.
"""
from __future__ import annotations

import logging
import threading
from typing import Dict, List, Optional, Tuple

import numpy as np

from recommender.store import IndexStore

from .records import Record

log = logging.getLogger(__name__)

_models: Dict[Tuple[str, str], object] = {}
_models_lock = threading.Lock()


class EmbeddingUnavailable(Exception):
    """The model cannot be loaded here, or is not the one the index was built with."""


def record_text(record: Record, template: str) -> str:
    from index_builder.text import render

    return render(record.album_fields(), template)


class RecordEmbedder:
    def __init__(self, model: Optional[str] = None, backend: Optional[str] = None,
                 device: Optional[str] = None):
        """`model`/`backend` override the manifest's (e.g. a local copy of the same model)."""
        self.model = model
        self.backend = backend
        self.device = device
        self.last_error: Optional[str] = None

    def _embedder(self, store: IndexStore):
        from index_builder.embedder import DEFAULT_BACKEND, Embedder, ModelError
        from index_builder.layout import Layout

        info = store.manifest.get("model") or {}
        model = self.model or (info.get("name") if isinstance(info, dict) else None) or "default"
        backend = self.backend or (info.get("backend") if isinstance(info, dict) else None) or DEFAULT_BACKEND
        key = (model, backend)
        with _models_lock:
            embedder = _models.get(key)
            if embedder is None:
                exports = Layout(store.index_dir).model_exports
                try:
                    embedder = Embedder(model, backend, device=self.device,
                                        export_dir=str(exports) if exports.exists() else None)
                except ModelError as exc:
                    raise EmbeddingUnavailable(str(exc)) from None
                _models[key] = embedder
        wanted_key = info.get("key") if isinstance(info, dict) else None
        if wanted_key and embedder.key != wanted_key:
            raise EmbeddingUnavailable(f"the index was built with model {wanted_key}, but "
                                       f"{model} is {embedder.key}")
        return embedder

    def vectors(self, store: IndexStore, records: List[Record]) -> np.ndarray:
        """(len(records), dimension) unit vectors; EmbeddingUnavailable when it cannot."""
        if not records:
            return np.zeros((0, store.dimension), dtype=np.float32)
        embedder = self._embedder(store)
        template = store.manifest.get("text_template") or "full-v1"
        vectors = embedder.encode([record_text(r, template) for r in records])
        if vectors.shape[1] != store.dimension:
            raise EmbeddingUnavailable(f"the model gives {vectors.shape[1]}-dimensional "
                                       f"vectors, the index holds {store.dimension}")
        return vectors

    def try_vectors(self, store: IndexStore, records: List[Record]) -> Optional[np.ndarray]:
        """Like `vectors`, but None (and `last_error` set, logged once) when unavailable."""
        try:
            return self.vectors(store, records)
        except EmbeddingUnavailable as exc:
            if self.last_error != str(exc):
                log.warning("cannot embed records the index lacks: %s", exc)
            self.last_error = str(exc)
            return None
