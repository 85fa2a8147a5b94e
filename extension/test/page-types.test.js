// Page detection and id reading for each page type, proven against the saved
// pages in tests/extension/fixtures/ (the same ones the browser tests serve).
import { test } from "node:test";
import assert from "node:assert/strict";
import { PAGE_TYPES, find_page_type } from "../src/content/page-types/index.js";
import { MESSAGE } from "../src/shared/messages.js";
import { normalize_settings } from "../src/shared/settings.js";
import { blank_document, load_fixture } from "./support/fixture-dom.js";

const settings = normalize_settings({});

function page_type_named(name) {
  return PAGE_TYPES.find((page_type) => page_type.name === name);
}

test("page detection by URL", () => {
  const cases = {
    "https://www.discogs.com/release/1021-Air-Moon-Safari": "release",
    "https://www.discogs.com/de/release/1021-Air-Moon-Safari?ev=rr": "release",
    "https://www.discogs.com/master/13829-Portishead-Dummy": "master",
    "https://www.discogs.com/ja/master/13829": "master",
    "https://www.discogs.com/user/testuser/collection?page=2": "collection",
    "https://www.discogs.com/fr/user/testuser/collection": "collection",
    "https://www.discogs.com/mywantlist": "wantlist",
    "https://www.discogs.com/de/mywantlist?sort=added": "wantlist",
  };
  for (const [url, name] of Object.entries(cases)) {
    assert.equal(find_page_type(url)?.name, name, url);
  }
});

test("no page type elsewhere, or off Discogs", () => {
  for (const url of [
    "https://www.discogs.com/",
    "https://www.discogs.com/artist/1011-Air",
    "https://www.discogs.com/sell/release/1021",
    "https://example.com/release/1021",
    "http://www.discogs.com/release/1021",
    "chrome://extensions",
    "not a url",
  ]) {
    assert.equal(find_page_type(url), null, url);
  }
});

test("page type names are unique and every page type is complete", () => {
  assert.equal(new Set(PAGE_TYPES.map((page_type) => page_type.name)).size, PAGE_TYPES.length);
  for (const page_type of PAGE_TYPES) {
    assert.equal(typeof page_type.label, "string");
    assert.equal(typeof page_type.matches, "function");
    assert.equal(typeof page_type.read_ids, "function");
    assert.equal(typeof page_type.requests, "function");
    assert.ok(Array.isArray(page_type.panel_places));
  }
});

test("release page: release id from the URL, master from JSON-LD", () => {
  const { document, url } = load_fixture("release-page.html", "/release/1-The-Persuader-Stockholm");
  const ids = page_type_named("release").read_ids(document, url);
  assert.deepEqual(ids, { release_id: 1, master_id: 1660109 });
  assert.deepEqual(page_type_named("release").requests(ids, settings), [
    { type: MESSAGE.NEIGHBOURS, kind: "release", id: 1 },
    { type: MESSAGE.NEIGHBOURS, kind: "master", id: 1660109 },
  ]);
});

test("release page: JSON-LD of another release (after client-side navigation) is not trusted for the master", () => {
  const { document, url } = load_fixture("release-page.html", "/release/1022-The-Persuader-Stockholm");
  // The master then comes from the "View all versions" link in the DOM.
  assert.deepEqual(page_type_named("release").read_ids(document, url), { release_id: 1022, master_id: 1660109 });
  document.querySelector("#release-other-versions").remove();
  assert.deepEqual(page_type_named("release").read_ids(document, url), { release_id: 1022, master_id: null });
});

test("release page: without the id in the URL, JSON-LD, then canonical link, then the [r…] code", () => {
  const release_page = page_type_named("release");
  const odd_url = new URL("https://www.discogs.com/release/");
  const { document } = load_fixture("release-page.html", "/release/1");
  assert.equal(release_page.read_ids(document, odd_url).release_id, 1);
  document.querySelectorAll('script[type="application/ld+json"]').forEach((script) => script.remove());
  assert.equal(release_page.read_ids(document, odd_url).release_id, 1);
  document.querySelector('link[rel="canonical"]').remove();
  document.querySelector('meta[property="og:url"]').remove();
  assert.equal(release_page.read_ids(document, odd_url).release_id, 1);
});

