"""The build stages over one index folder, and atomic publishing.

Each stage reads the previous stage's file in DIR/work and records what it did in
DIR/work/stages.json. `publish` moves a finished work folder to DIR/builds/<id> and
then swaps DIR/manifest.json in one rename; nothing before that touches what is
published, so a failed or interrupted build leaves the previous index serving.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import json
import os
import shutil
import sqlite3
import time
import uuid
from typing import Any, Callable, Dict, Iterator, Optional

from . import catalog
from .embed import embed
from .filters import Filters
from .ingest import ingest
from .layout import (CATALOG, INDEX, MANIFEST_SCHEMA_VERSION, STATE, VECTORS, Layout,
                     write_json_atomically)
from .sources import DumpError
from .text import DEFAULT_TEMPLATE
from .vector_index import DEFAULT_MEMORY_BUDGET, EXACT_THRESHOLD, build_index

KEEP_BUILDS = 2  # the published one and the one before, for readers still on it


class BuildError(Exception):
    """A stage cannot run (e.g. its input stage has not run); the message says which."""


@contextlib.contextmanager
def locked(layout: Layout) -> Iterator[None]:
    layout.root.mkdir(parents=True, exist_ok=True)
    with open(layout.root / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildError(f"{layout.root}: another build is running in this folder; "
                             "wait for it or use another --out") from exc
        yield


def _state(layout: Layout) -> Dict[str, Any]:
    path = layout.work_file(STATE)
    return json.loads(path.read_text()) if path.exists() else {}


def _record(layout: Layout, stage: str, info: Dict[str, Any]) -> None:
    state = _state(layout)
    state[stage] = info
    write_json_atomically(layout.work_file(STATE), state)


def _require(layout: Layout, stage: str, command: str) -> Dict[str, Any]:
    state = _state(layout)
    if stage not in state:
        raise BuildError(f"{layout.work}: the {stage} stage has not run yet; run "
                         f"`discogs-recs {command} --out {layout.root}` first")
    return state


def run_ingest(layout: Layout, releases: Optional[str], masters: Optional[str],
               filters: Filters, workers: Optional[int] = None,
               template: str = DEFAULT_TEMPLATE, progress: bool = True,
               demo: bool = False, artists: Optional[str] = None) -> Dict[str, Any]:
    """`demo`: the inputs are the demo catalogue bundled with the package (the
    manifest says so, and so does the server). `artists`: the artists dump, for the
    recommender's related artists (index_builder/artists.py)."""
    shutil.rmtree(layout.work, ignore_errors=True)
    layout.work.mkdir(parents=True)
    stats = ingest(str(layout.work_file(CATALOG)), releases, masters, filters,
                   workers=workers, progress=progress, template=template, artists=artists)
    info = {**dataclasses.asdict(stats), "seconds": round(stats.seconds, 3),
            "inputs": {"releases": releases, "masters": masters,
                       **({"artists": artists} if artists else {})},
            "filters": filters.describe(), "text_template": template, "demo": demo}
    _record(layout, "ingest", info)
    return info


def run_embed(layout: Layout, model: str, backend: str, device: Optional[str] = None,
              batch_size: int = 64, progress: bool = True, ray_address: Optional[str] = None,
              ray_actors: Optional[int] = None) -> Dict[str, Any]:
    _require(layout, "ingest", "ingest")
    layout.cache.mkdir(parents=True, exist_ok=True)
    if ray_address:
        from .ray_embed import embed_with_ray

        stats = embed_with_ray(str(layout.work_file(CATALOG)), str(layout.work_file(VECTORS)),
                               str(layout.embedding_cache), ray_address, model=model,
                               backend=backend, device=device,
                               export_dir=str(layout.model_exports), actors=ray_actors,
                               progress=progress)
    else:
        stats = embed(str(layout.work_file(CATALOG)), str(layout.work_file(VECTORS)),
                      str(layout.embedding_cache), model=model, backend=backend, device=device,
                      export_dir=str(layout.model_exports), batch_size=batch_size,
                      progress=progress)
    info = {**dataclasses.asdict(stats), "seconds": round(stats.seconds, 3)}
    _record(layout, "embed", info)
    return info


