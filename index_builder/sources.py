"""Open a dump from a local path or an http(s) URL as one streaming binary file.

Nothing is copied to disk: a URL is decompressed while it downloads, so a 10 GB
releases dump needs no temporary file. Every stream counts (and hashes) the compressed
bytes it has consumed, which drives progress bars, lets errors name a byte offset and
checks the download against the month's CHECKSUM.txt. A connection that drops during
the download is resumed where it stopped with an HTTP Range request (urllib3's Retry
bounds the attempts and spaces them out).
"""
from __future__ import annotations

import hashlib
import io
import os
import zlib
from dataclasses import dataclass
from typing import Any, BinaryIO, Optional, Tuple, Type

try:  # ISA-L inflates 2.5x faster than zlib: decompression is a tenth of ingest's CPU time
    from isal import igzip as _gzip
    from isal.isal_zlib import error as _InflateError
except ImportError:  # pragma: no cover - isal has wheels for every platform we build on
    import gzip as _gzip
    _InflateError = zlib.error

# What a truncated or corrupt gzip stream raises while it is read.
DECOMPRESS_ERRORS: Tuple[Type[BaseException], ...] = (EOFError, OSError, zlib.error, _InflateError)


CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0  # a stalled socket this long is dropped and the download resumed
RESUME_ATTEMPTS = 8  # consecutive failed resumes (0, 2, 4 ... 60 s apart: ~3 min) before giving up
USER_AGENT = "discogs-recs index builder"


class DumpError(Exception):
    """A problem with an input dump that the user can act on (one clear line)."""


class DumpUnreachable(DumpError):
    """The dump site cannot be reached at all (no network, a firewall, a dead mirror).

    `site` is what could not be reached and `reason` why, in a few words."""

    def __init__(self, message: str, site: str = "", reason: str = ""):
        super().__init__(message)
        self.site = site
        self.reason = reason


class CountingReader(io.RawIOBase):
    """Wraps a raw byte stream; counts and SHA-256-hashes the bytes read from it."""

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self.bytes_read = 0
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        if not data:
            return 0
        n = len(data)
        buffer[:n] = data
        self.bytes_read += n
        self.sha256.update(data)
        return n

    def drain(self) -> None:
        """Read what is left (e.g. after the gzip trailer) so the hash covers the file."""
        buffer = bytearray(1 << 20)
        while self.readinto(buffer):
            pass

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


@dataclass
class DumpSource:
    """An opened dump: a decompressed byte stream plus what is known about its size."""

    name: str
    stream: BinaryIO
    counter: CountingReader
    total_bytes: Optional[int]

    @property
    def bytes_read(self) -> int:
        return self.counter.bytes_read

    def sha256_of_whole_file(self) -> str:
        """The SHA-256 of the compressed file; reads whatever is left of it first."""
        self.counter.drain()
        return self.counter.sha256.hexdigest()

    def close(self) -> None:
        self.stream.close()


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def open_dump(location: str, timeout: float = 30.0) -> DumpSource:
    """Open a dump (`.xml.gz` or `.xml`, path or URL) for streaming reads."""
    if is_url(location):
        raw = ResumableDownload(location, timeout=timeout)
        total = raw.total_bytes
    else:
        if not os.path.exists(location):
            raise DumpError(f"{location}: no such file; pass the path of a Discogs dump (.xml.gz or .xml)")
        raw = open(location, "rb")
        total = os.path.getsize(location)
    counter = CountingReader(raw)
    buffered = io.BufferedReader(counter, buffer_size=1 << 20)
    stream: BinaryIO = buffered
    if _looks_gzipped(buffered, location):
        stream = _gzip.GzipFile(fileobj=buffered, mode="rb")
    return DumpSource(name=location, stream=stream, counter=counter, total_bytes=total)


def _looks_gzipped(buffered: io.BufferedReader, location: str) -> bool:
    head = buffered.peek(2)[:2]
    if head == b"\x1f\x8b":
        return True
    if location.split("?")[0].endswith(".gz") and head:
        raise DumpError(f"{location}: the name ends in .gz but the file is not gzip data; "
                        "check the download or rename it to .xml")
    return False


