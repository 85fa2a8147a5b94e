"""The compiled part of the project: the fast path of the dump parser.

Everything else is in pyproject.toml. The extension is optional: without a C compiler
the install still succeeds and ingest parses with lxml and Python alone (several times
slower; `discogs-recs ingest` says so when it starts).
"""
from glob import glob

from setuptools import Extension, setup

setup(ext_modules=[Extension("index_builder._fastxml", sorted(glob("index_builder/_fastxml/*.c")),
                             depends=glob("index_builder/_fastxml/*.h"),
                             extra_compile_args=["-O2"], optional=True)])
