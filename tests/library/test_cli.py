"""`discogs-recs recommend --library FILE` on the real sample index."""
from __future__ import annotations

import json

from click.testing import CliRunner

from discogs_recs.cli import main

from .conftest import library_file

ENV = {"DISCOGS_RECS_EMBED_UNKNOWN": "0"}


def run(*args):
    return CliRunner().invoke(main, ["--quiet", "recommend", *args], env=ENV, catch_exceptions=False)


def test_help_names_the_library_option_with_an_example():
    result = CliRunner().invoke(main, ["recommend", "--help"])
    assert result.exit_code == 0
    assert "--library FILE" in result.output
    assert "discogs-recs recommend --index data/index --library" in result.output


def test_a_library_file_prints_a_table_and_what_was_matched(sample_index):
    result = run("--index", str(sample_index), "--library", str(library_file("scrobbles.csv")), "--k", "5")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["#", "title", "artist", "year", "because"] and len(lines) == 6
    assert ("lastfm_scrobbles_csv: 12 albums and 1 album-less tracks read (15 plays); "
            "11 albums of this index matched (85% of what was read)") in result.stderr
    assert "not in this index (2), most played first: Phoebe Bridgers - Punisher; " \
           "Sufjan Stevens - Carrie & Lowell" in result.stderr


def test_json_answer(sample_index):
    result = run("--index", str(sample_index), "--library", str(library_file("Library.xml")),
                 "--k", "3", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["library"]["format"] == "itunes_library_xml" and answer["library"]["matched"] == 5
    assert len(answer["recommendations"]) == 3


def test_a_broken_file_is_one_line_and_exit_1(sample_index, tmp_path):
    broken = tmp_path / "YourLibrary.json"
    broken.write_bytes(library_file("YourLibrary.json").read_bytes()[:500])
    result = run("--index", str(sample_index), "--library", str(broken))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: YourLibrary.json is not valid JSON (line ")


def test_one_source_at_a_time(sample_index):
    result = CliRunner().invoke(main, ["recommend", "--index", str(sample_index), "--user", "x",
                                       "--library", str(library_file("scrobbles.csv"))])
    assert result.exit_code == 2 and "either --user NAME or --export FILE.csv, or --library FILE" in result.output
