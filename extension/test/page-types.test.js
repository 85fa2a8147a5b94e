// Page detection and id reading for each page type, proven against the real
// captures in ../shared/data/pages (skipped when absent) and against our
// fixtures in tests/extension/fixtures/ (the pages the browser tests serve),
// also after a "deploy" renamed every build-hashed class.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PAGE_TYPES, find_page_type } from "../src/content/page-types/index.js";
import { find_place } from "../src/content/panel.js";
import { MESSAGE } from "../src/shared/messages.js";
import { normalize_settings } from "../src/shared/settings.js";
import { json_ld_ids } from "../src/shared/json-ld.js";
import { dsdata_ids, read_dsdata } from "../src/shared/page-data.js";
import { blank_document, fixture_html, load_fixture, load_html, real_page_html, rename_build_hashes } from "./support/fixture-dom.js";

const settings = normalize_settings({});
const REAL_SELL_PAGE = "sell_release_2247646_2026-05.html";
const REAL_WANTLIST_ROW = "wantlist_row_fragment_2026-09.html";

function page_type_named(name) {
  return PAGE_TYPES.find((page_type) => page_type.name === name);
}

function first_place(page_type, document) {
  return page_type.panel_places.find((place) => find_place(document, place));
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
    assert.ok([null, "own", "want"].includes(page_type.because_verb), page_type.name);
  }
});

// -- the real captures ----------------------------------------------------------------------

test("real page: JSON-LD release_schema gives the release and its master (/master/view/ID)", (t) => {
  const html = real_page_html(REAL_SELL_PAGE);
  if (!html) return t.skip("../shared/data/pages is absent");
  const { document } = load_html(html, "/sell/release/2247646");
  assert.deepEqual(json_ld_ids(document), { release_id: 2247646, master_id: 225128 });
  // Its script#dsdata is a JavaScript function, not the React pages' JSON: skipped.
  assert.equal(read_dsdata(document), null);
  // The release page type reads the same from that markup when the URL has no id.
  const ids = page_type_named("release").read_ids(document, new URL("https://www.discogs.com/release/"));
  assert.deepEqual(ids, { release_id: 2247646, master_id: 225128 });
  // The header's links live in a declarative shadow root: never read as the page's.
  assert.ok(document.querySelector('[id^="__header_root_"] template[shadowrootmode="open"]'));
});

test("real page: the panel's fallback place is the server-rendered #page_content[role=main]", (t) => {
  const html = real_page_html(REAL_SELL_PAGE);
  if (!html) return t.skip("../shared/data/pages is absent");
  const { document } = load_html(html, "/release/2247646");
  assert.equal(first_place(page_type_named("release"), document), undefined);
  assert.equal(document.querySelector("#page_content").getAttribute("role"), "main");
});

test("real wantlist row: the id from input[name=cw_releases], inside #page_content", (t) => {
  const row = real_page_html(REAL_WANTLIST_ROW);
  if (!row) return t.skip("../shared/data/pages is absent");
  const wantlist = page_type_named("wantlist");
  const only_real = `<html><body><div id="page_content" role="main"><table><tbody>${row}</tbody></table></div></body></html>`;
  assert.deepEqual(wantlist.read_ids(load_html(only_real, "/mywantlist").document), { release_ids: [27133152], master_ids: [] });
  // Added to our own page: read with our rows, in page order.
  const { document } = load_fixture("wantlist-page.html", "/mywantlist", {
    html_filter: (html) => html.replace("</tbody>", `${row}</tbody>`),
  });
  assert.deepEqual(wantlist.read_ids(document).release_ids, [9, 11, 1586318, 27133152]);
  // The same row outside #page_content (say, a "recently viewed" box) is not the wantlist.
  const outside = `<html><body><table><tbody>${row}</tbody></table><div id="page_content"></div></body></html>`;
  assert.deepEqual(wantlist.read_ids(load_html(outside, "/mywantlist").document), { release_ids: [], master_ids: [] });
});

// -- release pages --------------------------------------------------------------------------

test("release page: release id from the URL, master from JSON-LD (releaseOf /master/view/ID)", () => {
  const { document, url } = load_fixture("release-page.html", "/release/1-The-Persuader-Stockholm");
  const ids = page_type_named("release").read_ids(document, url);
  assert.deepEqual(ids, { release_id: 1, master_id: 1660109 });
  assert.deepEqual(page_type_named("release").requests(ids, settings), [
    { type: MESSAGE.NEIGHBOURS, kind: "release", id: 1 },
    { type: MESSAGE.NEIGHBOURS, kind: "master", id: 1660109 },
  ]);
});

