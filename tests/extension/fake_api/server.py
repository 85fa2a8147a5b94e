"""A stand-in for the discogs-recs HTTP API, for the extension's browser tests.

It answers the contract the extension is written against (POST
/api/v1/recommendations, GET .../neighbours, GET /api/v1/users/<name>/
recommendations, GET /healthz, errors as {"error": {status, code, message}})
from catalogue.json, ranks by shared styles, and records every request so a
test can check what the extension sent.
"""
import json
import pathlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

CATALOGUE = json.loads((pathlib.Path(__file__).parent / "catalogue.json").read_text(encoding="utf-8"))
MAX_K = 100


class ApiError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _find_album(kind, album_id):
    key = f"{kind}_id"
    return next((album for album in CATALOGUE["albums"] if album[key] == album_id), None)


def _any_album(album_id):
    return _find_album("release", album_id) or _find_album("master", album_id)


def _shared_styles(a, b):
    return [style for style in a["styles"] if style in b["styles"]]


def _ranked(candidates, seeds):
    """Candidates by how many styles they share with the seeds, then catalogue order."""
    def overlap(album):
        return sum(len(_shared_styles(album, seed)) for seed in seeds)
    order = {album["album_id"]: index for index, album in enumerate(CATALOGUE["albums"])}
    return sorted(candidates, key=lambda album: (-overlap(album), order.get(album["album_id"], 0)))


def _item(album, score, because=()):
    return {**album, "score": round(score, 4), "because": list(because)}


def _because(album, seeds):
    reasons = []
    for seed in seeds:
        shared = _shared_styles(album, seed)
        if shared:
            reasons.append({
                "release_id": seed["release_id"], "master_id": seed["master_id"], "title": seed["title"],
                "artist": seed["artist"],
                "shared": {"styles": shared, "label": seed["label"] if seed["label"] == album["label"] else None,
                           "artist": seed["artist"] if seed["artist"] == album["artist"] else None},
            })
    return reasons[:3]


def _int_list(body, name):
    value = body.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise ApiError(400, "invalid_field", f"{name} must be a list of integers")
    return value


def _k(value, default):
    if value is None:
        return default
    try:
        k = int(value)
    except (TypeError, ValueError):
        raise ApiError(400, "invalid_field", "k must be an integer") from None
    if not 1 <= k <= MAX_K:
        raise ApiError(400, "invalid_field", f"k must be between 1 and {MAX_K}")
    return k


def _index():
    return {"albums": len(CATALOGUE["albums"]), "source": "fake_api"}


def neighbours(kind, album_id, k):
    if kind == "release" and album_id == CATALOGUE["markup_query_release_id"]:
        query = {**CATALOGUE["albums"][0], "release_id": album_id}
        others = [CATALOGUE["markup_album"], *CATALOGUE["albums"][1:]]
    else:
        query = _find_album(kind, album_id)
        if query is None:
            raise ApiError(404, "not_found", f"{kind} {album_id} is not in the index")
        others = _ranked([a for a in CATALOGUE["albums"] if a is not query], [query])
    items = [_item(album, 1 / (1 + index)) for index, album in enumerate(others[:k])]
    return {"neighbours": items, "query": query, "index": _index()}


def recommendations(release_ids, master_ids, k, exclude_ids):
    seeds, unknown = [], []
    for kind, ids in (("release", release_ids), ("master", master_ids)):
        for album_id in ids:
            album = _find_album(kind, album_id)
            (seeds.append(album) if album else unknown.append(album_id))
    seed_ids = {album["album_id"] for album in seeds}
    excluded = set(exclude_ids)
    candidates = [
        album for album in CATALOGUE["albums"]
        if album["album_id"] not in seed_ids and album["master_id"] not in excluded and album["release_id"] not in excluded
    ]
    ranked = _ranked(candidates, seeds)[:k] if seeds else []
    items = [_item(album, 1 / (1 + index), _because(album, seeds)) for index, album in enumerate(ranked)]
    artists = {}
    for item in items:
        artist = artists.setdefault(item["artist"], {"id": item["artists"][0]["id"], "name": item["artist"], "score": 0.0, "albums": []})
        artist["score"] += item["score"]
        artist["albums"].append({key: item[key] for key in ("master_id", "release_id", "title", "url")})
    return {"recommendations": items, "artists": list(artists.values()), "unknown_ids": unknown, "index": _index()}


class FakeApiHandler(BaseHTTPRequestHandler):
    server_version = "FakeDiscogsRecs/1"

    def log_message(self, *args):  # keep test output quiet
        pass

    def _send(self, status, payload):
        body = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self, method):
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        body = None
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"null")
            except json.JSONDecodeError:
                body = None
        self.server.request_log.append({"method": method, "path": parts.path, "query": query, "body": body})
        try:
            self._send(200, self._route(method, parts.path.rstrip("/").split("/"), query, body))
        except ApiError as error:
            self._send(error.status, {"error": {"status": error.status, "code": error.code, "message": error.message}})

    def _route(self, method, segments, query, body):
        k = query.get("k", [None])[0]
        match method, segments:
            case "GET", ["", "healthz"]:
                return {"status": "ok"}
            case "GET", ["", "api", "v1", ("releases" | "masters") as plural, album_id, "neighbours"] if album_id.isdigit():
                return neighbours(plural[:-1], int(album_id), _k(k, 10))
            case "POST", ["", "api", "v1", "recommendations"]:
                if not isinstance(body, dict):
                    raise ApiError(400, "invalid_json", "the body must be a JSON object")
                return recommendations(_int_list(body, "release_ids"), _int_list(body, "master_ids"),
                                       _k(body.get("k"), 20), _int_list(body, "exclude_ids"))
            case "GET", ["", "api", "v1", "users", username, "recommendations"]:
                # Discogs usernames are case-insensitive.
                users = {name.lower(): ids for name, ids in CATALOGUE["users"].items()}
                owned = users.get(unquote(username).lower())
                if owned is None:
                    raise ApiError(404, "not_found", f"no public collection for {unquote(username)}")
                return recommendations(owned, [], _k(k, 20), [])
        raise ApiError(404, "not_found", "no such endpoint")

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")


class FakeApi:
    """Runs the fake API on 127.0.0.1 at a free port in a daemon thread."""

    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), FakeApiHandler)
        self.server.request_log = []
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def requests(self):
        return self.server.request_log

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":  # handy for trying the extension by hand
    import sys
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer(("127.0.0.1", port), FakeApiHandler)
    server.request_log = []
    print(f"fake discogs-recs API on http://127.0.0.1:{port}")
    server.serve_forever()