test("release page: the panel goes after Discogs' recommendations, else after the statistics", () => {
  const places = page_type_named("release").panel_places;
  const full = load_fixture("release-page.html", "/release/1021").document;
  assert.equal(places.find((place) => full.querySelector(place.selector)).selector, "#release-recommendations");
  const bare = load_fixture("release-page-unknown.html", "/release/999999999").document;
  assert.equal(places.find((place) => bare.querySelector(place.selector)).selector, "#release-stats");
});

test("release page without a master: only the release is asked for", () => {
  const { document, url } = load_fixture("release-page-unknown.html", "/release/999999999-Nobody-Nothing");
  const ids = page_type_named("release").read_ids(document, url);
  assert.deepEqual(ids, { release_id: 999999999, master_id: null });
  assert.equal(page_type_named("release").requests(ids, settings).length, 1);
});

test("master page: id from the URL, then JSON-LD, then the [m…] code", () => {
  const master_page = page_type_named("master");
  const { document, url } = load_fixture("master-page.html", "/master/13814-Nirvana-Nevermind");
  assert.deepEqual(master_page.read_ids(document, url), { master_id: 13814 });
  const odd_url = new URL("https://www.discogs.com/master/");
  document.querySelectorAll('script[type="application/ld+json"], link[rel="canonical"]').forEach((node) => node.remove());
  assert.deepEqual(master_page.read_ids(document, odd_url), { master_id: 13814 });
  assert.deepEqual(master_page.requests({ master_id: 13814 }, settings), [{ type: MESSAGE.NEIGHBOURS, kind: "master", id: 13814 }]);
  assert.ok(master_page.panel_places.some((place) => document.querySelector(place.selector)));
});

test("collection page: the releases in the grid, not those in the header", () => {
  const { document, url } = load_fixture("collection-page.html", "/user/example/collection");
  const ids = page_type_named("collection").read_ids(document, url);
  assert.deepEqual(ids, { owner: "example", release_ids: [1, 3, 5, 7, 1586313, 1586328], master_ids: [] });
  assert.ok(page_type_named("collection").panel_places.some((place) => document.querySelector(place.selector)));
});

test("collection page: the whole collection first when it is the user's own, then the visible ids", () => {
  const collection_page = page_type_named("collection");
  const ids = { owner: "TestUser", release_ids: [1, 2], master_ids: [3] };
  const visible = { type: MESSAGE.RECOMMEND_FOR_IDS, release_ids: [1, 2], master_ids: [3] };
  assert.deepEqual(collection_page.requests(ids, normalize_settings({ discogs_username: "testuser" })), [
    { type: MESSAGE.RECOMMEND_FOR_USER, username: "testuser" },
    visible,
  ]);
  assert.deepEqual(collection_page.requests(ids, normalize_settings({ discogs_username: "someone-else" })), [visible]);
  assert.deepEqual(collection_page.requests({ ...ids, release_ids: [], master_ids: [] }, settings), []);
});

test("wantlist page: releases and masters in the grid", () => {
  const { document, url } = load_fixture("wantlist-page.html", "/mywantlist");
  const ids = page_type_named("wantlist").read_ids(document, url);
  assert.deepEqual(ids, { release_ids: [9, 11, 1586318], master_ids: [32287] });
  assert.deepEqual(page_type_named("wantlist").requests(ids, settings), [
    { type: MESSAGE.RECOMMEND_FOR_IDS, release_ids: [9, 11, 1586318], master_ids: [32287] },
  ]);
});

test("grid pages fall back to the main column when the grid is renamed", () => {
  const document = blank_document(`<html><body><header><a href="/release/1">nav</a></header>
    <main><div class="renamed-grid"><a href="/release/7-x">x</a><a href="/master/8-y">y</a></div></main></body></html>`);
  const ids = page_type_named("wantlist").read_ids(document, new URL("https://www.discogs.com/mywantlist"));
  assert.deepEqual(ids, { release_ids: [7], master_ids: [8] });
});
