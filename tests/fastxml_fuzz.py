"""A differential fuzz target for the compiled parser (index_builder/_fastxml), for atheris.

Every input is a record (or two) of the real dumps (../shared/data/dumps, tests/fixtures)
mutated by libFuzzer's byte mutations (with a dictionary of XML's significant tokens) or
by XML-aware ones below (a repeated attribute or element, a token in a text or a tag).
It goes through the compiled parser and through lxml and the Python converters, the
reference, and must end in one of two ways:
- both accept it and give the same values, from every compiled entry point
  (tests/test_fastxml.check_document) and, for releases, the same packed piece;
- the compiled parser raises Unsupported from every entry point, and ingest falls back
  to lxml, which accepts it or reports it malformed.
Anything else fails: records from a document lxml refuses, different values, another
exception. Under AddressSanitizer (tests/test_fastxml_fuzz.py builds the extension with
-fsanitize=address and preloads libasan) a memory error aborts with ASan's report.
The reference converters are instrumented, so inputs that reach new branches of them
join the corpus and are mutated further.

    python -m tests.fastxml_fuzz --seconds 600                   # the extension as built
    python -m tests.fastxml_fuzz --seconds 3600 --seed 7 --module BUILD/_fastxml.so
    python -m tests.fastxml_fuzz fuzz-failures/crash-*           # replay saved failures

A failure is saved under --failures (libFuzzer's crash-* files). See docs/fuzzing.md.
"""
from __future__ import annotations

import argparse
import collections
import ctypes
import importlib.machinery
import importlib.util
import os
import random
import re
import sqlite3
import sys
import time
from pathlib import Path
from typing import Counter, Dict, List, Optional, Tuple

# XML's significant bytes and the constructs the scanner reimplements or refuses
TOKENS = [
    b"<", b">", b"&", b"/", b"=", b'"', b"'", b" ", b"\t", b"\n", b"\r", b"\r\n", b"]]>",
    b"]]", b"<!--", b"-->", b"<![CDATA[", b"<?pi?>", b"<!DOCTYPE r>", b"</", b"/>", b"<x>",
    b"</x>", b"<x/>", b"&amp;", b"&lt;", b"&gt;", b"&quot;", b"&apos;", b"&nbsp;", b"&#65;",
    b"&#x41;", b"&#0;", b"&#9;", b"&#xD;", b"&#xD800;", b"&#x10FFFF;", b"&#x110000;",
    b"&#x;", b"&#;", b"&#93;]>", b" a=\"1\"", b" a='1' a='2'", b" id=\"9\"", b" xmlns=\"u\"",
    b" xmlns:p=\"u\"", b"p:", b"\x00", b"\x01", b"\x7f", b"\x80", b"\xc3", b"\xc3\xa9",
    b"\xc2\xa0", b"\xe2\x80\xa8", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\xef\xbf\xbe",
    b"\xf4\x90\x80\x80", b"\xff", b"\xd9\xa1", b"0", b"-1", b"99999999999999999999",
]
# Where the structure-aware mutations act: a text or an attribute value, the end of a
# start tag, an attribute, an element without children
_TEXT = re.compile(rb">([^<]*)<|=\"([^\"]*)\"|='([^']*)'")
_TAG_END = re.compile(rb"<[A-Za-z_][^<>]*?(/?>)")
_ATTRIBUTE = re.compile(rb"\s[A-Za-z_][\w.-]*\s*=\s*(?:\"[^\"]*\"|'[^']*')")
_LEAF = re.compile(rb"<([A-Za-z_][\w.-]*)[^<>]*?(?:/>|>[^<]*</\1>)")
Outcome = str
ALIKE, LEFT_ACCEPTED, LEFT_REFUSED = ("accepted alike", "left to lxml, which accepts it",
                                      "left to lxml, which refuses it")


class Disagreement(AssertionError):
    """The compiled parser and the reference disagree on a document."""


def load_module(path: str) -> None:
    """Use the extension at `path` (e.g. the AddressSanitizer build) as
    index_builder._fastxml; must run before index_builder.fast is imported."""
    import index_builder

    name = "index_builder._fastxml"
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[name] = module
    index_builder._fastxml = module


def asan_active() -> bool:
    """Whether AddressSanitizer's runtime is in this process (LD_PRELOAD)."""
    try:
        ctypes.CDLL(None).__asan_init
    except AttributeError:
        return False
    return True


# ---------------------------------------------------------------- the records mutated

def seed_records() -> Dict[str, List[bytes]]:
    """The raw bytes of every release and master in the real dumps and our fixtures."""
    from index_builder.parse import iter_chunks
    from index_builder.sources import open_dump
    from tests.conftest import FIXTURES
    from tests.test_fastxml import _real_files

    paths = _real_files() + [FIXTURES / "releases_edge_cases.xml",
                             FIXTURES / "masters_edge_cases.xml"]
    records: Dict[str, List[bytes]] = {"release": [], "master": []}
    for path in paths:
        kind = "master" if "masters" in path.name else "release"
        pattern = re.compile(rb"<%s[\s>].*?</%s>" % (kind.encode(), kind.encode()), re.S)
        source = open_dump(str(path))
        try:
            for _, chunk in iter_chunks(source, kind):
                records[kind] += pattern.findall(chunk)
        finally:
            source.close()
    return records


