// Release pages: /release/<id>-Artist-Title (and /de/release/...).
//
// The real page (React, ../shared/data/pages/README.md): `<div id="app">` ...
// `<div id="page" role="main">`, sections `section#release-<name>` in two flex
// columns ordered by inline `order`: the main column (tracklist, videos,
// contributors) and the right one, about 300 px (actions, marketplace,
// `#release-stats`). `#release-recommendations` is not in the first render: it
// loads later into an empty slot of the main column, so the panel waits for it
// a few seconds before it settles after `#release-stats`.
// Ids: the URL, then JSON-LD `script#release_schema` ("@id" the release URL,
// "releaseOf" the master), then `script#dsdata` (Apollo cache
// `Release:{"discogsId":ID}` -> masterRelease), then links and the [r…] code.
// Our fixtures: tests/extension/fixtures/release-page*.html.
import { release_id_from_path } from "../../shared/discogs-urls.js";
import { json_ld_ids } from "../../shared/json-ld.js";
import { dsdata_ids } from "../../shared/page-data.js";
import { canonical_ids, catalogue_code_id, first_match, linked_ids } from "../../shared/page-dom-ids.js";
import { MESSAGE } from "../../shared/messages.js";

// The [r…] code is in the copy-code button of #release-actions on the real page.
const CODE_SELECTORS = ["#release-actions", "#release-header", "h1", "#release-stats"];
// Where a release page links to its master ("All versions", "Master Release").
const MASTER_LINK_SELECTORS = ["#release-other-versions", "#release-master-release", "#release-header", "#release-actions"];
// How long the panel waits for Discogs' late recommendations section.
export const RECOMMENDATIONS_WAIT_MS = 4000;

function read_release_id(document, url) {
  return (
    release_id_from_path(url.pathname) ??
    json_ld_ids(document).release_id ??
    dsdata_ids(document).release_id ??
    canonical_ids(document).release_id ??
    catalogue_code_id(CODE_SELECTORS.map((selector) => first_match(document, [selector])), "r")
  );
}

function read_master_id(document, release_id) {
  // After client-side navigation the JSON-LD can still describe the previous
  // release, so its master only counts when its release is this one; the
  // Apollo cache is asked about this release by its id.
  const from_json_ld = json_ld_ids(document);
  if (from_json_ld.master_id && from_json_ld.release_id === release_id) return from_json_ld.master_id;
  const from_dsdata = release_id ? dsdata_ids(document, release_id).master_id : null;
  if (from_dsdata) return from_dsdata;
  const containers = MASTER_LINK_SELECTORS.map((selector) => document.querySelector(selector)).filter(Boolean);
  return linked_ids(containers).master_ids[0] ?? null;
}

export default {
  name: "release",
  label: "Release pages",
  matches: (url) => release_id_from_path(url.pathname) !== null,
  read_ids(document, url) {
    const release_id = read_release_id(document, url);
    return { release_id, master_id: read_master_id(document, release_id) };
  },
  // A release missing from the index may still have its master there.
  requests: ({ release_id, master_id }) => [
    release_id && { type: MESSAGE.NEIGHBOURS, kind: "release", id: release_id },
    master_id && { type: MESSAGE.NEIGHBOURS, kind: "master", id: master_id },
  ].filter(Boolean),
  panel_places: [
    // Main column, full width: the panel shows a grid.
    { selector: "#release-recommendations", position: "afterend", wait_ms: RECOMMENDATIONS_WAIT_MS },
    // Right column, about 300 px: the panel shows a list.
    { selector: "#release-stats", position: "afterend" },
  ],
  because_verb: null,
};
