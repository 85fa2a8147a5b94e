import { test } from "node:test";
import assert from "node:assert/strict";
import { flatten_json_ld, ids_from_json_ld, json_ld_ids } from "../src/shared/json-ld.js";
import { blank_document, load_fixture } from "./support/fixture-dom.js";

test("a release's JSON-LD gives its release id and, through releaseOf, its master", () => {
  const { document } = load_fixture("release-page.html", "/release/1-The-Persuader-Stockholm");
  assert.deepEqual(json_ld_ids(document), { release_id: 1, master_id: 1660109 });
});

test("a master's JSON-LD gives its master id, not the ids of its releases", () => {
  const { document } = load_fixture("master-page.html", "/master/13814-Nirvana-Nevermind");
  assert.deepEqual(json_ld_ids(document), { release_id: null, master_id: 13814 });
});

test("@graph, arrays, url instead of @id, and type arrays", () => {
  const parsed = [{ "@graph": [{ "@type": ["Thing", "MusicRelease"], url: "https://www.discogs.com/release/5-x" }] }];
  assert.deepEqual(ids_from_json_ld(parsed), { release_id: 5, master_id: null });
  assert.equal(flatten_json_ld([[{ a: 1 }, null, 3]]).length, 1);
});

test("other types and foreign URLs are ignored", () => {
  const parsed = [
    { "@type": "Organization", "@id": "https://www.discogs.com/release/9" },
    { "@type": "MusicRelease", "@id": "https://example.com/release/9" },
  ];
  assert.deepEqual(ids_from_json_ld(parsed), { release_id: null, master_id: null });
});

test("broken JSON-LD blocks are skipped, good ones still read", () => {
  const document = blank_document(`<html><head>
    <script type="application/ld+json">{not json</script>
    <script type="application/ld+json">{"@type":"MusicAlbum","@id":"https://www.discogs.com/master/77"}</script>
  </head></html>`);
  assert.deepEqual(json_ld_ids(document), { release_id: null, master_id: 77 });
});
