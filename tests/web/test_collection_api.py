"""GET /api/v1/users/<name>/recommendations and POST /api/v1/recommendations/from-export."""
from __future__ import annotations

import io
import logging
import zipfile

import pytest

from tests.conftest import shared

from .conftest import make_app

USER_URL = "/api/v1/users/{}/recommendations"
EXPORT_URL = "/api/v1/recommendations/from-export"
TOKEN = "tok-8d1e2f3a4b5c6d7e8f90"
ITEM_KEYS = {"album_id", "master_id", "release_id", "title", "artists", "artist", "year", "genres",
             "styles", "formats", "label", "country", "url", "score", "because", "listen"}


def assert_error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.json["error"]
    assert error["status"] == status and error["code"] == code and error["message"]
    return error["message"]


# -- from a username ----------------------------------------------------------------------

def test_user_recommendations_have_the_recommendations_shape(client, fake_discogs):
    response = client.get(USER_URL.format("example") + "?k=7")
    assert response.status_code == 200
    answer = response.json
    assert len(answer["recommendations"]) == 7
    assert all(set(item) == ITEM_KEYS for item in answer["recommendations"])
    assert answer["unknown_ids"] == [457553, 656052, 1867708, 1675174]
    assert answer["index"]["albums"] > 0 and isinstance(answer["artists"], list)
    collection = answer["collection"]
    assert (collection["username"], collection["releases"], collection["wantlist"]) == ("example", 3, 3)
    assert collection["from_cache"] is False and collection["fetched_at"]
    paths = {r["path"] for r in fake_discogs.requests}
    assert paths == {"/users/example/collection/folders/0/releases", "/users/example/wants"}


def test_a_second_call_is_answered_from_the_cache(client, fake_discogs):
    client.get(USER_URL.format("example"))
    fetched = len(fake_discogs.requests)
    again = client.get(USER_URL.format("example")).json
    assert again["collection"]["from_cache"] is True and len(fake_discogs.requests) == fetched
    refreshed = client.get(USER_URL.format("example") + "?refresh=1").json
    assert refreshed["collection"]["from_cache"] is False and len(fake_discogs.requests) == 2 * fetched


def test_one_429_from_discogs_is_absorbed(client, fake_discogs):
    fake_discogs.fail_once_with_429.add("/users/example/wants")
    assert client.get(USER_URL.format("example")).status_code == 200


def test_filters_and_options_from_the_query(client):
    answer = client.get(USER_URL.format("example") + "?k=5&genres=Electronic&year_from=1990"
                        "&year_to=1999&strategy=mean&diversity=0").json
    assert answer["recommendations"]
    for item in answer["recommendations"]:
        assert "Electronic" in item["genres"] and 1990 <= item["year"] <= 1999


@pytest.mark.parametrize("query, field", [("k=0", "k"), ("k=abc", "k"), ("strategy=best", "strategy"),
                                          ("diversity=2", "diversity"), ("year_from=10000", "year_from")])
def test_bad_options_are_400_naming_the_field(client, query, field):
    message = assert_error(client.get(USER_URL.format("example") + "?" + query), 400, "invalid_field")
    assert message.startswith(field)


@pytest.mark.parametrize("username, status, code", [
    ("nobody-here", 404, "user_not_found"),
    ("private-person", 403, "collection_private"),
    ("broken-server", 502, "discogs_unavailable"),
    ("garbage-answer", 502, "discogs_unavailable"),
    ("bad%20name", 400, "invalid_username"),
])
def test_discogs_failures_are_clear_errors(client, username, status, code):
    assert_error(client.get(USER_URL.format(username)), status, code)


def test_a_slow_discogs_is_504(sample_index, fake_discogs, tmp_path):
    fake_discogs.slow_seconds = 1.5
    app = make_app(sample_index, fake_discogs.base_url, tmp_path / "c.sqlite", DISCOGS_TIMEOUT=0.3)
    assert_error(app.test_client().get(USER_URL.format("slow-person")), 504, "discogs_timeout")


def test_an_unreachable_discogs_is_502(sample_index, tmp_path):
    app = make_app(sample_index, "http://127.0.0.1:9", tmp_path / "c.sqlite")
    message = assert_error(app.test_client().get(USER_URL.format("example")), 502, "discogs_unavailable")
    assert "cannot reach" in message


def test_rate_limited_is_429_with_retry_after(sample_index, fake_discogs, tmp_path):
    fake_discogs.rate_limit = 1  # every answer says none remain: pacing needs 60 s
    app = make_app(sample_index, fake_discogs.base_url, tmp_path / "c.sqlite", DISCOGS_DEADLINE=5.0)
    response = app.test_client().get(USER_URL.format("example"))
    assert_error(response, 429, "discogs_rate_limited")
    assert int(response.headers["Retry-After"]) >= 1


def test_a_private_wantlist_still_recommends(client):
    answer = client.get(USER_URL.format("privatewants-person")).json
    assert answer["collection"]["wantlist_private"] is True and answer["collection"]["wantlist"] == 0