test("release page: without JSON-LD the master comes from the Apollo cache in script#dsdata", () => {
  const { document, url } = load_fixture("release-page.html", "/release/1-The-Persuader-Stockholm");
  document.querySelector("script#release_schema").remove();
  assert.deepEqual(dsdata_ids(document, 1), { release_id: 1, master_id: 1660109 });
  assert.deepEqual(page_type_named("release").read_ids(document, url), { release_id: 1, master_id: 1660109 });
  // The cache also holds other releases (79 here): each has its own master.
  assert.deepEqual(dsdata_ids(document, 79), { release_id: 79, master_id: 99999 });
});

test("release page: JSON-LD and cache of another release (after client-side navigation) are not trusted", () => {
  const { document, url } = load_fixture("release-page.html", "/release/1022-The-Persuader-Stockholm", { after_load: true });
  // The master then comes from the "View all versions" link, which loads late.
  assert.deepEqual(page_type_named("release").read_ids(document, url), { release_id: 1022, master_id: 1660109 });
  document.querySelector("#release-other-versions").remove();
  assert.deepEqual(page_type_named("release").read_ids(document, url), { release_id: 1022, master_id: null });
});

test("release page: without the id in the URL, JSON-LD, then dsdata, then canonical link, then the [r…] code", () => {
  const release_page = page_type_named("release");
  const odd_url = new URL("https://www.discogs.com/release/");
  const { document } = load_fixture("release-page.html", "/release/1");
  assert.equal(release_page.read_ids(document, odd_url).release_id, 1);
  document.querySelector("script#release_schema").remove();
  assert.equal(release_page.read_ids(document, odd_url).release_id, 1);
  document.querySelector("script#dsdata").remove();
  assert.equal(release_page.read_ids(document, odd_url).release_id, 1);
  document.querySelector('link[rel="canonical"]').remove();
  document.querySelector('meta[property="og:url"]').remove();
  // The copy-code button of #release-actions.
  assert.equal(release_page.read_ids(document, odd_url).release_id, 1);
});

test("release page: the panel goes after Discogs' late recommendations, which it waits for, else after the stats", () => {
  const release_page = page_type_named("release");
  const [recommendations, stats] = release_page.panel_places;
  assert.equal(recommendations.selector, "#release-recommendations");
  assert.ok(recommendations.wait_ms >= 2000, "waits a few seconds for the late section");
  assert.equal(stats.selector, "#release-stats");
  // The first render has no recommendations yet: only the stats are there.
  const first_render = load_fixture("release-page.html", "/release/1").document;
  assert.equal(first_place(release_page, first_render), stats);
  const loaded = load_fixture("release-page.html", "/release/1", { after_load: true }).document;
  assert.equal(first_place(release_page, loaded), recommendations);
  // The stats sit in the right column (side_xxxxx), the recommendations in the main one.
  assert.match(loaded.querySelector("#release-stats").parentElement.className, /^side_/);
  assert.match(loaded.querySelector("#release-recommendations").closest('[class*="main_"]').className, /^main_/);
});

test("release page without a master: only the release is asked for", () => {
  const { document, url } = load_fixture("release-page-unknown.html", "/release/999999999-Nobody-Nothing");
  const ids = page_type_named("release").read_ids(document, url);
  assert.deepEqual(ids, { release_id: 999999999, master_id: null });
  assert.equal(page_type_named("release").requests(ids, settings).length, 1);
});

// -- master pages ---------------------------------------------------------------------------

test("master page: id from the URL, then JSON-LD master_schema, then the [m…] code", () => {
  const master_page = page_type_named("master");
  const { document, url } = load_fixture("master-page.html", "/master/13814-Nirvana-Nevermind");
  assert.deepEqual(master_page.read_ids(document, url), { master_id: 13814 });
  const odd_url = new URL("https://www.discogs.com/master/");
  assert.deepEqual(master_page.read_ids(document, odd_url), { master_id: 13814 });
  document.querySelectorAll('script[type="application/ld+json"], link[rel="canonical"]').forEach((node) => node.remove());
  assert.deepEqual(master_page.read_ids(document, odd_url), { master_id: 13814 });
  assert.deepEqual(master_page.requests({ master_id: 13814 }, settings), [{ type: MESSAGE.NEIGHBOURS, kind: "master", id: 13814 }]);
  assert.ok(first_place(master_page, document));
});

