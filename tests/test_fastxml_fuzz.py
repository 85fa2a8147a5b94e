"""The compiled parser fuzzed under AddressSanitizer, bounded in time (see docs/fuzzing.md).

The extension is built again with -fsanitize=address into a folder of its own (the
normal build is left alone), and the fuzz target (tests/fastxml_fuzz.py) runs it in a
subprocess with gcc's libasan preloaded and Python's allocator off (PYTHONMALLOC=malloc,
so that ASan sees every buffer). DISCOGS_RECS_FUZZ_SECONDS sets how long (default 60).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from glob import glob
from pathlib import Path

import pytest

from index_builder import fast
from tests.conftest import ROOT

pytestmark = pytest.mark.fuzz
SECONDS = float(os.environ.get("DISCOGS_RECS_FUZZ_SECONDS", "60"))
SOURCES = sorted(glob(str(ROOT / "index_builder/_fastxml/*.c")))


def _gcc_library(name: str) -> str:
    """The path of one of gcc's libraries, or "" where it has none."""
    found = subprocess.run(["gcc", f"-print-file-name={name}"], capture_output=True,
                           text=True).stdout.strip()
    return found if os.path.isabs(found) and os.path.exists(found) else ""


def _preload() -> str:
    """LD_PRELOAD for the fuzzer: ASan's runtime first, as it must be, then libstdc++, so
    that ASan finds the real __cxa_throw (atheris, in C++, throws where a Python exception
    leaves the target; without it ASan aborts with a CHECK failure instead of the report)."""
    if shutil.which("gcc") is None:
        pytest.skip("no C compiler to build the AddressSanitizer build (apt install gcc)")
    libasan = _gcc_library("libasan.so")
    if not libasan:
        pytest.skip("gcc has no AddressSanitizer runtime (apt install libasan8, or gcc)")
    return " ".join(filter(None, [libasan, _gcc_library("libstdc++.so.6")]))


@pytest.fixture(scope="module")
def asan_build(tmp_path_factory) -> dict:
    """The extension built with AddressSanitizer, and the environment to run it in."""
    pytest.importorskip("atheris", reason="atheris is not installed (pip install -e '.[dev]')")
    preload = _preload()
    include = sysconfig.get_paths()["include"]
    if not os.path.exists(os.path.join(include, "Python.h")):
        pytest.skip("Python's headers are missing (apt install python3-dev)")
    out = tmp_path_factory.mktemp("asan") / ("_fastxml" + sysconfig.get_config_var("EXT_SUFFIX"))
    # as setup.py builds it, plus the sanitizer and frames for its reports
    sqlite = [] if not (fast.AVAILABLE and fast._fastxml.PACKS_PIECES) else \
        ["-DFASTXML_SQLITE=1", "-lsqlite3"]
    command = ["gcc", "-shared", "-fPIC", "-g", "-O1", "-fno-omit-frame-pointer",
               "-fsanitize=address", f"-I{include}", *SOURCES, "-o", str(out), *sqlite]
    built = subprocess.run(command, capture_output=True, text=True)
    assert built.returncode == 0, f"{' '.join(command)}\n{built.stderr}"
    env = dict(os.environ, LD_PRELOAD=preload, ASAN_OPTIONS="detect_leaks=0",
               PYTHONMALLOC="malloc", PYTHONPATH=str(ROOT))
    env.pop("DISCOGS_RECS_PURE_PYTHON", None)
    return {"module": str(out), "env": env}


def _fuzz(asan_build: dict, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tests.fastxml_fuzz", "--module", asan_build["module"],
         "--failures", str(tmp_path / "failures"), *args],
        env=asan_build["env"], cwd=ROOT, capture_output=True, text=True,
        timeout=SECONDS + 240)


def _tail(run: subprocess.CompletedProcess) -> str:
    return run.stdout[-3000:] + run.stderr[-6000:]


def test_mutated_real_records_under_address_sanitizer(asan_build: dict, tmp_path: Path):
    """No memory error, and for every mutated record the compiled parser agrees with
    lxml: the same values, or it leaves the document to lxml (Unsupported)."""
    run = _fuzz(asan_build, tmp_path, "--seconds", str(SECONDS))
    print(run.stdout)  # the counts, for pytest -rP
    assert run.returncode == 0, f"the fuzzer found a problem (saved under {tmp_path}):\n{_tail(run)}"
    assert "AddressSanitizer: active" in run.stdout, run.stdout
    summary = {outcome: int(count.replace(",", ""))
               for count, outcome in re.findall(r"^fuzz:\s+([\d,]+)  (.+)$", run.stdout, re.M)}
    # each way a document can end is reached, or the mutations have gone blind
    assert summary["accepted alike"] >= 200, run.stdout
    assert summary["left to lxml, which refuses it"] >= 200, run.stdout
    assert summary["left to lxml, which accepts it"] >= 1, run.stdout


# What the fuzzer found the compiled parser accepting where lxml refuses it, or reading
# otherwise (fixed in _fastxml/scan.c), as libFuzzer would save them
FOUND = {
    "repeated-attribute": b'<release id="1" id="2"><title>A</title></release>',
    "cdata-end-in-text": b'<release id="1"><title>A ]]> B</title></release>',
    "default-namespace": b'<release id="1"><title xmlns="u">A</title></release>',
}


def test_saved_inputs_replay(asan_build: dict, tmp_path: Path):
    saved = []
    for name, data in FOUND.items():
        saved.append(tmp_path / f"crash-{name}")
        saved[-1].write_bytes(data)
    run = _fuzz(asan_build, tmp_path, *map(str, saved))
    assert run.returncode == 0, _tail(run)
    assert _tail(run).count("Executed ") == len(FOUND), _tail(run)


def test_address_sanitizer_reports_in_that_environment(asan_build: dict):
    """The canary: a heap overflow in the fuzzer's environment is reported and fails."""
    overflow = ("import ctypes; libc = ctypes.CDLL(None); libc.malloc.restype = ctypes.c_void_p; "
                "ctypes.string_at(libc.malloc(8), 64)")
    run = subprocess.run([sys.executable, "-c", overflow], env=asan_build["env"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "heap-buffer-overflow" in run.stderr, run.stderr[-3000:]


class _AcceptsEverything:
    """A compiled parser that returns no records for any document."""
    Unsupported = type("Unsupported", (Exception,), {})
    PACKS_PIECES = False

    @staticmethod
    def parse(document, kind):
        return []


def test_the_oracle_fails_a_parser_that_accepts_what_lxml_refuses():
    from tests.fastxml_fuzz import ALIKE, LEFT_REFUSED, Disagreement, check

    for name, data in FOUND.items():
        document = b"<r>" + data + b"</r>"
        if name == "default-namespace":
            continue  # lxml accepts it (with other tags)
        with pytest.raises(Disagreement, match="lxml refuses"):
            check(document, "release", compiled=_AcceptsEverything)
        if fast.AVAILABLE:
            assert check(document, "release") == LEFT_REFUSED
    if fast.AVAILABLE:
        assert check(b"<r>" + FOUND["repeated-attribute"].replace(b' id="2"', b"") + b"</r>",
                     "release") == ALIKE
