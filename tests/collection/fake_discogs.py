"""A local stand-in for api.discogs.com that serves the REAL responses in ../shared/data/api.

    users/example/collection/folders/0/releases_page=1&per_page=50.json   -> the collection
    users/example/wants_per_page=50&page=1.json                             -> the wantlist

The items of those files are served again, re-paginated (`page_size` items a page,
whatever per_page the client asks, so a 3-item collection spans 2 pages) with Discogs'
pagination object and X-Discogs-Ratelimit-* headers. Other users act out failures:

    nobody-*        404 {"message": "User does not exist or may have been deleted."}
    private-*       403 on the collection (Discogs' answer to a private collection)
    privatewants-*  the example collection, 403 on the wantlist
    slow-*          answers after `slow_seconds`
    broken-*        500 every time
    garbage-*       200 with an HTML body

`fail_once_with_429` makes the next request of a path answer 429 once (Retry-After 0).

Faults for any user, the next `times` requests (None: every request until `reset`),
of one path or all:

    fake.inject("timeout", times=2, delay=1.0)    answer only after `delay` seconds
    fake.inject("5xx", status=503)                 503 {"message": ...}
    fake.inject("429", retry_after="1")            a 429 storm with Retry-After
    fake.inject("truncated")                       200, the JSON cut in half (Content-Length
                                                   of the cut body: a proxy's truncation)
    fake.inject("cut")                             200, Content-Length of the whole body, half
                                                   of it sent, then the connection closed

Every request is recorded (path, query, headers, the fault it got) for assertions.
Listens on 127.0.0.1 only; never the network. Without `api_dir` (no ../shared/data) it
serves only `extra_users`.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, List, Optional, Set
from urllib.parse import parse_qs, urlsplit

COLLECTION_FILE = "users/example/collection/folders/0/releases_page=1&per_page=50.json"
WANTLIST_FILE = "users/example/wants_per_page=50&page=1.json"
NOT_FOUND = {"message": "User does not exist or may have been deleted."}
FORBIDDEN = {"message": "You don't have permission to access this resource."}
FAULTS = ("timeout", "5xx", "429", "truncated", "cut")


@dataclass
class Fault:
    kind: str
    times: Optional[int]  # None: until reset
    path: Optional[str]
    status: int = 503
    retry_after: Optional[str] = "1"
    delay: Optional[float] = None


class FakeDiscogs:
    def __init__(self, api_dir: Optional[Path], page_size: int = 2, rate_limit: int = 25):
        self.collection_items: List[Dict[str, Any]] = (
            json.loads((api_dir / COLLECTION_FILE).read_text())["releases"] if api_dir else [])
        self.wantlist_items: List[Dict[str, Any]] = (
            json.loads((api_dir / WANTLIST_FILE).read_text())["wants"] if api_dir else [])
        self.faults: List[Fault] = []
        self._faults_lock = threading.Lock()
        self.page_size = page_size
        self.rate_limit = rate_limit
        self.slow_seconds = 3.0
        self.requests: List[Dict[str, Any]] = []
        self.fail_once_with_429: Set[str] = set()
        self.extra_users: Dict[str, Dict[str, List[Dict[str, Any]]]] = {}
        self.used = 0
        self._server: Optional[ThreadingHTTPServer] = None

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> "FakeDiscogs":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                fake._handle(self)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def inject(self, kind: str, times: Optional[int] = None, path: Optional[str] = None,
               status: int = 503, retry_after: Optional[str] = "1",
               delay: Optional[float] = None) -> Fault:
        """Make the next `times` requests (of `path`, or any) fail with `kind`."""
        if kind not in FAULTS:
            raise ValueError(f"unknown fault {kind!r}: one of {', '.join(FAULTS)}")
        fault = Fault(kind, times, path, status, retry_after, delay)
        with self._faults_lock:
            self.faults.append(fault)
        return fault

    def _take_fault(self, path: str) -> Optional[Fault]:
        with self._faults_lock:
            for fault in self.faults:
                if fault.path not in (None, path) or fault.times == 0:
                    continue
                if fault.times is not None:
                    fault.times -= 1
                return fault
        return None

    def reset(self) -> None:
        self.requests.clear()
        self.fail_once_with_429.clear()
        with self._faults_lock:
            self.faults.clear()
        self.slow_seconds = 3.0
        self.extra_users.clear()
        self.used = 0
        self.page_size = 2
        self.rate_limit = 25

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- answers ------------------------------------------------------------------------

    def _send(self, handler: BaseHTTPRequestHandler, status: int, body: Any,
              headers: Optional[Dict[str, str]] = None, raw: Optional[bytes] = None,
              fault: Optional[Fault] = None) -> None:
        try:
            self._write(handler, status, body, headers, raw, fault)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout fault): nothing to answer

    def _write(self, handler: BaseHTTPRequestHandler, status: int, body: Any,
               headers: Optional[Dict[str, str]], raw: Optional[bytes],
               fault: Optional[Fault]) -> None:
        data = raw if raw is not None else json.dumps(body).encode()
        length = len(data)
        if fault is not None and fault.kind in ("truncated", "cut"):
            data = data[: max(1, len(data) // 2)]
            length = len(data) if fault.kind == "truncated" else length
        self.used += 1
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json" if raw is None else "text/html")
        handler.send_header("Content-Length", str(length))
        handler.send_header("X-Discogs-Ratelimit", str(self.rate_limit))
        handler.send_header("X-Discogs-Ratelimit-Used", str(min(self.used, self.rate_limit)))
        handler.send_header("X-Discogs-Ratelimit-Remaining", str(max(self.rate_limit - self.used, 0)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)
        if fault is not None and fault.kind == "cut":
            handler.wfile.flush()
            handler.close_connection = True

    def _page(self, items: List[Dict[str, Any]], key: str, path: str, query: Dict[str, List[str]]):
        page = int(query.get("page", ["1"])[0])
        size = self.page_size or int(query.get("per_page", ["50"])[0])
        pages = max(1, -(-len(items) // size))
        chunk = items[(page - 1) * size: page * size]
        urls = {}
        if page < pages:
            urls = {"last": f"{path}?page={pages}&per_page={size}",
                    "next": f"{path}?page={page + 1}&per_page={size}"}
        return {"pagination": {"items": len(items), "page": page, "pages": pages,
                               "per_page": size, "urls": urls}, key: chunk}

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        query = parse_qs(url.query)
        fault = self._take_fault(url.path)
        self.requests.append({"path": url.path, "query": query,
                              "headers": {k.lower(): v for k, v in handler.headers.items()},
                              "fault": fault.kind if fault else None})
        if fault is not None and fault.kind == "timeout":
            time.sleep(self.slow_seconds if fault.delay is None else fault.delay)
        elif fault is not None and fault.kind == "5xx":
            self._send(handler, fault.status, {"message": "An internal server error occurred."})
            return
        elif fault is not None and fault.kind == "429":
            self._send(handler, 429, {"message": "You are making requests too quickly."},
                       {"Retry-After": fault.retry_after} if fault.retry_after is not None else {})
            return
        truncate = fault if fault is not None and fault.kind in ("truncated", "cut") else None
        if url.path in self.fail_once_with_429:
            self.fail_once_with_429.discard(url.path)
            self._send(handler, 429, {"message": "You are making requests too quickly."},
                       {"Retry-After": "0"})
            return
        parts = url.path.strip("/").split("/")
        if len(parts) < 3 or parts[0] != "users":
            self._send(handler, 404, {"message": "The requested resource was not found."})
            return
        user, rest = parts[1], "/".join(parts[2:])
        if rest not in ("collection/folders/0/releases", "wants"):
            self._send(handler, 404, {"message": "The requested resource was not found."})
            return
        is_wantlist = rest == "wants"
        if user.startswith("slow-"):
            time.sleep(self.slow_seconds)
        if user.startswith("nobody-"):
            self._send(handler, 404, NOT_FOUND)
        elif user.startswith("private-") or (user.startswith("privatewants-") and is_wantlist):
            self._send(handler, 403, FORBIDDEN)
        elif user.startswith("broken-"):
            self._send(handler, 500, {"message": "An internal server error occurred."})
        elif user.startswith("garbage-"):
            self._send(handler, 200, None, raw=b"<html>maintenance</html>")
        elif user in self.extra_users:
            data = self.extra_users[user]
            key = "wants" if is_wantlist else "releases"
            self._send(handler, 200, self._page(data[key], key, url.path, query), fault=truncate)
        else:
            items = self.wantlist_items if is_wantlist else self.collection_items
            key = "wants" if is_wantlist else "releases"
            self._send(handler, 200, self._page(items, key, url.path, query), fault=truncate)
