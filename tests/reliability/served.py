"""`discogs-recs serve` as users start it (gunicorn, server/gunicorn_conf.py), as a child
process on 127.0.0.1, and what the tests need from it: its workers, its log, a publish of
a new build with `discogs-recs build`, signals."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional, Set

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """The environment of a `discogs-recs` command run from this checkout."""
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{path}" if path else str(ROOT),
            **(extra or {})}


def publish_build(index_dir: Path, cache: Path) -> float:
    """Publish a new build into `index_dir` the way users do (`discogs-recs build --out`);
    the demo catalogue again, so the embeddings come from `cache` in a second or two."""
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "discogs_recs", "build", "--demo", "--out",
                    str(index_dir), "--cache", str(cache)], cwd=ROOT, env=cli_env(),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300)
    return time.monotonic() - started


def build_id(index_dir: Path) -> str:
    return json.loads((index_dir / "manifest.json").read_text())["build_id"]


class Served:
    """One `discogs-recs serve --index DIR --workers N` process (the gunicorn master)."""

    def __init__(self, index_dir: Path, log_path: Path, workers: int, threads: int,
                 env: Optional[Dict[str, str]] = None):
        self.index_dir, self.log_path = index_dir, log_path
        self.workers, self.threads = workers, threads
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._env = cli_env({"DISCOGS_RECS_THREADS": str(threads), **(env or {})})
        self.proc: Optional[subprocess.Popen] = None

    @property
    def nominal_concurrency(self) -> int:
        """Requests the workers answer at once: processes x threads."""
        return self.workers * self.threads

    def start(self, ready_within: float = 90.0) -> "Served":
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "discogs_recs", "serve", "--index", str(self.index_dir),
             "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)],
            cwd=ROOT, env=self._env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + ready_within
        while len(self.worker_pids()) < self.workers or not self._healthy():
            assert self.proc.poll() is None, f"serve exited: {self.log_tail()}"
            assert time.monotonic() < deadline, f"serve not ready: {self.log_tail()}"
            time.sleep(0.2)
        return self

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.base_url + "/healthz", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    def get_json(self, path: str) -> dict:
        with urllib.request.urlopen(self.base_url + path, timeout=30) as response:
            return json.loads(response.read())

    def worker_pids(self) -> Set[int]:
        """The master's live children: gunicorn's workers."""
        assert self.proc is not None
        return children_of(self.proc.pid)

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, sig)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def children_of(pid: int) -> Set[int]:
    """Live (not zombie) child processes of `pid`, from /proc."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry))
    return found


def open_connections(pid: int, port: int) -> int:
    """Established TCP connections to `port` that process `pid` holds: the requests it was
    answering, queued for a thread, or kept alive for the next one."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "01" and fields[9] in inodes:
                count += 1
    return count


def cpu_ticks(pid: int) -> int:
    """utime + stime of a process, in clock ticks (grows while it answers requests)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def wait_for(predicate, within: float, every: float = 0.05) -> float:
    """Seconds until `predicate()` held; AssertionError after `within`."""
    started = time.monotonic()
    while not predicate():
        assert time.monotonic() - started < within, f"not within {within} s"
        time.sleep(every)
    return time.monotonic() - started


def answering_builds(served: Served, path: str = "/api/v1/index", tries: int = 20) -> List[str]:
    return [served.get_json(path)["build_id"] for _ in range(tries)]
