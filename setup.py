"""The compiled part of the project: the fast path of ingest (index_builder/_fastxml).

Everything else is in pyproject.toml. The extension is optional: without a C compiler
the install still succeeds and ingest parses with lxml and Python alone (several times
slower; `discogs-recs ingest` says so when it starts). Where SQLite's header is found
(Debian: libsqlite3-dev) it also writes the parsers' pieces (_fastxml/piece.c).
"""
import os
import sysconfig
from glob import glob

from setuptools import Extension, setup


def _sqlite_header() -> bool:
    places = [sysconfig.get_config_var("INCLUDEDIR"), "/usr/include", "/usr/local/include"]
    return any(place and os.path.exists(os.path.join(place, "sqlite3.h")) for place in places)


_with_sqlite = _sqlite_header()
setup(ext_modules=[Extension(
    "index_builder._fastxml", sorted(glob("index_builder/_fastxml/*.c")),
    depends=glob("index_builder/_fastxml/*.h"), extra_compile_args=["-O2"],
    define_macros=[("FASTXML_SQLITE", "1")] if _with_sqlite else [],
    libraries=["sqlite3"] if _with_sqlite else [], optional=True)])
