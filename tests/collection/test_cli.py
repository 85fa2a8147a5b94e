"""`discogs-recs recommend` against the fake Discogs API and the real exports."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from collection.cli import format_table
from discogs_recs.cli import main
from tests.conftest import shared


@pytest.fixture
def env(fake_discogs, tmp_path, monkeypatch):
    values = {"DISCOGS_RECS_DISCOGS_API_URL": fake_discogs.base_url,
              "DISCOGS_RECS_COLLECTION_CACHE": str(tmp_path / "collections.sqlite"),
              "DISCOGS_RECS_EMBED_UNKNOWN": "0"}
    for name in ("DISCOGS_RECS_DISCOGS_TOKEN",):
        monkeypatch.delenv(name, raising=False)
    return values


def run(args, env):
    return CliRunner().invoke(main, ["--quiet", "recommend", *args], env=env, catch_exceptions=False)


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["recommend", "--help"])
    assert result.exit_code == 0
    assert "discogs-recs recommend --index data/index --user" in result.output
    assert "--export" in result.output and "DISCOGS_RECS_DISCOGS_TOKEN" in result.output


def test_user_prints_a_table(sample_index, env, fake_discogs):
    result = run(["--index", str(sample_index), "--user", "example", "--k", "5"], env)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["#", "title", "artist", "year", "because"]
    assert len(lines) == 6 and lines[1].lstrip().startswith("1 ")
    assert "example: 3 in the collection, 3 wanted (fetched" in result.stderr
    assert "4 records not in this index" in result.stderr
    again = run(["--index", str(sample_index), "--user", "example", "--k", "5"], env)
    assert "(cached" in again.stderr and again.stdout == result.stdout


def test_export_as_json(sample_index, env):
    export = shared("collection-exports/mouse-reeve_wantlist_export.csv")
    result = run(["--index", str(sample_index), "--export", str(export), "--k", "3", "--json"], env)
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["export"]["kind"] == "wantlist" and answer["export"]["rows"] == 29
    assert set(answer) >= {"recommendations", "artists", "unknown_ids", "index", "profile"}


def test_errors_are_one_line_and_exit_1(sample_index, env, tmp_path):
    result = run(["--index", str(sample_index), "--user", "nobody-at-all"], env)
    assert result.exit_code == 1 and result.stderr.startswith("error: Discogs has no user")
    bad = tmp_path / "notes.csv"
    bad.write_text("Artist,Title\nA,B\n")
    result = run(["--index", str(sample_index), "--export", str(bad)], env)
    assert result.exit_code == 1 and "no release_id column" in result.stderr
    result = run(["--index", str(tmp_path), "--user", "example"], env)
    assert result.exit_code == 1 and "no index is published" in result.stderr


def test_user_or_export_is_required(sample_index, env):
    result = run(["--index", str(sample_index)], env)
    assert result.exit_code == 2 and "either --user NAME or --export FILE.csv" in result.output


def test_table_fits_and_marks_cut_text():
    items = [{"title": "T" * 200, "artist": "A" * 80, "year": 1999,
              "because": [{"title": "Owned One"}, {"title": "Owned Two"}]}]
    table = format_table(items, width=100)
    assert all(len(line) <= 100 for line in table.splitlines())
    assert "\u2026" in table and "1999" in table
    assert format_table([]) == "no recommendations"


def test_the_cli_embeds_what_the_index_lacks_by_default(sample_index, env):
    env = {**env, "DISCOGS_RECS_EMBED_UNKNOWN": None}  # unset: the CLI default (on)
    result = run(["--index", str(sample_index), "--user", "example", "--k", "3"], env)
    assert result.exit_code == 0, result.output
    assert "embedded 4); 0 records not in this index" in result.stderr
    off = run(["--index", str(sample_index), "--user", "example", "--k", "3", "--no-embed"], env)
    assert "embedded 0); 4 records not in this index" in off.stderr
