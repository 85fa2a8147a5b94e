"""Neighbours, metadata, search, index, health and CORS through the factory."""
from __future__ import annotations


def test_release_neighbours(client, facts):
    release_id = facts["electronic_releases"][0]
    data = client.get(f"/api/v1/releases/{release_id}/neighbours?k=7").json
    assert set(data) == {"neighbours", "query", "index"}
    assert len(data["neighbours"]) == 7
    query_album = data["query"]["album_id"]
    assert all(n["album_id"] != query_album for n in data["neighbours"])
    scores = [n["score"] for n in data["neighbours"]]
    assert scores == sorted(scores, reverse=True)
    assert len({n["album_id"] for n in data["neighbours"]}) == 7


def test_master_neighbours_default_k(client, facts):
    data = client.get(f"/api/v1/masters/{facts['popular_masters'][0]}/neighbours").json
    assert len(data["neighbours"]) == 20
    assert data["query"]["master_id"] == facts["popular_masters"][0]


def test_release_metadata(client, facts):
    release_id = facts["master_releases"][0]
    data = client.get(f"/api/v1/releases/{release_id}").json
    for key in ("title", "artists", "labels", "formats", "genres", "styles", "year", "country",
                "tracklist", "videos", "master_id", "album_id", "url"):
        assert key in data, key
    assert data["release_id"] == release_id and data["master_id"] == facts["master_id"]
    assert data["url"] == f"https://www.discogs.com/release/{release_id}"
    assert isinstance(data["tracklist"], list) and isinstance(data["labels"], list)


def test_master_metadata(client, facts):
    popular = client.get(f"/api/v1/masters/{facts['popular_masters'][0]}").json
    assert popular["master_id"] == facts["popular_masters"][0] and popular["title"]
    assert popular["url"].endswith(f"/master/{facts['popular_masters'][0]}")
    from_releases = client.get(f"/api/v1/masters/{facts['master_id']}").json
    assert {r["release_id"] for r in from_releases["releases"]} == set(facts["master_releases"])
    assert from_releases["album_id"] is not None


def test_unknown_ids_are_404(client):
    for path in ("/api/v1/releases/999999999", "/api/v1/masters/999999999",
                 "/api/v1/releases/999999999/neighbours", "/api/v1/masters/999999999/neighbours"):
        response = client.get(path)
        assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_search(client):
    data = client.get("/api/v1/search?q=nirvana").json
    assert data["query"] == "nirvana"
    assert any(r["title"] == "Nevermind" for r in data["results"])
    assert all("score" not in r and "because" not in r for r in data["results"])
    prefix = client.get("/api/v1/search?q=nirv&limit=2").json
    assert 0 < len(prefix["results"]) <= 2
    # FTS5 syntax in user text is taken literally, not as operators
    assert client.get('/api/v1/search?q=AND "(" NEAR*').status_code == 200


def test_index_and_health(client, sample_index):
    info = client.get("/api/v1/index").json
    assert info["albums"] == info["counts"]["albums"] > 3000
    assert info["dump_dates"] and info["model"] and info["build_id"]
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json["status"] == "ok"


def test_cors_allows_discogs_and_the_extension(client):
    for origin in ("https://www.discogs.com", "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
                   "moz-extension://0c3b6e2e-8a0b-4f43-9d7a-0123456789ab"):
        response = client.get("/healthz", headers={"Origin": origin})
        assert response.headers.get("Access-Control-Allow-Origin") == origin
    preflight = client.options("/api/v1/recommendations", headers={
        "Origin": "https://www.discogs.com", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.headers.get("Access-Control-Allow-Origin") == "https://www.discogs.com"
    other = client.get("/healthz", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_cors_origins_from_the_environment(sample_index, monkeypatch):
    from server import create_app

    monkeypatch.setenv("DISCOGS_RECS_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("DISCOGS_RECS_MAX_K", "5")
    app = create_app({"INDEX_DIR": str(sample_index)})
    client = app.test_client()
    response = client.get("/healthz", headers={"Origin": "https://b.example"})
    assert response.headers.get("Access-Control-Allow-Origin") == "https://b.example"
    assert client.get("/healthz", headers={"Origin": "https://www.discogs.com"}).headers.get(
        "Access-Control-Allow-Origin") is None
    assert client.get("/api/v1/masters/1/neighbours?k=6").status_code == 400


def test_errors_carry_cors_headers_too(client):
    """The extension must be able to read error bodies, not just successes."""
    response = client.post("/api/v1/recommendations", data="nope", content_type="application/json",
                           headers={"Origin": "https://www.discogs.com"})
    assert response.status_code == 400
    assert response.headers.get("Access-Control-Allow-Origin") == "https://www.discogs.com"
