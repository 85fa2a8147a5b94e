"""A local stand-in for data.discogs.com: listings, downloads, checksums, failures.

    BASE/?prefix=data%2F              the years, as links `?prefix=data%2F2026%2F`
    BASE/?prefix=data%2F2026%2F       the year's files, as links `?download=data%2F2026%2F...`
    BASE/?download=data%2F2026%2F...  a file, with ETag and HTTP Range (206) support

The page markup follows the real listing (a table of links). Failures are set per
file key: `forbidden` answers 403, `drop_halfway` sends the first answer's headers
for the whole file but closes the connection after half of it (once), so the client
has to resume with a Range request; `drop_always` does that to every answer, resumed
ones included (a line that keeps failing). Every request is recorded in `requests`.
"""
from __future__ import annotations

import hashlib
import html
import http.server
import threading
from typing import Dict, List, Optional, Set, Tuple
from urllib.parse import parse_qs, quote, urlsplit


class FakeDumpSite:
    def __init__(self, files: Dict[str, bytes], forbidden: Optional[Set[str]] = None,
                 drop_halfway: Optional[Set[str]] = None, ranges: bool = True,
                 drop_always: Optional[Set[str]] = None):
        self.files = dict(files)
        self.forbidden = set(forbidden or ())
        self.drop_halfway = set(drop_halfway or ())
        self.drop_always = set(drop_always or ())
        self.ranges = ranges
        self.requests: List[Tuple[str, Optional[str]]] = []  # (path and query, Range header)
        self._server: Optional[http.server.ThreadingHTTPServer] = None

    # -- the site's pages ---------------------------------------------------------------

    def listing(self, prefix: str) -> Optional[str]:
        if prefix.rstrip("/") == "data":
            years = sorted({key.split("/")[1] for key in self.files}, reverse=True)
            rows = [(f"?prefix={quote(f'data/{y}/', safe='')}", f"{y}/") for y in years]
        else:
            folder = prefix if prefix.endswith("/") else prefix + "/"
            names = sorted(key for key in self.files if key.startswith(folder))
            if not names:
                return None
            rows = [(f"?download={quote(key, safe='')}", key.rsplit("/", 1)[-1]) for key in names]
        body = "\n".join(f'<tr><td><a href="{html.escape(href)}">{html.escape(text)}</a></td>'
                         f"<td>-</td></tr>" for href, text in rows)
        return (f"<!DOCTYPE html><html><head><title>Discogs Data</title></head><body>"
                f'<a href="?prefix=data%2F">data/</a><table><tbody>\n{body}\n</tbody></table>'
                f"</body></html>")

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the site first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "FakeDumpSite":
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                site.requests.append((self.path, self.headers.get("Range")))
                query = parse_qs(urlsplit(self.path).query)
                if "prefix" in query:
                    page = site.listing(query["prefix"][0])
                    if page is None:
                        return self._send(404, b"no such folder", "text/plain")
                    return self._send(200, page.encode(), "text/html; charset=utf-8")
                key = (query.get("download") or [""])[0]
                if key in site.forbidden:
                    return self._send(403, b"<Error><Code>AccessDenied</Code></Error>",
                                      "application/xml")
                if key not in site.files:
                    return self._send(404, b"not found", "text/plain")
                self._file(key, site.files[key])

            def _file(self, key: str, data: bytes) -> None:
                etag = '"' + hashlib.md5(data).hexdigest() + '"'
                start = 0
                wanted = self.headers.get("Range")
                if wanted and site.ranges and self.headers.get("If-Range", etag) == etag:
                    start = int(wanted.split("=")[1].split("-")[0])
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                self.send_header("Content-Type", "application/gzip")
                self.send_header("Content-Length", str(len(data) - start))
                self.send_header("ETag", etag)
                if site.ranges:
                    self.send_header("Accept-Ranges", "bytes")
                self.end_headers()
                if (key in site.drop_halfway and not start) or key in site.drop_always:
                    site.drop_halfway.discard(key)  # once
                    self.wfile.write(data[start: start + (len(data) - start) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(data[start:])

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address) -> None:
                pass  # clients that hang up (as the tests make them) are no news

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> "FakeDumpSite":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def checksum_file(files: Dict[str, bytes], wrong: Set[str] = frozenset()) -> bytes:
    """A CHECKSUM.txt in the official form (`SHA256HEX NAME`, one space); names in
    `wrong` get the hash of something else."""
    lines = []
    for key, data in sorted(files.items()):
        name = key.rsplit("/", 1)[-1]
        digest = hashlib.sha256(b"not the file" if name in wrong else data).hexdigest()
        lines.append(f"{digest} {name}")
    return ("\n".join(lines) + "\n").encode()