def test_the_token_header_is_used_and_never_logged_stored_or_echoed(
        sample_index, fake_discogs, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    cache = tmp_path / "cache" / "collections.sqlite"
    app = make_app(sample_index, fake_discogs.base_url, cache)
    response = app.test_client().get(USER_URL.format("example"), headers={"X-Discogs-Token": TOKEN})
    assert response.status_code == 200
    assert {r["headers"].get("authorization") for r in fake_discogs.requests} == {f"Discogs token={TOKEN}"}
    assert TOKEN not in response.get_data(as_text=True)
    assert TOKEN not in caplog.text
    for file in cache.parent.iterdir():
        assert TOKEN.encode() not in file.read_bytes()


def test_the_server_token_setting_is_used_when_the_caller_sends_none(sample_index, fake_discogs, tmp_path):
    app = make_app(sample_index, fake_discogs.base_url, tmp_path / "c.sqlite", DISCOGS_TOKEN="server-tok")
    assert app.test_client().get(USER_URL.format("example")).status_code == 200
    assert fake_discogs.requests[0]["headers"]["authorization"] == "Discogs token=server-tok"


def test_a_token_in_the_url_is_refused(client, fake_discogs):
    message = assert_error(client.get(USER_URL.format("example") + "?token=abc"), 400, "token_in_url")
    assert "X-Discogs-Token" in message and fake_discogs.requests == []


# -- from an export ----------------------------------------------------------------------------

def export_bytes(name: str = "gustw_collection_export.csv") -> bytes:
    return shared(f"collection-exports/{name}").read_bytes()


def test_export_as_the_body(client):
    response = client.post(EXPORT_URL + "?k=10", data=export_bytes(), content_type="text/csv")
    assert response.status_code == 200
    answer = response.json
    assert len(answer["recommendations"]) == 10
    assert answer["export"] == {"kind": "collection", "rows": 316, "used": 316, "malformed": 0,
                                "malformed_rows": [], "encoding": "utf-8"}
    assert answer["profile"]["matched"]["artist_title"] >= 20
    assert all(set(item) == ITEM_KEYS for item in answer["recommendations"])


def test_export_as_a_multipart_file(client):
    data = {"file": (io.BytesIO(export_bytes("mouse-reeve_wantlist_export.csv")), "wants.csv")}
    response = client.post(EXPORT_URL, data=data, content_type="multipart/form-data")
    assert response.status_code == 200 and response.json["export"]["kind"] == "wantlist"


def test_export_zipped(client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("export.csv", export_bytes())
    response = client.post(EXPORT_URL, data=buffer.getvalue(), content_type="application/zip")
    assert response.status_code == 200 and response.json["export"]["rows"] == 316


def test_malformed_rows_and_encoding_are_reported(client):
    text = export_bytes("mouse-reeve_collection_export.csv").decode("utf-8")
    lines = text.splitlines(keepends=True)
    lines.insert(3, "X,Y,Z,L,LP,,2000,not-a-number,Uncategorized,,,,,\n")
    data = "".join(lines).encode("cp1252", errors="replace")
    answer = client.post(EXPORT_URL, data=data, content_type="text/csv").json
    export = answer["export"]
    assert export["rows"] == 69 and export["used"] == 68 and export["encoding"] == "windows-1252"
    skipped = [row for row in export["malformed_rows"] if row["skipped"]]
    assert skipped == [{"line": 4, "reason": "release_id 'not-a-number' is not a release number",
                        "skipped": True}]


@pytest.mark.parametrize("data, content_type, words", [
    (b"", "text/csv", "empty"),
    (b"Artist,Title\nA,B\n", "text/csv", "no release_id column"),
    (b"release_id\nabc\n", "text/csv", "no usable row"),
])
def test_invalid_exports_are_400(client, data, content_type, words):
    message = assert_error(client.post(EXPORT_URL, data=data, content_type=content_type), 400,
                           "invalid_export")
    assert words in message


def test_a_form_without_a_file_is_400(client):
    response = client.post(EXPORT_URL, data={"name": "x"}, content_type="multipart/form-data")
    assert_error(response, 400, "invalid_export")


def test_an_export_larger_than_the_limit_is_413(sample_index, fake_discogs, tmp_path):
    app = make_app(sample_index, fake_discogs.base_url, tmp_path / "c.sqlite", MAX_EXPORT_BYTES=1000)
    message = assert_error(app.test_client().post(EXPORT_URL, data=export_bytes(),
                                                  content_type="text/csv"), 413, "payload_too_large")
    assert "export" in message


def test_an_export_may_exceed_the_json_body_limit(sample_index, fake_discogs, tmp_path):
    app = make_app(sample_index, fake_discogs.base_url, tmp_path / "c.sqlite", MAX_CONTENT_LENGTH=1000)
    response = app.test_client().post(EXPORT_URL, data=export_bytes(), content_type="text/csv")
    assert response.status_code == 200


def test_kind_must_be_known(client):
    assert_error(client.post(EXPORT_URL + "?kind=inventory", data=export_bytes(),
                             content_type="text/csv"), 400, "invalid_field")


def test_embedding_can_be_turned_on_for_the_server(sample_index, fake_discogs, tmp_path):
    app = make_app(sample_index, fake_discogs.base_url, tmp_path / "c.sqlite", EMBED_UNKNOWN=True)
    answer = app.test_client().get(USER_URL.format("example")).json
    assert answer["profile"]["embedding"] == "on" and answer["unknown_ids"] == []
