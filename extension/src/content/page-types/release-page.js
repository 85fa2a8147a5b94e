// Release pages: /release/<id>-Artist-Title (and /de/release/...).
// Selectors are proven by tests/extension/fixtures/release-page*.html.
import { release_id_from_path } from "../../shared/discogs-urls.js";
import { json_ld_ids } from "../../shared/json-ld.js";
import { canonical_ids, catalogue_code_id, first_match, linked_ids } from "../../shared/page-dom-ids.js";
import { MESSAGE } from "../../shared/messages.js";

const HEADER_SELECTORS = ["#release-header", "h1"];
// Where a release page links to its master ("All versions", "Master Release").
const MASTER_LINK_SELECTORS = ["#release-other-versions", "#release-master-release", "#release-header"];

function read_release_id(document, url) {
  return (
    release_id_from_path(url.pathname) ??
    json_ld_ids(document).release_id ??
    canonical_ids(document).release_id ??
    catalogue_code_id([first_match(document, HEADER_SELECTORS), document.querySelector("#release-stats")], "r")
  );
}

function read_master_id(document, release_id) {
  // After client-side navigation the JSON-LD can still describe the previous
  // release, so its master only counts when its release is this one.
  const from_json_ld = json_ld_ids(document);
  if (from_json_ld.master_id && from_json_ld.release_id === release_id) return from_json_ld.master_id;
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
    { selector: "#release-recommendations", position: "afterend" },
    { selector: "#release-stats", position: "afterend" },
  ],
  because_label: null,
};