def http_session(connect_retries: int = 3):
    """A requests session that retries failed connections and 429/5xx answers with
    back-off (urllib3 Retry) and names itself."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    retry = Retry(total=connect_retries + 2, connect=connect_retries, read=1, status=2,
                  backoff_factor=0.25, status_forcelist=(429, 500, 502, 503, 504),
                  allowed_methods=frozenset({"GET", "HEAD"}), raise_on_status=False,
                  respect_retry_after_header=True)
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def http_error(url: str, status: int, listing: bool = False) -> str:
    """One line for an HTTP error status: what it means here and what to try."""
    from .dump_listing import dump_base_url

    site = dump_base_url()
    if status in (401, 403):
        hint = (f"access denied: the dumps may have moved; open {site} to see where they are "
                f"now, use `--releases latest` / `--masters latest`, set DISCOGS_RECS_DUMP_URL "
                "to a mirror, or pass a local file")
    elif status == 404 or status == 410:
        hint = ("not found: pick a dump listed at " + site +
                " (or `--releases latest`), or pass a local file")
    elif status == 416:
        hint = "the server refused the byte range; run the command again"
    elif status == 429 or status >= 500:
        hint = "the server is busy or failing; try again in a few minutes, or use a mirror"
    else:
        hint = "check the URL, or pass a local file"
    what = "the dump listing" if listing else "the download"
    return f"{url}: the server answered HTTP {status} for {what}; {hint}"


def _timeout_message(url: str, timeout: Any) -> str:
    return (f"{url}: no answer within {timeout} s; check your network or proxy, try again "
            "later, or pass a local file")


class ResumableDownload(io.RawIOBase):
    """The body of an HTTP GET as a raw stream that survives dropped connections.

    When the connection breaks (reset, truncated body, read timeout), it asks again for
    the rest with `Range: bytes=N-` and `If-Range` (the ETag or Last-Modified of the
    first answer, so a file replaced meanwhile is never spliced). Attempts are bounded
    and spaced out by urllib3's Retry; they count afresh once data flows again. The
    body is read raw: gzip is undone by the caller, and the counts match
    Content-Length."""

    def __init__(self, url: str, timeout: float = READ_TIMEOUT, session=None,
                 attempts: int = RESUME_ATTEMPTS, backoff: float = 1.0):
        from urllib3.util.retry import Retry

        self.url = url
        self.position = 0
        self.resumes = 0
        self._timeout = (min(CONNECT_TIMEOUT, timeout), timeout)
        self._session = session or http_session()
        self._fresh_retry = lambda: Retry(total=attempts, connect=None, read=None, other=None,
                                          backoff_factor=backoff, backoff_max=60)
        self._retry = self._fresh_retry()
        self._failing = False
        self._read_errors = _read_errors()
        self._response = self._request(0)
        headers = self._response.headers
        self._validator = headers.get("ETag") or headers.get("Last-Modified")
        self._accepts_ranges = headers.get("Accept-Ranges", "").lower() == "bytes"
        length = headers.get("Content-Length")
        self.total_bytes: Optional[int] = int(length) if length and length.isdigit() else None

    def readable(self) -> bool:
        return True

    def _request(self, start: int):
        import requests

        headers = {}
        if start:
            headers["Range"] = f"bytes={start}-"
            if self._validator:
                headers["If-Range"] = self._validator
        try:
            response = self._session.get(self.url, stream=True, timeout=self._timeout,
                                         headers=headers)
        except requests.RequestException as exc:
            if start:
                raise _Broken(exc) from exc
            reason = request_error_reason(exc, self._timeout[1])
            if is_timeout(exc):
                raise DumpUnreachable(_timeout_message(self.url, self._timeout[1]), self.url,
                                      reason) from exc
            raise DumpUnreachable(f"{self.url}: cannot download ({reason}); check the URL and "
                                  "your network, or pass a local file", self.url, reason) from exc
        if start and response.status_code == 206:
            first = response.headers.get("Content-Range", "").split(" ")[-1].split("-")[0]
            if first != str(start):
                response.close()
                raise DumpError(f"{self.url}: asked to resume at byte {start:,} but the server "
                                f"answered range {response.headers.get('Content-Range')!r}; "
                                "run the command again")
        elif start and response.status_code == 200:
            response.close()
            raise DumpError(
                f"{self.url}: the connection dropped at byte {start:,} and the server cannot "
                "resume it (" + ("the file changed on the server" if self._accepts_ranges
                                 else "it does not accept HTTP Range requests")
                + "); run the command again")
        elif response.status_code != 200:
            response.close()
            if start and response.status_code >= 500:
                raise _Broken(OSError(f"HTTP {response.status_code}"))
            raise DumpError(http_error(self.url, response.status_code))
        response.raw.decode_content = False
        return response

    def readinto(self, buffer) -> int:
        while True:
            try:
                data = self._response.raw.read(len(buffer))
                if not data and self.total_bytes is not None and self.position < self.total_bytes:
                    raise OSError(f"the body ended at byte {self.position:,} of "
                                  f"{self.total_bytes:,}")
            except self._read_errors as exc:
                self._resume(exc)
                continue
            n = len(data)
            buffer[:n] = data
            self.position += n
            if n and self._failing:
                self._failing = False
                self._retry = self._fresh_retry()
            return n

    def _resume(self, error: BaseException) -> None:
        """Back off, then ask for the rest of the body; DumpError once out of attempts."""
        from urllib3.exceptions import MaxRetryError

        self._response.close()
        while True:
            try:
                self._retry = self._retry.increment(method="GET", url=self.url, error=error)
            except MaxRetryError:
                raise DumpError(
                    f"{self.url}: the connection keeps dropping (at byte {self.position:,}"
                    + (f" of {self.total_bytes:,}" if self.total_bytes else "")
                    + f"; {_short(error)}); check your network and run the command again") from error
            self._failing = True
            self._retry.sleep()
            self.resumes += 1
            try:
                self._response = self._request(self.position)
                return
            except _Broken as exc:
                error = exc.__cause__ or exc

    def close(self) -> None:
        try:
            self._response.close()
        finally:
            super().close()


def is_timeout(exc: BaseException) -> bool:
    """Whether a requests error is a timeout, also when retries ran out on timeouts."""
    import requests
    from urllib3.exceptions import MaxRetryError, NewConnectionError
    from urllib3.exceptions import TimeoutError as Urllib3Timeout

    def timed_out(error: object) -> bool:  # a refused connection is a "timeout" subclass
        return isinstance(error, Urllib3Timeout) and not isinstance(error, NewConnectionError)

    if isinstance(exc, requests.ConnectTimeout) or isinstance(exc, requests.ReadTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    return timed_out(exc) or (isinstance(reason, MaxRetryError) and timed_out(reason.reason))


def request_error_reason(exc: BaseException, timeout: Any = None) -> str:
    """A requests error in a few words: 'connection refused', 'no answer within 20 s'."""
    if is_timeout(exc):
        return f"no answer within {timeout} s" if timeout is not None else "no answer"
    text = str(exc)
    for hint in ("Name or service not known", "Temporary failure in name resolution",
                 "nodename nor servname", "Connection refused", "Network is unreachable",
                 "No route to host", "Connection reset", "certificate verify failed"):
        if hint in text:
            return hint.lower()
    return exc.__class__.__name__.lower().replace("error", " error").strip()


class _Broken(Exception):
    """A resume request failed in a way worth another attempt."""


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else exc.__class__.__name__


def _read_errors() -> Tuple[Type[BaseException], ...]:
    import http.client

    import requests
    from urllib3.exceptions import HTTPError

    return (HTTPError, OSError, http.client.HTTPException, requests.RequestException)