def _nth(pattern: re.Pattern, data: bytearray, which: int) -> Optional[re.Match]:
    found = list(pattern.finditer(data))
    return found[which % len(found)] if found else None


def mutate(data: bytes, mutations: List[tuple]) -> bytes:
    """Apply (what, where, argument...) mutations in turn; positions wrap around. Byte
    mutations break the XML anywhere; the others keep it mostly well-formed, so that
    both parsers get far enough to disagree on values."""
    data = bytearray(data)
    for what, where, *args in mutations:
        at = where % (len(data) + 1)
        if what == "insert":
            data[at:at] = args[0]
        elif what == "delete":
            del data[at:at + args[0]]
        elif what == "byte" and data:
            data[min(at, len(data) - 1)] = args[0]
        elif what == "copy":  # a span of the record pasted elsewhere
            start = args[0] % (len(data) + 1)
            data[at:at] = data[start:start + args[1]]
        elif what == "in text" and (match := _nth(_TEXT, data, where)):
            group = next(g for g in range(1, 4) if match.group(g) is not None)
            at = match.start(group) + args[0] % (len(match.group(group)) + 1)
            data[at:at] = args[1]
        elif what == "in tag" and (match := _nth(_TAG_END, data, where)):
            data[match.start(1):match.start(1)] = args[0]
        elif what == "repeat attribute" and (match := _nth(_ATTRIBUTE, data, where)):
            data[match.end():match.end()] = match.group(0)
        elif what in ("repeat element", "drop element") and (match := _nth(_LEAF, data, where)):
            copies = 2 if what == "repeat element" else 0
            data[match.start():match.end()] = match.group(0) * copies
    return bytes(data)


def random_mutations(rng: random.Random) -> List[tuple]:
    """One to three mutations for `mutate`."""
    def token() -> bytes:
        if rng.random() < 0.7:
            return rng.choice(TOKENS)
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))

    where = lambda: rng.randrange(1 << 20)  # noqa: E731
    makers = [
        lambda: ("insert", where(), token()),
        lambda: ("delete", where(), rng.randint(1, 24)),
        lambda: ("byte", where(), rng.randrange(256)),
        lambda: ("copy", where(), where(), rng.randint(1, 80)),
        lambda: ("in text", where(), where(), token()),
        lambda: ("in tag", where(), token()),
        lambda: (rng.choice(["repeat attribute", "repeat element", "drop element"]), where()),
    ]
    return [rng.choice(makers)() for _ in range(rng.randint(1, 3))]


# ---------------------------------------------------------------- the oracle

def _packed(compiled, document: bytes) -> Tuple[dict, dict]:
    """One piece's tables packed by the compiled writer and by chunkdb's Python one."""
    from index_builder import chunkdb, ingest
    from index_builder.filters import Filters

    read, rows, singles, members, parts = ingest._rows_from_document(
        document, "release", Filters(), alone=False)
    tables = {"releases": rows, "single_albums": singles, "member_albums": members,
              "parts": parts}
    empty = chunkdb._empty_piece(tuple(tables))
    ordered = chunkdb.with_file_order(tables)
    dumps = []
    for packed in (compiled.pack_piece(empty, read, ordered),
                   chunkdb.pack_in_python(empty, read, ordered)):
        conn = sqlite3.connect(":memory:")
        conn.deserialize(packed)
        dumps.append({t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
                      for t in ("file_order", *tables)})
        conn.close()
    return dumps[0], dumps[1]


def check(document: bytes, kind: str, compiled=None) -> Outcome:
    """How the compiled parser and the reference agree on `document`; raises
    Disagreement where they do not (any other exception is a bug as well)."""
    from index_builder import fast
    from index_builder.parse import ChunkSyntaxError, parse_document_lxml
    from tests.test_fastxml import check_document

    compiled = compiled or fast._fastxml
    try:
        records: Optional[list] = compiled.parse(document, kind)
    except compiled.Unsupported:
        records = None
    try:
        parse_document_lxml(document, kind)
        refused = None
    except ChunkSyntaxError as exc:
        refused = exc.msg
    if records is None:
        # the scanner decides alone, so every entry point must leave it to lxml
        for call in (lambda: compiled.parse(document, "master" if kind == "release" else "release"),
                     lambda: compiled.release_rows(document, True),
                     lambda: compiled.staged_releases(document, False, True)):
            try:
                call()
            except compiled.Unsupported:
                continue
            raise Disagreement("one entry point left the document to lxml, another did not")
        return LEFT_ACCEPTED if refused is None else LEFT_REFUSED
    if refused:
        raise Disagreement(f"the compiled parser returned records for a document lxml "
                           f"refuses ({refused})")
    try:
        check_document(document, kind)
        if kind == "release" and compiled.PACKS_PIECES:
            in_c, in_python = _packed(compiled, document)
            assert in_c == in_python, "the packed pieces differ"
    except AssertionError as exc:
        raise Disagreement("both accept the document but give different values "
                           f"({_difference(records, parse_document_lxml(document, kind))})") from exc
    return ALIKE


