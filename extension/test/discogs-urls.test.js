import { test } from "node:test";
import assert from "node:assert/strict";
import {
  collection_owner_from_path,
  discogs_page_url,
  ids_from_discogs_href,
  is_wantlist_path,
  master_id_from_path,
  positive_id,
  release_id_from_path,
  safe_http_url,
  same_username,
  strip_language_prefix,
} from "../src/shared/discogs-urls.js";

test("release ids come from release paths, with or without slug or language prefix", () => {
  assert.equal(release_id_from_path("/release/249504-Rick-Astley-Never-Gonna-Give-You-Up"), 249504);
  assert.equal(release_id_from_path("/release/249504"), 249504);
  assert.equal(release_id_from_path("/release/249504/"), 249504);
  assert.equal(release_id_from_path("/de/release/249504-Rick-Astley"), 249504);
  assert.equal(release_id_from_path("/pt_BR/release/249504-Rick-Astley"), 249504);
  assert.equal(release_id_from_path("/ja/release/1"), 1);
});

test("other paths are not release pages", () => {
  for (const path of ["/master/96559-x", "/release/", "/release/abc", "/release/0", "/sell/release/249504", "/release/249504-x/image/1", "/releases/1", "/"]) {
    assert.equal(release_id_from_path(path), null, path);
  }
});

test("master ids come from master paths", () => {
  assert.equal(master_id_from_path("/master/96559-Rick-Astley-Never-Gonna-Give-You-Up"), 96559);
  assert.equal(master_id_from_path("/fr/master/96559"), 96559);
  assert.equal(master_id_from_path("/release/96559"), null);
  assert.equal(master_id_from_path("/master/96559-x/history"), null);
});

test("collection owners and the wantlist", () => {
  assert.equal(collection_owner_from_path("/user/testuser/collection"), "testuser");
  assert.equal(collection_owner_from_path("/es/user/Some.User/collection/"), "Some.User");
  assert.equal(collection_owner_from_path("/user/a%20b/collection"), "a b");
  assert.equal(collection_owner_from_path("/user/testuser/wantlist"), null);
  assert.equal(collection_owner_from_path("/user/testuser"), null);
  assert.equal(is_wantlist_path("/mywantlist"), true);
  assert.equal(is_wantlist_path("/it/mywantlist"), true);
  assert.equal(is_wantlist_path("/mywantlist/extra"), false);
});

test("the language prefix is two letters and an optional region", () => {
  assert.equal(strip_language_prefix("/de/release/1"), "/release/1");
  assert.equal(strip_language_prefix("/zh-TW/release/1"), "/release/1");
  assert.equal(strip_language_prefix("/mywantlist"), "/mywantlist");
  assert.equal(strip_language_prefix("/release/1"), "/release/1");
});

test("links to releases and masters, relative or absolute, Discogs only", () => {
  assert.deepEqual(ids_from_discogs_href("/release/1021-Air-Moon-Safari"), { release_id: 1021 });
  assert.deepEqual(ids_from_discogs_href("https://www.discogs.com/de/master/7441-Air"), { master_id: 7441 });
  assert.deepEqual(ids_from_discogs_href("/release/1021-Air/image/3"), { release_id: 1021 });
  assert.equal(ids_from_discogs_href("https://example.com/release/1021"), null);
  assert.equal(ids_from_discogs_href("/artist/1011-Air"), null);
  assert.equal(ids_from_discogs_href("/release/1021x"), null);
  assert.equal(ids_from_discogs_href(undefined), null);
  assert.equal(ids_from_discogs_href("http://[broken"), null);
});

test("positive ids", () => {
  assert.equal(positive_id(5), 5);
  assert.equal(positive_id("5"), 5);
  for (const value of [0, -1, 1.5, "5a", null, undefined, true, Number.MAX_SAFE_INTEGER + 2, "1e3"]) {
    assert.equal(positive_id(value), null, String(value));
  }
});

test("only http(s) URLs are safe for links", () => {
  assert.equal(safe_http_url("https://www.youtube.com/watch?v=x"), "https://www.youtube.com/watch?v=x");
  assert.equal(safe_http_url("javascript:alert(1)"), null);
  assert.equal(safe_http_url("data:text/html,<b>x</b>"), null);
  assert.equal(safe_http_url("/relative"), null);
  assert.equal(safe_http_url(42), null);
});

test("card links: the API's Discogs URL, else one built from the ids", () => {
  assert.equal(discogs_page_url({ url: "https://www.discogs.com/master/123" }), "https://www.discogs.com/master/123");
  assert.equal(discogs_page_url({ url: "javascript:alert(1)", master_id: 9, release_id: 8 }), "https://www.discogs.com/master/9");
  assert.equal(discogs_page_url({ url: "https://evil.example/master/1", master_id: null, release_id: 8 }), "https://www.discogs.com/release/8");
  assert.equal(discogs_page_url({}), null);
});

test("usernames compare without case", () => {
  assert.equal(same_username("TestUser", "testuser"), true);
  assert.equal(same_username("", ""), false);
  assert.equal(same_username("a", null), false);
});
