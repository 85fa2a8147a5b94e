"""Follow the published index of a folder: load it once, switch when a new build lands.

`PublishedIndex(index_dir).current()` returns the live `IndexStore` (or raises
`NoIndexError`). At most every `check_interval` seconds it stats DIR/manifest.json
(one cheap system call); when the file changed and names another build_id, the new
build is loaded in a background thread while requests keep being answered from the
old one, then the reference is swapped in one assignment. A request that already holds
the old store finishes on it: nothing is closed under it, the old build's files stay
readable until the last reference goes (the builder keeps the previous build on disk).

A process forked from the one that loaded the index (a gunicorn worker started, or
restarted after a crash, long after the master preloaded it) inherits a store that may
be several builds old and already pruned from disk: its first request, in every thread,
waits until the published build is loaded rather than answer from that store.
"""
from __future__ import annotations

import gc
import json
import logging
import os
import threading
import time
import weakref
from typing import Callable, Optional, Tuple

from index_builder.layout import MANIFEST

from .store import IndexStore, NoIndexError, build_hint

log = logging.getLogger(__name__)

Signature = Optional[Tuple[int, int, int]]


class PublishedIndex:
    def __init__(self, index_dir: str, check_interval: float = 1.0, faiss_mmap: bool = False,
                 loader: Optional[Callable[[str], IndexStore]] = None):
        self.index_dir = str(index_dir)
        self.check_interval = check_interval
        self._loader = loader or (lambda d: IndexStore.open(d, faiss_mmap=faiss_mmap))
        self._store: Optional[IndexStore] = None
        self._signature: Signature = None
        self._next_check = 0.0
        self._lock = threading.Lock()
        self._loading: Optional[threading.Thread] = None
        self.last_error: Optional[str] = None
        self._stale_after_fork = False
        self._fork_lock = threading.Lock()
        # A weak reference: the fork hook must not keep every instance (and its store) alive.
        os.register_at_fork(after_in_child=_after_fork_hook(weakref.ref(self)))
        self.reload(block=True)

    def _after_fork(self) -> None:
        # Only the forking thread lives on in the child: locks another thread held and
        # the loader thread are gone with it.
        self._lock = threading.Lock()
        self._fork_lock = threading.Lock()
        self._loading = None
        self._stale_after_fork = True

    def _refresh_after_fork(self) -> None:
        with self._fork_lock:  # every thread of the new process waits for the one check
            if not self._stale_after_fork:
                return
            if self._stat() != self._signature:
                self.reload(block=True)
            self._next_check = time.monotonic() + self.check_interval
            self._stale_after_fork = False

    def _stat(self) -> Signature:
        try:
            st = os.stat(os.path.join(self.index_dir, MANIFEST))
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def current(self) -> IndexStore:
        """The live store; starts a reload in the background when the manifest changed."""
        if self._stale_after_fork:
            self._refresh_after_fork()
        now = time.monotonic()
        if now >= self._next_check:
            self._next_check = now + self.check_interval
            if self._stat() != self._signature:
                # No index yet: load in the foreground, nothing else could answer.
                self.reload(block=self._store is None)
        store = self._store
        if store is None:
            raise NoIndexError(build_hint(self.index_dir))
        return store

    def reload(self, block: bool = False) -> None:
        """Load the published build if it is not the live one (block: wait for it)."""
        with self._lock:
            if self._loading is not None and self._loading.is_alive():
                thread = self._loading
            else:
                thread = threading.Thread(target=self._load, name="index-reload", daemon=True)
                self._loading = thread
                thread.start()
        if block:
            thread.join()

    def _load(self) -> None:
        signature = self._stat()
        try:
            if signature is None:
                return
            path = os.path.join(self.index_dir, MANIFEST)
            with open(path) as handle:
                build_id = json.load(handle)["build_id"]
            if self._store is not None and self._store.build_id == build_id:
                return
            store = self._loader(self.index_dir)
            # The learned ranking's facts are read here, before the swap, not by the first
            # request: at 10M albums that takes minutes, and in a gunicorn master (the app
            # is preloaded) the workers then share them instead of each building its own.
            warm = getattr(store, "album_facts", None)
            if warm is not None:
                warm()
            self._store = store  # one reference assignment: atomic for readers
            # Out of the cyclic collector's sight: a full collection walked the facts'
            # vocabularies (1.7M artists at 10M albums) for ~45 ms, once in ~130
            # requests, the p99 of a 100-album collection. Refcounting still frees the
            # store when the next build replaces it. (In a gunicorn master, before the
            # fork: the workers' collections do not touch, and copy, its pages.)
            gc.freeze()
            self.last_error = None
            log.info("serving index build %s from %s", store.build_id, self.index_dir)
        except Exception as exc:  # a half-written or broken build: keep serving the old one
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.exception("could not load the index in %s; still serving %s", self.index_dir,
                          self._store.build_id if self._store else "nothing")
        finally:
            self._signature = signature


def _after_fork_hook(ref: "weakref.ReferenceType[PublishedIndex]") -> Callable[[], None]:
    def hook() -> None:
        published = ref()
        if published is not None:
            published._after_fork()

    return hook
