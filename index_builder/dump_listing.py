"""Find the official monthly dumps on data.discogs.com (or a mirror).

The site lists a year as an HTML page, `BASE/?prefix=data%2F2026%2F`, whose rows link
files as `?download=data%2F2026%2Fdiscogs_20261001_releases.xml.gz`; `?prefix=data%2F`
lists the years. A file is `BASE/?download=KEY`. Each month has a
`discogs_YYYYMMDD_CHECKSUM.txt` of `SHA256HEX NAME` lines. Uploads are late and a
month can be listed before all of its files are, so "latest" is the newest month in
which the file of that kind is listed, looking back into the previous year.

The base URL is the setting DISCOGS_RECS_DUMP_URL (default https://data.discogs.com),
so that mirrors and tests can stand in for the site.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Dict, List, Optional, Tuple
from urllib.parse import parse_qs, quote, urlsplit

from .sources import (DumpError, DumpUnreachable, http_error, http_session,
                      request_error_reason)

DEFAULT_DUMP_URL = "https://data.discogs.com"
KINDS = ("releases", "masters", "artists", "labels")
LATEST = "latest"
LISTING_TIMEOUT = 20.0
_NAME = re.compile(r"discogs_(\d{8})_(\w+?)\.(xml\.gz|txt)$")


def dump_base_url() -> str:
    return (os.environ.get("DISCOGS_RECS_DUMP_URL") or DEFAULT_DUMP_URL).rstrip("/")


def download_url(key: str, base: Optional[str] = None) -> str:
    return f"{base or dump_base_url()}/?download={quote(key, safe='')}"


def listing_url(prefix: str, base: Optional[str] = None) -> str:
    return f"{base or dump_base_url()}/?prefix={quote(prefix, safe='')}"


@dataclass(frozen=True)
class DumpFile:
    """One file of the official dumps, e.g. data/2026/discogs_20261001_releases.xml.gz."""

    key: str
    base_url: str

    @property
    def name(self) -> str:
        return self.key.rsplit("/", 1)[-1]

    @property
    def date(self) -> str:
        """YYYYMMDD, from the file name."""
        return _NAME.search(self.name).group(1)

    @property
    def kind(self) -> str:
        return _NAME.search(self.name).group(2)

    @property
    def url(self) -> str:
        return download_url(self.key, self.base_url)

    @property
    def checksum_key(self) -> str:
        return f"{self.key.rsplit('/', 1)[0]}/discogs_{self.date}_CHECKSUM.txt"


class _Links(HTMLParser):
    """Collects the `download=` and `prefix=` targets of every link on a listing page."""

    def __init__(self) -> None:
        super().__init__()
        self.downloads: List[str] = []
        self.prefixes: List[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag != "a":
            return
        href = dict(attrs).get("href") or ""
        query = parse_qs(urlsplit(href).query)
        self.downloads += query.get("download", [])
        self.prefixes += query.get("prefix", [])


def parse_listing(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser


def dump_file_from_url(url: str) -> Optional[DumpFile]:
    """The DumpFile of a `?download=KEY` URL (any host), else None."""
    parts = urlsplit(url)
    keys = parse_qs(parts.query).get("download", [])
    if not keys or not _NAME.search(keys[0].rsplit("/", 1)[-1]):
        return None
    return DumpFile(keys[0], f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}")


class DumpListing:
    """The listing pages of one base URL, each fetched at most once."""

    def __init__(self, base_url: Optional[str] = None, session=None):
        self.base_url = (base_url or dump_base_url()).rstrip("/")
        self._session = session
        self._pages: Dict[str, _Links] = {}

    @property
    def session(self):
        if self._session is None:
            self._session = http_session(connect_retries=2)
        return self._session

    def _get(self, url: str):
        import requests

        try:
            return self.session.get(url, timeout=LISTING_TIMEOUT)
        except requests.RequestException as exc:
            reason = request_error_reason(exc, LISTING_TIMEOUT)
            raise DumpUnreachable(f"cannot reach {self.base_url} ({reason}); check your network "
                                  "or proxy, set DISCOGS_RECS_DUMP_URL to a mirror, or pass "
                                  "local dump files", self.base_url, reason) from exc

    def _page(self, prefix: str, missing_ok: bool = False) -> _Links:
        """A listing page's links; DumpUnreachable when the site does not answer it
        (`missing_ok`: a 404 is an empty page, as for a year with nothing yet)."""
        if prefix not in self._pages:
            url = listing_url(prefix, self.base_url)
            response = self._get(url)
            if response.status_code == 404 and missing_ok:
                self._pages[prefix] = parse_listing("")
            elif response.status_code != 200:
                raise DumpUnreachable(http_error(url, response.status_code, listing=True),
                                      self.base_url, f"HTTP {response.status_code}")
            else:
                response.encoding = response.encoding or "utf-8"
                self._pages[prefix] = parse_listing(response.text)
        return self._pages[prefix]

    def years(self) -> List[str]:
        found = {m.group(1) for p in self._page("data/").prefixes
                 if (m := re.fullmatch(r"data/(\d{4})/?", p))}
        return sorted(found, reverse=True)

    def files(self, year: str) -> Dict[str, DumpFile]:
        """Every dump file listed for a year, by file name."""
        files = {}
        for key in self._page(f"data/{year}/", missing_ok=True).downloads:
            file = DumpFile(key, self.base_url)
            if _NAME.search(file.name):
                files[file.name] = file
        return files

    def resolve(self, kind: str, dump_date: Optional[str] = None) -> DumpFile:
        """The file of `kind` of month `dump_date` (YYYYMMDD), or of the newest month
        that lists one, looking back into the previous year."""
        if kind not in KINDS:
            raise DumpError(f"unknown dump kind {kind!r}; one of {', '.join(KINDS)}")
        if dump_date:
            date = check_dump_date(dump_date)
            name = f"discogs_{date}_{kind}.xml.gz"
            listed = self.files(date[:4])
            if name not in listed:
                months = sorted({f.date for f in listed.values() if f.kind == kind}, reverse=True)
                raise DumpError(
                    f"{name} is not listed at {listing_url(f'data/{date[:4]}/', self.base_url)}"
                    + (f"; listed {kind} dumps of {date[:4]}: {', '.join(months)}" if months
                       else f"; no {kind} dump is listed for {date[:4]}")
                    + f"; pass another --dump-date or `--{kind} latest`")
            return listed[name]
        this_year = dt.date.today().year
        years = self.years() or [str(this_year), str(this_year - 1)]
        for year in years[:2]:
            candidates = [f for f in self.files(year).values()
                          if f.kind == kind and f.name.endswith(".xml.gz")]
            if candidates:
                return max(candidates, key=lambda f: f.date)
        raise DumpError(f"no {kind} dump is listed at {listing_url('data/', self.base_url)} "
                        f"for {' or '.join(years[:2])}; pass a local file or set "
                        "DISCOGS_RECS_DUMP_URL to a mirror")

    def checksums(self, file: DumpFile) -> Optional[Dict[str, str]]:
        """The month's CHECKSUM.txt as {file name: sha256 hex}, or None when it is not
        listed (yet)."""
        name = file.checksum_key.rsplit("/", 1)[-1]
        try:
            listed = self.files(file.date[:4])
        except DumpUnreachable:
            listed = {}
        if name not in listed:
            return None
        url = download_url(file.checksum_key, self.base_url)
        response = self._get(url)
        if response.status_code != 200:
            raise DumpError(http_error(url, response.status_code))
        return parse_checksums(response.text)


def parse_checksums(text: str) -> Dict[str, str]:
    """`SHA256HEX NAME` per line (one space; `sha256sum`'s two-space form works too)."""
    sums = {}
    for line in text.splitlines():
        parts = line.strip().split()
        if len(parts) == 2 and re.fullmatch(r"[0-9a-fA-F]{64}", parts[0]):
            sums[parts[1].lstrip("*")] = parts[0].lower()
    return sums


def check_dump_date(value: str) -> str:
    """YYYYMMDD (YYYY-MM-DD also accepted), checked to be a real date."""
    text = value.replace("-", "")
    try:
        dt.datetime.strptime(text, "%Y%m%d")
        if len(text) != 8:
            raise ValueError(text)
    except ValueError:
        raise DumpError(f"--dump-date {value!r} is not a date; write YYYYMMDD, e.g. 20261001") from None
    return text
def resolve_locations(locations: Dict[str, Optional[str]], dump_date: Optional[str] = None,
                      listing: Optional[DumpListing] = None) -> Dict[str, Optional[str]]:
    """Inputs by kind ({'releases': 'latest', 'masters': 'x.xml.gz'}) with every
    'latest' replaced by the URL of that kind's newest listed dump (or of `dump_date`'s
    month). Paths and URLs pass through; DumpUnreachable when the site cannot be read."""
    wanted = [kind for kind, location in locations.items() if location == LATEST]
    if dump_date and not wanted:
        raise DumpError("--dump-date picks the month of `latest` inputs; pass e.g. "
                        "`--releases latest --dump-date 20261001`, or drop --dump-date")
    if not wanted:
        return dict(locations)
    listing = listing or DumpListing()
    resolved = dict(locations)
    for kind in wanted:
        resolved[kind] = listing.resolve(kind, dump_date).url
    return resolved


def expected_checksum(location: str, listing: Optional[DumpListing] = None
                      ) -> Tuple[Optional[str], str]:
    """(the SHA-256 the month's CHECKSUM.txt gives for this dump, where it came from),
    or (None, why there is none). Looks up `?download=` URLs in their listing and local
    files in a discogs_YYYYMMDD_CHECKSUM.txt beside them."""
    file = dump_file_from_url(location)
    if file is not None:
        listing = listing or DumpListing(file.base_url)
        sums = listing.checksums(file)
        source = file.checksum_key.rsplit("/", 1)[-1]
        if sums is None:
            return None, f"{source} is not listed yet"
        name = file.name
    else:
        name = os.path.basename(location.split("?")[0])
        match = _NAME.search(name)
        if not match or "://" in location:
            return None, "no CHECKSUM.txt is known for this input"
        source = f"discogs_{match.group(1)}_CHECKSUM.txt"
        path = os.path.join(os.path.dirname(location), source)
        if not os.path.exists(path):
            return None, f"no {source} beside it"
        with open(path, encoding="utf-8", errors="replace") as handle:
            sums = parse_checksums(handle.read())
    if name not in sums:
        return None, f"{source} has no line for {name}"
    return sums[name], source
