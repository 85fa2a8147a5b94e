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
from typing import List

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


def _build(sources: List[Path], out_dir: Path) -> str:
    """The extension built from `sources` as setup.py builds it, plus AddressSanitizer
    and the frames its reports need; returns the module's path."""
    out = out_dir / ("_fastxml" + sysconfig.get_config_var("EXT_SUFFIX"))
    places = [sysconfig.get_config_var("INCLUDEDIR"), "/usr/include", "/usr/local/include"]
    with_sqlite = any(place and os.path.exists(os.path.join(place, "sqlite3.h")) for place in places)
    command = ["gcc", "-shared", "-fPIC", "-g", "-O1", "-fno-omit-frame-pointer",
               "-fsanitize=address", f"-I{sysconfig.get_paths()['include']}", *map(str, sources),
               "-o", str(out)] + (["-DFASTXML_SQLITE=1", "-lsqlite3"] if with_sqlite else [])
    built = subprocess.run(command, capture_output=True, text=True)
    assert built.returncode == 0, f"{' '.join(command)}\n{built.stderr}"
    return str(out)


@pytest.fixture(scope="module")
def asan_build(tmp_path_factory) -> dict:
    """The AddressSanitizer build, in a folder of its own, and the environment to run it in."""
    pytest.importorskip("atheris", reason="atheris is not installed (pip install -e '.[dev]')")
    preload = _preload()
    if not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")):
        pytest.skip("Python's headers are missing (apt install python3-dev)")
    module = _build(SOURCES, tmp_path_factory.mktemp("asan"))
    env = dict(os.environ, LD_PRELOAD=preload, ASAN_OPTIONS="detect_leaks=0",
               PYTHONMALLOC="malloc", PYTHONPATH=str(ROOT))
    env.pop("DISCOGS_RECS_PURE_PYTHON", None)
    return {"module": module, "env": env}


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


def test_a_planted_overflow_is_caught(asan_build: dict, tmp_path: Path):
    """The harness can fail: the same sources with one node written past the scanner's
    array (an off-by-one in new_node) are stopped by ASan's report within seconds."""
    planted = tmp_path / "planted"
    planted.mkdir()
    for source in SOURCES + glob(str(ROOT / "index_builder/_fastxml/*.h")):
        shutil.copy(source, planted)
    scan = planted / "scan.c"
    correct = "if (ps->n_nodes == ps->cap_nodes) {"
    assert correct in scan.read_text(), "new_node changed: plant the bug elsewhere"
    scan.write_text(scan.read_text().replace(correct, "if (ps->n_nodes > ps->cap_nodes) {"))
    module = _build(sorted(planted.glob("*.c")), planted)
    run = _fuzz(dict(asan_build, module=module), tmp_path, "--seconds", str(SECONDS))
    assert run.returncode != 0, _tail(run)
    assert "ERROR: AddressSanitizer: heap-buffer-overflow" in run.stderr, _tail(run)
    assert "in parse_element" in run.stderr and list((tmp_path / "failures").glob("crash-*"))


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
