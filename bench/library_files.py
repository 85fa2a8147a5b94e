"""Reading and matching a large listening history: time, peak memory, match rate.

    python -m bench.library_files                 # a 50 MB extended streaming history
    python -m bench.library_files --mb 10

A Spotify extended streaming history (the documented item shape) is generated from the
albums of a real catalogue (the 2020-08 sample releases plus the 2,072 popular masters,
ingested once under $DISCOGS_BENCH_DIR): 80% of the plays are of catalogue albums whose
titles are written the way streaming services write them ("(Remastered 2011)",
" - Deluxe Edition", "[Expanded Edition]", " - EP", artist with "feat. ...", upper case,
no diacritics), 20% of albums no catalogue holds; a tenth of the plays are skips under 30
seconds. Reading and matching run in a subprocess; reported: wall time of each, the
subprocess's peak RSS against its RSS before reading, and the match rate: decorated
catalogue albums matched to the album they came from or to another of exactly the same
artist and title (`same_name`, e.g. two self-titled albums; recall counts both), matched
to another album (wrong), not matched (missed), and unknown albums matched to anything
(false matches).
"""
from __future__ import annotations

import argparse
import json
import random
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Dict, List, Tuple

from bench.common import (BENCH_DIR, POPULAR_MASTERS, PYTHON, ROOT, SAMPLE_RELEASES, log,
                          machine_line, require, table, write_result)

DECORATIONS = ["", "", "", " (Remastered)", " (Remastered 2011)", " - Deluxe Edition",
               " [Expanded Edition]", " (Legacy Edition)", " (2009 Remaster)", " - EP",
               " (Super Deluxe)", " (25th Anniversary Edition)"]


def catalogue() -> Path:
    path = BENCH_DIR / "library-catalogue" / "catalog.sqlite"
    if not path.exists():
        from index_builder.filters import Filters
        from index_builder.ingest import ingest

        path.parent.mkdir(parents=True, exist_ok=True)
        ingest(str(path), str(require(SAMPLE_RELEASES)), str(require(POPULAR_MASTERS)), Filters(),
               progress=False)
    return path


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def generate(path: Path, target_bytes: int, seed: int = 7) -> Dict[Tuple[str, str], int]:
    """Write the history; return {(artist, album) written: album id, or -1 if unknown}."""
    rng = random.Random(seed)
    conn = sqlite3.connect(str(catalogue()))
    albums = [(a, t, n) for a, t, n in conn.execute(
        "SELECT album_id, title, artist_names FROM albums WHERE artist_names NOT LIKE 'Various%'")]
    truth: Dict[Tuple[str, str], int] = {}
    written: List[Tuple[str, str]] = []
    for album_id, title, artist in albums:
        name = title + rng.choice(DECORATIONS)
        name = name.upper() if rng.random() < 0.05 else name
        name = _plain(name) if rng.random() < 0.3 else name
        credit = artist + (" feat. " + rng.choice(["Guest", "MC Someone", "The Horns"])
                           if rng.random() < 0.05 else "")
        if (credit, name) not in truth:
            truth[(credit, name)] = album_id
            written.append((credit, name))
    for n in range(len(albums) // 4):
        key = (f"Unheard Artist {n}", f"Never Pressed Vol. {n}")
        truth[key] = -1
        written.append(key)
    known = [k for k in written if truth[k] >= 0]
    unknown = [k for k in written if truth[k] < 0]
    size = 0
    with path.open("w") as out:
        out.write("[\n")
        n = 0
        while size < target_bytes:
            artist, album = rng.choice(known) if rng.random() < 0.8 else rng.choice(unknown)
            item = {"ts": f"2022-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00Z",
                    "username": "listener", "platform": "Android OS 12", "ms_played":
                    rng.randint(1000, 29000) if rng.random() < 0.1 else rng.randint(30000, 400000),
                    "conn_country": "DE", "ip_addr_decrypted": None, "user_agent_decrypted": None,
                    "master_metadata_track_name": f"Track {rng.randint(1, 12)}",
                    "master_metadata_album_artist_name": artist,
                    "master_metadata_album_album_name": album,
                    "spotify_track_uri": f"spotify:track:{rng.getrandbits(80):022x}",
                    "episode_name": None, "episode_show_name": None, "spotify_episode_uri": None,
                    "reason_start": "trackdone", "reason_end": "trackdone", "shuffle": False,
                    "skipped": None, "offline": False, "offline_timestamp": 0,
                    "incognito_mode": False}
            text = ("" if n == 0 else ",\n") + json.dumps(item, ensure_ascii=False)
            out.write(text)
            size += len(text.encode())
            n += 1
        out.write("\n]\n")
    return truth


_CHILD = r"""
import json, resource, sqlite3, sys, time
from collection.library.reader import read_library
from collection.library.match import CatalogueMatcher, match_library
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
before = rss()
start = time.perf_counter()
with open(sys.argv[1], "rb") as handle:
    library = read_library(handle, "history.json")
read_s = time.perf_counter() - start
peak_read = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
start = time.perf_counter()
matched = match_library(CatalogueMatcher(sqlite3.connect(sys.argv[2])), library)
match_s = time.perf_counter() - start
print(json.dumps({"before": before, "peak_read": peak_read, "read_s": read_s, "match_s": match_s,
                  "rows": library.stats["rows"], "short": library.stats["short_streams"],
                  "albums": len(library.albums),
                  "matches": [[e.artist, e.album, m.candidate.album_id if m else None]
                              for e, m in matched.albums]}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of the history (MB)")
    args = parser.parse_args()
    path = BENCH_DIR / f"Streaming_History_Audio_{args.mb:g}MB.json"
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    log(f"writing {path}")
    truth = generate(path, int(args.mb * 1e6))
    size = path.stat().st_size
    log(f"{size / 1e6:.1f} MB; reading and matching in a subprocess")
    done = subprocess.run([PYTHON, "-c", _CHILD, str(path), str(catalogue())], cwd=str(ROOT),
                          capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    from collection.library.normalise import key

    conn = sqlite3.connect(str(catalogue()))
    names = {a: (key(t), key(n)) for a, t, n in conn.execute(
        "SELECT album_id, title, artist_names FROM albums")}
    right = same_name = wrong = missed = false = unknown = 0
    for artist, album, album_id in result["matches"]:
        expected = truth[(artist, album)]
        if expected < 0:
            unknown += 1
            false += album_id is not None
        elif album_id == expected:
            right += 1
        elif album_id is None:
            missed += 1
        elif names[album_id] == names[expected]:
            same_name += 1  # two albums of one name by one artist: nothing tells them apart
        else:
            wrong += 1
    known = right + same_name + wrong + missed
    figures = {
        "file_mb": round(size / 1e6, 1), "rows": result["rows"], "short_plays": result["short"],
        "distinct_albums": result["albums"], "read_s": round(result["read_s"], 2),
        "read_mb_per_s": round(size / 1e6 / result["read_s"], 1),
        "match_s": round(result["match_s"], 2),
        "rss_before_mib": round(result["before"] / 2**20, 1),
        "peak_rss_mib": round(result["peak_read"] / 2**20, 1),
        "known_albums": known, "recall": round((right + same_name) / known, 4) if known else None,
        "same_name": same_name, "wrong": wrong, "missed": missed, "unknown_albums": unknown, "false_matches": false,
    }
    print(machine_line())
    print(table(list(figures), [list(figures.values())]))
    print(f"results: {write_result('library_files', figures)}")


if __name__ == "__main__":
    main()
