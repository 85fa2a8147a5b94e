"""Small helpers shared by the browser tests."""
from .extension_browser import PANEL, api_json

DEFAULT_RESULTS = 12  # the options page's default "Number of results"

# Ids of the saved Discogs pages in fixtures/ (a real index must know them).
RELEASE_PATH = "/release/1021-Air-Moon-Safari"
RELEASE_ID = 1021
MASTER_PATH = "/master/13829-Portishead-Dummy"
MASTER_ID = 13829
UNKNOWN_RELEASE_PATH = "/release/999999999-Nobody-Nothing"
COLLECTION_PATH = "/user/testuser/collection"
COLLECTION_RELEASE_IDS = [1021, 2301, 3310, 4412, 10384, 13657]
WANTLIST_PATH = "/mywantlist"
WANTLIST_IDS = {"release_ids": [5120, 7071, 8102], "master_ids": [15748]}

CARDS = f"{PANEL} .card"
CARD_TITLES = f"{PANEL} .card .title"


def titles(items):
    return [item["title"] for item in items]


def neighbour_titles(api_base_url, kind, album_id, k=DEFAULT_RESULTS):
    answer = api_json(api_base_url, f"/api/v1/{kind}s/{album_id}/neighbours?k={k}")
    return titles(answer["neighbours"])[:k]


def recommendation_titles(api_base_url, release_ids=(), master_ids=(), k=DEFAULT_RESULTS):
    body = {"release_ids": list(release_ids), "master_ids": list(master_ids), "k": k, "exclude_ids": []}
    return titles(api_json(api_base_url, "/api/v1/recommendations", body)["recommendations"])[:k]
