"""POST /api/v1/recommendations/from-library end to end, on the real sample index."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from server import create_app

from .conftest import library_file
from .test_readers import spotify_zip

URL = "/api/v1/recommendations/from-library"
FORMATS = {"YourLibrary.json": "spotify_library",
           "StreamingHistory_music_0.json": "spotify_streaming_history",
           "Streaming_History_Audio_2021.json": "spotify_extended_history",
           "Apple Music Library Tracks.json": "apple_music_library_tracks",
           "Library.xml": "itunes_library_xml", "scrobbles.csv": "lastfm_scrobbles_csv"}


@pytest.fixture(scope="module")
def app(sample_index: Path):
    return create_app({"TESTING": True, "INDEX_DIR": str(sample_index), "RELOAD_CHECK_SECONDS": 0})


@pytest.fixture
def client(app):
    return app.test_client()


def assert_error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.json["error"]
    assert set(error) == {"status", "code", "message"}
    assert error["status"] == status and error["code"] == code and error["message"]
    return error["message"]


def post_file(client, name: str, query: str = "", data: bytes = None):
    body = library_file(name).read_bytes() if data is None else data
    return client.post(URL + query, data={"file": (io.BytesIO(body), name)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_as_a_multipart_file(client, name):
    response = post_file(client, name, "?k=5")
    assert response.status_code == 200, response.get_data(as_text=True)
    answer = response.json
    library = answer["library"]
    assert library["format"] == FORMATS[name]
    assert library["matched"] > 0 and len(answer["recommendations"]) == 5
    assert {"albums_read", "matched", "unmatched"} <= set(library)
    assert answer["profile"]["albums"] == library["matched"]
    # never recommend what was listened to
    matched_titles = {b["title"] for item in answer["recommendations"] for b in item["because"]}
    assert {b["source"] for item in answer["recommendations"] for b in item["because"]} == {"library"}
    assert matched_titles and not matched_titles & {i["title"] for i in answer["recommendations"]}


def test_the_file_as_the_body(client):
    body = library_file("Streaming_History_Audio_2021.json").read_bytes()
    answer = client.post(URL + "?k=7", data=body, content_type="application/json").json
    library = answer["library"]
    assert library["format"] == "spotify_extended_history"
    assert (library["albums_read"], library["matched"], library["plays"]) == (9, 8, 11)
    assert library["unmatched"] == [{"artist": "Phoebe Bridgers", "album": "Stranger in the Alps",
                                     "plays": 1, "saved": False}]
    assert library["short_plays"] == 1 and library["not_music"] == 1
    assert library["match_rate"] == round(8 / 9, 4)
    assert len(answer["recommendations"]) == 7 and answer["unknown_ids"] == []


def test_the_whole_spotify_zip(client):
    response = client.post(URL, data=spotify_zip(), content_type="application/zip")
    library = response.json["library"]
    assert library["format"] == "zip"
    assert {f["format"] for f in library["files"]} == {"spotify_library", "spotify_streaming_history",
                                                       "spotify_extended_history"}
    assert library["matched"] == 9 + 8 - 3   # OK Computer, Kind Of Blue, The Dark Side Of The Moon in both


def test_plays_weight_the_profile(client):
    """The most played album of a history is the one most recommendations are because of."""
    rows = ["Burial,Untrue,Archangel,16 Mar 2022 01:00"] * 40 + [
        "Frank Sinatra,Come Fly With Me,Come Fly With Me,16 Mar 2022 01:00"]
    answer = client.post(URL + "?k=10&diversity=0", data="\n".join(rows).encode(),
                         content_type="text/csv").json
    first_reasons = [item["because"][0]["title"] for item in answer["recommendations"]]
    assert first_reasons.count("Untrue") > first_reasons.count("Come Fly With Me")


def test_the_same_options_as_from_export(client):
    answer = post_file(client, "scrobbles.csv", "?k=4&genres=Electronic&year_from=1990&year_to=2005").json
    assert len(answer["recommendations"]) == 4
    for item in answer["recommendations"]:
        assert "Electronic" in item["genres"] and 1990 <= item["year"] <= 2005


@pytest.mark.parametrize("query, field", [("k=0", "k"), ("strategy=best", "strategy"),
                                          ("diversity=2", "diversity")])
def test_bad_options_are_400_naming_the_field(client, query, field):
    message = assert_error(post_file(client, "scrobbles.csv", "?" + query), 400, "invalid_field")
    assert message.startswith(field)


def test_a_broken_file_is_400_naming_the_line(client):
    body = library_file("StreamingHistory_music_0.json").read_bytes()[:300]
    message = assert_error(client.post(URL, data=body, content_type="application/json"),
                           400, "invalid_library")
    assert "is not valid JSON (line " in message


def test_a_file_without_usable_rows_is_400_naming_the_key(client):
    body = json.dumps([{"endTime": "2023-01-01 10:00", "artistName": "Burial", "trackName": "Archangel"}])
    message = assert_error(post_file(client, "StreamingHistory_music_0.json", data=body.encode()),
                           400, "invalid_library")
    assert "StreamingHistory_music_0.json" in message and "item 1: 'msPlayed'" in message


def test_an_unknown_file_is_400(client):
    message = assert_error(post_file(client, "notes.txt", data=b"hello"), 400, "invalid_library")
    assert "notes.txt is not a library file this reads" in message


def test_an_empty_body_and_an_empty_form_are_400(client):
    assert_error(client.post(URL, data=b"", content_type="application/json"), 400, "invalid_library")
    assert_error(client.post(URL, data={"other": "x"}, content_type="multipart/form-data"),
                 400, "invalid_library")


def test_nothing_matched_is_an_empty_answer_not_an_error(client):
    answer = client.post(URL, data=b"Nobody,No Album,No Track,1 Jan 2022\n", content_type="text/csv").json
    assert answer["recommendations"] == [] and answer["library"]["matched"] == 0
    assert answer["library"]["unmatched"] == [{"artist": "Nobody", "album": "No Album", "plays": 1,
                                               "saved": False}]


def test_a_file_over_the_limit_is_413(sample_index):
    app = create_app({"TESTING": True, "INDEX_DIR": str(sample_index), "RELOAD_CHECK_SECONDS": 0,
                      "MAX_LIBRARY_BYTES": 1000})
    body = library_file("Streaming_History_Audio_2021.json").read_bytes()
    message = assert_error(app.test_client().post(URL, data=body, content_type="application/json"),
                           413, "payload_too_large")
    assert "1,000 bytes" in message and "file" in message


def test_uploads_leave_no_file_behind(client, tmp_path, monkeypatch):
    """The body is spooled to an unlinked temporary file at most: nothing is left in TMPDIR."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    from server import collection_api

    monkeypatch.setattr(collection_api, "SPOOL_IN_MEMORY", 1000)  # force the spool to disk
    body = library_file("Streaming_History_Audio_2021.json").read_bytes()
    assert client.post(URL, data=body, content_type="application/json").status_code == 200
    assert post_file(client, "Library.xml").status_code == 200
    assert list(tmp_path.iterdir()) == []


def test_the_endpoint_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/recommendations/from-library"]["post"]
    assert operation["operationId"] == "libraryRecommendations"
    assert {p["name"] for p in operation["parameters"]} >= {"k", "strategy", "genres", "year_from"}
    assert "LibrarySummary" in spec["components"]["schemas"]
