"""`discogs-recs evaluate` end to end on a real index (the 2020 sample + popular masters,
embedded with the real model) and the real collection rows in ../shared/data/eval."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from discogs_recs.cli import main
from evaluation.collection_input import read_export_csv
from evaluation.profiles import resolve
from recommender.store import IndexStore
from tests.conftest import shared

METHOD_ROWS = ("random", "popularity", "genre-style", "same-artist", "same-label",
               "recommender", "max+style", "max", "rrf", "mean", "kmeans", "served (default)")
METRICS = ("hr@10", "hr@50", "recall@10", "recall@50", "ndcg@10", "ndcg@50", "mrr",
           "coverage@10", "coverage@50", "diversity@10", "diversity@50", "novelty@10",
           "novelty@50")


def run(*args: str):
    return CliRunner().invoke(main, ["--quiet", "evaluate", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def eval_exports() -> list:
    return ["--export", str(shared("eval/gustw_in_popular_masters.csv")),
            "--export", str(shared("eval/mouse-reeve_in_popular_masters.csv"))]


@pytest.fixture(scope="module")
def report(sample_index: Path, eval_exports) -> dict:
    result = run("--index", str(sample_index), *eval_exports, "--hybrid", "style=0.5", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_table_has_every_method_row_and_the_goal_line(sample_index: Path, eval_exports):
    result = run("--index", str(sample_index), *eval_exports)
    assert result.exit_code == 0, result.output
    out = result.stdout
    for section in ("k-fold hold-out: 10 test cases, 31 held-out albums",
                    "leave-latest-out", "collection gustw_in_popular_masters: 26 rows -> 26 albums"):
        assert section in out
    kfold = out.split("leave-latest-out")[0]
    lines = kfold.splitlines()
    for row in METHOD_ROWS:
        assert any(line.startswith(row + " ") for line in lines), row
    header = next(line for line in lines if line.startswith("method"))
    for column in ("HR@10", "HR@50", "Recall@50", "nDCG@50", "MRR", "Cov@50", "ILD@10", "Nov@10"):
        assert column in header
    assert "goal HR@50 >= 2x the best baseline" in kfold


def test_json_shape(report: dict):
    assert report["index"]["albums"] == 3040
    assert report["settings"] == {"folds": 5, "seed": 0, "protocols": ["kfold", "latest"]}
    assert report["cutoffs"] == [10, 50]
    assert [c["albums"] for c in report["collections"]] == [26, 5]
    kfold, latest = report["protocols"]
    assert (kfold["name"], kfold["test_cases"], kfold["held_out"]) == ("kfold", 10, 31)
    assert latest["name"] == "latest" and latest["test_cases"] == 2
    methods = {m["name"]: m for m in kfold["methods"]}
    assert set(methods) >= {"random", "popularity", "genre-style", "same-artist", "same-label",
                            "recommender", "max", "rrf", "mean", "kmeans", "served",
                            "hybrid:max+style=0.5"}
    for method in methods.values():
        assert method["available"] is True
        assert set(method["metrics"]) == set(METRICS)
        assert all(0.0 <= method["metrics"][m] <= 1.0 for m in METRICS if not m.startswith("novelty"))
        low, high = method["ci95"]["hr@50"]
        assert low <= method["metrics"]["hr@50"] <= high
        assert method["hits"]["held_out"] == 31
        assert set(method["by_collection"]) == {"gustw_in_popular_masters",
                                                "mouse-reeve_in_popular_masters"}
    assert [m["name"] for m in kfold["methods"] if m["default"]] == ["served"]
    assert methods["recommender"]["params"] == {}          # the learned blend: fitted weights
    assert methods["max+style"]["params"] == {"style": 0.5}
    assert methods["served"]["params"] == {"diversity": 0.2, "max_per_artist": 2}
    goal = kfold["goal"]
    assert goal["default_method"] == "served" and goal["metric"] == "hr@50"
    assert goal["best_baseline"] in ("random", "popularity", "genre-style", "same-artist", "same-label")
    assert isinstance(goal["met"], bool)


def test_the_style_row_is_the_engine_with_its_style_weight(report: dict):
    """`max+style` = max + style 0.5 = the hybrid row of the same weights, both through
    the engine's style_weight: the same figures for every held-out album."""
    kfold = report["protocols"][0]
    methods = {m["name"]: m for m in kfold["methods"]}
    assert methods["hybrid:max+style=0.5"]["metrics"] == methods["max+style"]["metrics"]
    assert methods["hybrid:max+style=0.5"]["macro"] == methods["max+style"]["macro"]


def test_default_recommender_beats_random(report: dict):
    for protocol in report["protocols"][:1]:
        methods = {m["name"]: m for m in protocol["methods"]}
        ours, chance = methods["recommender"], methods["random"]
        assert ours["metrics"]["hr@50"] > chance["metrics"]["hr@50"]
        assert ours["metrics"]["mrr"] > chance["metrics"]["mrr"]
        assert ours["hits"]["@50"] >= 8 > chance["hits"]["@50"]
        assert chance["vs_default"]["worse"] > chance["vs_default"]["better"]


def test_same_seed_same_figures_other_seed_other_folds(sample_index: Path, eval_exports):
    args = ["--index", str(sample_index), *eval_exports, "--protocol", "kfold",
            "--methods", "random,max", "--json"]
    first, again = run(*args), run(*args)
    assert first.stdout == again.stdout
    other = json.loads(run(*args, "--seed", "1").stdout)
    assert other["protocols"][0]["methods"] != json.loads(first.stdout)["protocols"][0]["methods"]