// -- collection and wantlist -----------------------------------------------------------------

test("collection page: the grid is empty until Discogs fills it, then its records are read", () => {
  const collection = page_type_named("collection");
  const first_render = load_fixture("collection-page.html", "/user/example/collection");
  assert.deepEqual(collection.read_ids(first_render.document, first_render.url), { owner: "example", release_ids: [], master_ids: [] });
  assert.deepEqual(collection.requests(collection.read_ids(first_render.document, first_render.url), settings), []);

  const { document, url, window } = load_fixture("collection-page.html", "/user/example/collection", { after_load: true });
  // Not the links of the header (shadow root), the sidebar or the toolbar.
  assert.deepEqual(collection.read_ids(document, url), { owner: "example", release_ids: [1, 3, 5, 7, 1586313, 1586328], master_ids: [] });
  assert.ok(first_place(collection, document).selector.includes("dataGridContainer_"));
  // Paging replaces the rows.
  window.showCollectionPage(2);
  assert.deepEqual(collection.read_ids(document, url).release_ids, [2, 4, 6, 8]);
});

test("collection page: a new user (no username in the options) gets the records shown", () => {
  const { document, url } = load_fixture("collection-page.html", "/user/example/collection", { after_load: true });
  const requests = page_type_named("collection").requests(page_type_named("collection").read_ids(document, url), settings);
  assert.deepEqual(requests, [{ type: MESSAGE.RECOMMEND_FOR_IDS, release_ids: [1, 3, 5, 7, 1586313, 1586328], master_ids: [] }]);
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

test("wantlist page: the releases of the rows, the panel after their table", () => {
  const { document, url } = load_fixture("wantlist-page.html", "/mywantlist");
  const wantlist = page_type_named("wantlist");
  const ids = wantlist.read_ids(document, url);
  assert.deepEqual(ids, { release_ids: [9, 11, 1586318], master_ids: [] });
  assert.deepEqual(wantlist.requests(ids, settings), [
    { type: MESSAGE.RECOMMEND_FOR_IDS, release_ids: [9, 11, 1586318], master_ids: [] },
  ]);
  assert.equal(find_place(document, first_place(wantlist, document)), document.querySelector("#page_content table"));
});

test("a Discogs deploy that renames every hashed class changes nothing", () => {
  const cases = [
    ["release-page.html", "/release/1-The-Persuader-Stockholm", "release"],
    ["master-page.html", "/master/13814-Nirvana-Nevermind", "master"],
    ["collection-page.html", "/user/example/collection", "collection"],
    ["wantlist-page.html", "/mywantlist", "wantlist"],
  ];
  for (const [name, path, type_name] of cases) {
    const page_type = page_type_named(type_name);
    const renamed_html = rename_build_hashes(fixture_html(name));
    assert.notEqual(renamed_html, fixture_html(name), `${name} has hashed classes`);
    const before = load_fixture(name, path, { after_load: true });
    const after = load_fixture(name, path, { after_load: true, html_filter: rename_build_hashes });
    assert.deepEqual(page_type.read_ids(after.document, after.url), page_type.read_ids(before.document, before.url), name);
    assert.equal(first_place(page_type, after.document), first_place(page_type, before.document), name);
  }
  // The renaming really renames: no old hashed name is left in the collection page.
  const renamed = load_fixture("collection-page.html", "/user/example/collection", { after_load: true, html_filter: rename_build_hashes });
  assert.equal(renamed.document.querySelector(".dataGridContainer_e9Xt7, .itemContainer_F2kqR"), null);
  assert.ok(renamed.document.querySelector('[class*="itemContainer_"]'));
});

test("no page type reads ids from outside its grid", () => {
  const document = blank_document(`<html><body><div id="page" role="main"><a href="/release/7-x">x</a></div></body></html>`);
  assert.deepEqual(page_type_named("wantlist").read_ids(document, new URL("https://www.discogs.com/mywantlist")), { release_ids: [], master_ids: [] });
  const collection = page_type_named("collection").read_ids(document, new URL("https://www.discogs.com/user/a/collection"));
  assert.deepEqual(collection, { owner: "a", release_ids: [], master_ids: [] });
});
