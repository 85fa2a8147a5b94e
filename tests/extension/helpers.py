"""Small helpers shared by the browser tests."""
from .extension_browser import PANEL, api_json

DEFAULT_RESULTS = 12  # the options page's default "Number of results"

# Ids of the saved Discogs pages in fixtures/, all in the real sample index
# (tests/conftest.py's sample_index): releases from the 2020 sample, masters from the
# popular masters.
RELEASE_PATH = "/release/1-The-Persuader-Stockholm"
RELEASE_ID = 1                    # The Persuader – Stockholm (master 1660109)
MASTER_PATH = "/master/13814-Nirvana-Nevermind"
MASTER_ID = 13814                 # Nirvana – Nevermind
MASTER_HEADING = "Nirvana – Nevermind"
UNKNOWN_RELEASE_PATH = "/release/999999999-Nobody-Nothing"  # not in the index
# The Discogs user the fake Discogs API knows (the real responses in ../shared/data/api).
DISCOGS_USER = "example"
COLLECTION_PATH = f"/user/{DISCOGS_USER}/collection"
COLLECTION_RELEASE_IDS = [1, 3, 5, 7, 1586313, 1586328]
# What the collection grid shows after "Next" (test_collection_grid_rerender_is_followed).
SECOND_PAGE_RELEASE_IDS = [2, 4, 6, 8]
WANTLIST_PATH = "/mywantlist"
WANTLIST_IDS = {"release_ids": [9, 11, 1586318], "master_ids": []}
# fixtures/markup-releases.xml: the release page opened against the markup index.
MARKUP_RELEASE_PATH = "/release/4242-Plain-Artist-Markup-Test"
MARKUP_RELEASE_ID = 4242

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
