"""Many collectors in one run: the benchmark folder layout (users/*.json), folders of
exports, per-collector rows and their macro mean, new-artist HR, the wanted task."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from discogs_recs.cli import main
from evaluation.collection_input import CollectionInputError
from evaluation.collectors import read_collectors, read_user_json
from recommender.store import IndexStore
from tests.conftest import shared

EXPORTS = ("eval/gustw_in_popular_masters.csv", "eval/mouse-reeve_in_popular_masters.csv")


def run(*args: str):
    return CliRunner().invoke(main, ["--quiet", "evaluate", *args], catch_exceptions=False)


def user_file(folder: Path, name: str, owned, wanted=()) -> Path:
    path = folder / f"{name}.json"
    path.write_text(json.dumps({"user": name, "owned": list(owned), "wanted": list(wanted),
                                "not_in_catalogue": []}))
    return path


def test_user_json_entries_become_rows(tmp_path):
    path = user_file(tmp_path, "ann", [
        {"release_id": 1, "master_id": 10, "date_added": "2015-02-13T20:11:47-08:00", "rating": 0},
        {"release_id": None, "master_id": 11, "date_added": None, "rating": None}],
        wanted=[{"release_id": 5, "master_id": None}])
    given = read_user_json(str(path))
    assert given.name == "ann"
    assert [(r.release_id, r.master_id) for r in given.rows] == [(1, 10), (None, 11)]
    assert given.rows[0].date_added.year == 2015 and given.rows[1].date_added is None
    assert [(r.release_id, r.master_id) for r in given.wanted] == [(5, None)]


def test_bad_benchmark_folders_say_what_to_pass(tmp_path):
    with pytest.raises(CollectionInputError, match="not a folder"):
        read_collectors(str(tmp_path / "missing"))
    with pytest.raises(CollectionInputError, match="no users"):
        read_collectors(str(tmp_path))
    (tmp_path / "users").mkdir()
    (tmp_path / "users" / "x.json").write_text("[1, 2]")
    with pytest.raises(CollectionInputError, match="expected"):
        read_collectors(str(tmp_path))
    user_file(tmp_path / "users", "x", [{"release_id": "7", "master_id": None}])
    with pytest.raises(CollectionInputError, match="not a Discogs id"):
        read_collectors(str(tmp_path))


@pytest.fixture(scope="module")
def bench_folder(tmp_path_factory, sample_index: Path) -> Path:
    """The two dev-set collections as users/*.json; gustw also wants 6 albums it lacks."""
    folder = tmp_path_factory.mktemp("collectors")
    (folder / "users").mkdir()
    store = IndexStore.open(str(sample_index))
    owned_masters = set()
    for relative in EXPORTS:
        with open(shared(relative), newline="") as handle:
            rows = list(csv.DictReader(handle))
        owned_masters.update(int(r["master_id"]) for r in rows if r["master_id"])
        entries = [{"release_id": int(r["release_id"]), "master_id": int(r["master_id"] or 0) or None,
                    "date_added": r["date_added"].replace(" ", "T"), "rating": 0} for r in rows]
        name = Path(relative).stem.split("_")[0]
        wanted = []
        if name == "gustw":
            spare = [m for m, in store.db().execute(
                "SELECT master_id FROM albums WHERE master_id IS NOT NULL ORDER BY album_id")
                if m not in owned_masters][:6]
            wanted = [{"release_id": None, "master_id": m} for m in spare]
        user_file(folder / "users", name, entries, wanted)
    return folder


@pytest.fixture(scope="module")
def report(sample_index: Path, bench_folder: Path) -> dict:
    result = run("--index", str(sample_index), "--collectors", str(bench_folder), "--json",
                 "--methods", "random,popularity,genre-style,same-artist,recommender,served")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_every_collector_has_its_rows_and_the_macro_is_their_mean(report: dict):
    assert [c["name"] for c in report["collections"]] == ["gustw", "mouse-reeve"]
    kfold = next(p for p in report["protocols"] if p["name"] == "kfold")
    for method in kfold["methods"]:
        rows = method["collectors"]
        assert set(rows) == {"gustw", "mouse-reeve"}
        for row in rows.values():
            assert row["hr@50"] == pytest.approx(row["hits@50"] / row["held_out"])
            assert row["hr@10"] <= row["hr@50"]
            assert 0 <= row["new_artist_held_out"] <= row["held_out"]
            if row["new_artist_held_out"]:
                assert row["new_artist_hits@50"] <= row["hits@50"]
        for metric in ("hr@10", "hr@50"):
            assert method["macro"][metric] == pytest.approx(np.mean([r[metric] for r in rows.values()]))
        assert sum(r["held_out"] for r in rows.values()) == kfold["held_out"]
    methods = {m["name"]: m for m in kfold["methods"]}
    assert [n for n, m in methods.items() if m["default"]] == ["served"]
    # Same-artist finds no album by a new artist: by definition it can only score owned artists.
    assert methods["same-artist"]["macro"]["new_artist_hr@50"] in (0.0, None)
    assert methods["served"]["macro"]["hr@50"] > methods["random"]["macro"]["hr@50"]
    checks = {c["metric"]: c for c in kfold["checks"]}
    assert set(checks) == {"hr@50", "hr@10", "new_artist_hr@50"}
    assert checks["new_artist_hr@50"]["best_baseline"] == "genre-style"
    assert all(c["default_method"] == "served" for c in checks.values())


def test_the_wanted_task_holds_out_the_wantlist(report: dict):
    wanted = next(p for p in report["protocols"] if p["name"] == "wanted")
    assert (wanted["test_cases"], wanted["held_out"]) == (1, 6)  # gustw only: its wantlist
    served = next(m for m in wanted["methods"] if m["name"] == "served")
    assert set(served["collectors"]) == {"gustw"}


def test_the_table_has_per_collector_rows(sample_index: Path, bench_folder: Path):
    result = run("--index", str(sample_index), "--collectors", str(bench_folder),
                 "--protocol", "kfold", "--methods", "genre-style,same-artist,served")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "per collector: HR@k = held-out albums in the top k" in out
    assert "goal macro new-artist HR@50 >= 2x genre-style" in out
    lines = out.splitlines()
    served = next(i for i, line in enumerate(lines) if line.startswith("served (default)  macro (2)"))
    assert lines[served + 1].split()[0] == "gustw" and lines[served + 2].split()[0] == "mouse-reeve"


def test_a_folder_of_exports_is_one_collector_per_file(sample_index: Path, tmp_path):
    for relative in EXPORTS:
        shutil.copy(shared(relative), tmp_path)
    result = run("--index", str(sample_index), "--export", str(tmp_path), "--protocol", "kfold",
                 "--methods", "random", "--json")
    assert result.exit_code == 0, result.output
    names = [c["name"] for c in json.loads(result.stdout)["collections"]]
    assert names == ["gustw_in_popular_masters", "mouse-reeve_in_popular_masters"]
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("--index", str(sample_index), "--export", str(empty))
    assert result.exit_code == 1 and "no .csv exports" in result.stderr