def test_id_lists_and_leave_one_out(sample_index: Path):
    # Pink Floyd, Dire Straits, The Doors: master ids of the popular-masters catalogue
    result = run("--index", str(sample_index), "--master-ids", "10362,11329,20649,23684,23798,45347,45432",
                 "--folds", "0", "--methods", "random,max,same-artist", "--json")
    assert result.exit_code == 0, result.output
    [kfold] = json.loads(result.stdout)["protocols"]  # no dates: no leave-latest-out
    assert kfold["test_cases"] == 7 and kfold["held_out"] == 7
    assert {m["name"] for m in kfold["methods"]} == {"random", "max", "same-artist"}


def test_release_ids_of_the_indexed_dump_map_to_albums(sample_index: Path):
    store = IndexStore.open(str(sample_index))
    releases = [r for (r,) in store.db().execute(
        "SELECT release_id FROM releases ORDER BY release_id LIMIT 6")]
    result = run("--index", str(sample_index), "--release-ids", ",".join(map(str, releases + [999999999])),
                 "--methods", "max", "--json")
    assert result.exit_code == 0, result.output
    [collection] = json.loads(result.stdout)["collections"]
    assert collection["unknown"]["release_ids"] == [999999999]
    assert collection["albums"] >= 2


def test_unknown_release_ids_on_a_masters_only_catalogue_are_reported(sample_index: Path, tmp_path):
    from index_builder.embedder import DEFAULT_BACKEND, DEFAULT_MODEL
    from index_builder.filters import Filters
    from index_builder.layout import Layout
    from index_builder.pipeline import run_build
    from tests.conftest import POPULAR_MASTERS

    shared("popular-masters/discogs_popular_masters.xml.gz")
    out = tmp_path / "masters-only"
    # Most album texts equal the sample index's: its embedding cache saves re-embedding.
    cache = os.environ.get("DISCOGS_RECS_TEST_CACHE") or str(sample_index / "cache")
    run_build(Layout(str(out), cache), None, str(POPULAR_MASTERS), Filters(),
              model=DEFAULT_MODEL, backend=DEFAULT_BACKEND, progress=False)
    store = IndexStore.open(str(out))
    given = read_export_csv(str(shared("collection-exports/mouse-reeve_collection_export.csv")))
    by_ids = resolve(store, given, match_titles=False)
    assert by_ids.album_ids == [] and by_ids.unknown_count == 68
    assert "masters dump only" in by_ids.unknown_reason
    result = run("--index", str(out), "--export",
                 str(shared("collection-exports/mouse-reeve_collection_export.csv")),
                 "--no-title-match")
    assert result.exit_code == 1
    assert "masters dump only" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: no collection has 2")


def test_errors_say_what_to_pass(sample_index: Path, tmp_path):
    result = run("--index", str(sample_index))
    assert result.exit_code == 1 and "error: say whose collection" in result.stderr
    result = run("--index", str(tmp_path), "--master-ids", "1,2")
    assert result.exit_code == 1 and "no index is published" in result.stderr
    result = run("--index", str(sample_index), "--master-ids", "1,x")
    assert result.exit_code == 1 and "is not a Discogs id" in result.stderr
    result = run("--index", str(sample_index), "--master-ids", "10362,11329", "--hybrid", "mood=1")
    assert result.exit_code == 1 and "--hybrid" in result.stderr
    result = run("--index", str(sample_index), "--master-ids", "10362,11329", "--methods", "magic")
    assert result.exit_code == 1 and "unknown method" in result.stderr


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["evaluate", "--help"])
    assert result.exit_code == 0
    assert "discogs-recs evaluate --index" in result.output


def test_user_collection_through_the_collection_package(sample_index: Path, monkeypatch):
    """--user fetches through collection's Discogs client (here a local fake API serving
    the real eval rows as collection items) and evaluates like an export."""
    import csv

    fake_module = pytest.importorskip("tests.collection.fake_discogs")
    shared("api/users/example/wants_per_page=50&page=1.json")
    fake = fake_module.FakeDiscogs(shared("api"), page_size=10).start()
    try:
        with open(shared("eval/gustw_in_popular_masters.csv"), newline="") as handle:
            rows = list(csv.DictReader(handle))
        fake.extra_users["evaluser"] = {"wants": [], "releases": [
            {"id": int(r["release_id"]), "date_added": r["date_added"].replace(" ", "T") + "-08:00",
             "basic_information": {"id": int(r["release_id"]), "master_id": int(r["master_id"]),
                                   "title": r["title"], "artists": [{"name": r["artist"], "id": None}]}}
            for r in rows]}
        monkeypatch.setenv("DISCOGS_RECS_COLLECTION_CACHE_TTL", "0")
        result = run("--index", str(sample_index), "--user", "evaluser", "--api-url", fake.base_url,
                     "--methods", "random,max", "--json")
    finally:
        fake.stop()
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    [collection] = answer["collections"]
    assert collection["name"] == "user:evaluser" and collection["albums"] == 26
    assert answer["protocols"][0]["name"] == "kfold"
    # The API's date_added reaches the Record, so leave-latest-out runs for --user too.
    assert collection["dated_albums"] == 26
    assert [p["name"] for p in answer["protocols"]] == ["kfold", "latest"]


def test_user_errors_come_back_as_one_line(sample_index: Path, monkeypatch):
    fake_module = pytest.importorskip("tests.collection.fake_discogs")
    shared("api/users/example/wants_per_page=50&page=1.json")
    fake = fake_module.FakeDiscogs(shared("api")).start()
    try:
        monkeypatch.setenv("DISCOGS_RECS_COLLECTION_CACHE_TTL", "0")
        result = run("--index", str(sample_index), "--user", "nobody-here", "--api-url", fake.base_url)
    finally:
        fake.stop()
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --user nobody-here:")