def _difference(got: list, expected: list) -> str:
    """Where the compiled records first differ from the reference's, in a few words."""
    if len(got) != len(expected):
        return f"{len(got)} records, the reference {len(expected)}"
    for record, reference in zip(got, expected):
        for key, value in reference.items():
            if record.get(key) != value:
                return f"{key}: {record.get(key)!r:.80}, the reference {value!r:.80}"
    return "the rows, parts or packed pieces made from equal records"


# ---------------------------------------------------------------- the run

class Target:
    """What libFuzzer calls: the mutator and the test of one input."""

    def __init__(self, records: Dict[str, List[bytes]], seconds: float):
        self.records = [record for of_kind in records.values() for record in of_kind]
        self.outcomes: Counter[Outcome] = collections.Counter()
        self.seconds = seconds
        self.started = time.monotonic()

    def mutator(self, data: bytes, max_size: int, seed: int) -> bytes:
        import atheris

        rng = random.Random(seed)
        # mostly a fresh real record; else one of the corpus (kept for reaching new
        # branches of the reference), mutated again
        if data.startswith((b"<release", b"<master")) and rng.random() < 0.3:
            base = data
        else:
            base = rng.choice(self.records)
            if rng.random() < 0.1:
                base += b"\n" + rng.choice(self.records)
        if rng.random() < 0.5:
            return mutate(base, random_mutations(rng))[:max_size]
        return atheris.Mutate(base, min(max_size, len(base) + 64))

    def test(self, data: bytes) -> None:
        kind = "master" if data.startswith(b"<master") else "release"
        self.outcomes[check(b"<r>" + data + b"</r>", kind)] += 1
        if self.seconds and time.monotonic() - self.started >= self.seconds:
            self.finish()

    def finish(self) -> None:
        """libFuzzer ends the process with exit(), which Python's atexit never sees, so
        the target stops itself and reports."""
        took = time.monotonic() - self.started
        total = sum(self.outcomes.values())
        lines = [f"fuzz: {total:,} documents in {took:.0f} s ({total / took:,.0f}/s), "
                 "no disagreement, no crash:"]
        lines += [f"fuzz:   {self.outcomes[o]:>9,}  {o}" for o in (ALIKE, LEFT_ACCEPTED, LEFT_REFUSED)]
        print("\n".join(lines), flush=True)
        os._exit(0)


def _dictionary(path: Path) -> None:
    """TOKENS in libFuzzer's -dict format."""
    path.write_text("".join('"' + "".join(f"\\x{b:02x}" for b in t) + '"\n' for t in TOKENS))


def main(argv: List[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to run (default 60)")
    parser.add_argument("--seed", type=int, default=1, help="libFuzzer's -seed (default 1)")
    parser.add_argument("--module", default=None,
                        help="an index_builder._fastxml build to fuzz instead of the installed "
                             "one (e.g. the AddressSanitizer build)")
    parser.add_argument("--failures", default="fuzz-failures", type=Path,
                        help="where libFuzzer saves a failing input (default ./fuzz-failures)")
    parser.add_argument("inputs", nargs="*", help="saved inputs to replay instead of fuzzing")
    args, libfuzzer_args = parser.parse_known_args(argv)
    import atheris

    if args.module:
        load_module(args.module)
    with atheris.instrument_imports(include=["index_builder.parse", "index_builder.catalog",
                                             "index_builder.albums"]):
        from index_builder import albums, catalog, fast, parse  # noqa: F401
    if not fast.AVAILABLE:
        print(f"fuzz: {fast.MISSING}", file=sys.stderr)
        return 2
    records = {} if args.inputs else seed_records()  # a replay mutates nothing
    print(f"fuzz: {sum(map(len, records.values())):,} real records "
          f"({', '.join(f'{len(v):,} {k}s' for k, v in records.items())}); compiled module "
          f"{fast._fastxml.__file__}; AddressSanitizer: {'active' if asan_active() else 'off'}",
          flush=True)
    args.failures.mkdir(parents=True, exist_ok=True)
    target = Target(records, 0 if args.inputs else args.seconds)
    dictionary = args.failures / "xml.dict"
    _dictionary(dictionary)
    libfuzzer = [sys.argv[0], f"-seed={args.seed}", f"-dict={dictionary}", "-max_len=262144",
                 f"-artifact_prefix={args.failures}/", "-rss_limit_mb=6144", "-timeout=30",
                 f"-max_total_time={int(args.seconds) + 60}", *libfuzzer_args, *args.inputs]
    atheris.Setup(libfuzzer, target.test, custom_mutator=target.mutator)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