def run_index(layout: Layout, index_type: str = "auto", memory_budget: int = DEFAULT_MEMORY_BUDGET,
              exact_threshold: int = EXACT_THRESHOLD, params: Optional[Dict[str, Any]] = None,
              progress: bool = True) -> Dict[str, Any]:
    _require(layout, "embed", "embed")
    info = build_index(str(layout.work_file(VECTORS)), str(layout.work_file(INDEX)),
                       index_type=index_type, params=params, memory_budget=memory_budget,
                       exact_threshold=exact_threshold, progress=progress)
    _record(layout, "index", info)
    return info


def run_publish(layout: Layout) -> Dict[str, Any]:
    """Move the finished work folder into builds/ and swap the manifest to it."""
    state = _require(layout, "index", "index")
    for stage in ("ingest", "embed"):
        if stage not in state:
            raise BuildError(f"{layout.work}: the {stage} stage is missing; run `discogs-recs build`")
    albums = state["ingest"]["albums"]
    if state["embed"]["albums"] != albums or state["index"]["vectors"] != albums:
        raise BuildError(f"{layout.work}: stages disagree on the album count (ingest "
                         f"{albums}, embed {state['embed']['albums']}, index "
                         f"{state['index']['vectors']}); run `discogs-recs build` again")
    now = dt.datetime.now(dt.timezone.utc)
    build_id = now.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
    with sqlite3.connect(layout.work_file(CATALOG)) as conn:
        meta = catalog.get_meta(conn)
    layout.builds.mkdir(parents=True, exist_ok=True)
    target = layout.builds / build_id
    os.replace(layout.work, target)
    relative = f"builds/{build_id}"
    manifest = {
        "schema_version": MANIFEST_SCHEMA_VERSION,
        "catalog_schema_version": catalog.SCHEMA_VERSION,
        "build_id": build_id,
        "built_at": now.isoformat(timespec="seconds"),
        "dump_dates": meta.get("dump_dates", {}),
        "inputs": state["ingest"]["inputs"],
        "checksums": state["ingest"].get("checksums", {}),
        "demo": bool(state["ingest"].get("demo", False)),
        "filters": state["ingest"]["filters"],
        "counts": {**meta.get("counts", {}), "vectors": state["index"]["vectors"]},
        "model": state["embed"]["model"],
        "embedding": {**{k: state["embed"][k] for k in ("embedded", "from_cache")},
                      "vectors_dtype": state["embed"].get("vectors_dtype", "float32")},
        "text_template": state["ingest"]["text_template"],
        "index": {k: state["index"][k] for k in ("type", "params", "dimension")},
        "stage_seconds": {s: state[s]["seconds"] for s in ("ingest", "embed", "index")},
        "files": {"catalog": f"{relative}/{CATALOG}", "vectors": f"{relative}/{VECTORS}",
                  "index": f"{relative}/{INDEX}"},
    }
    write_json_atomically(layout.manifest, manifest)
    _prune(layout, build_id)
    return manifest


def _prune(layout: Layout, current: str) -> None:
    builds = sorted(p for p in layout.builds.iterdir() if p.is_dir())
    keep = {current, *(p.name for p in builds[-KEEP_BUILDS:])}
    for path in builds:
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def run_build(layout: Layout, releases: Optional[str], masters: Optional[str], filters: Filters,
              model: str, backend: str, index_type: str = "auto",
              memory_budget: int = DEFAULT_MEMORY_BUDGET,
              exact_threshold: int = EXACT_THRESHOLD, device: Optional[str] = None,
              workers: Optional[int] = None, template: str = DEFAULT_TEMPLATE,
              batch_size: int = 64, progress: bool = True, demo: bool = False,
              on_stage: Optional[Callable[[str, Dict[str, Any]], None]] = None,
              artists: Optional[str] = None) -> Dict[str, Any]:
    """All stages, then publish; `on_stage(name, info)` hears of each finished stage."""
    started = time.perf_counter()
    report = on_stage or (lambda stage, info: None)
    report("ingest", run_ingest(layout, releases, masters, filters, workers, template, progress,
                                demo, artists))
    report("embed", run_embed(layout, model, backend, device, batch_size, progress))
    report("index", run_index(layout, index_type, memory_budget, exact_threshold,
                              progress=progress))
    manifest = run_publish(layout)
    manifest["total_seconds"] = round(time.perf_counter() - started, 3)
    return manifest

