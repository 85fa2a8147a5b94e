// Master pages: /master/<id>-Artist-Title (and /de/master/...).
// Selectors are proven by tests/extension/fixtures/master-page.html.
import { master_id_from_path } from "../../shared/discogs-urls.js";
import { json_ld_ids } from "../../shared/json-ld.js";
import { canonical_ids, catalogue_code_id, first_match } from "../../shared/page-dom-ids.js";
import { MESSAGE } from "../../shared/messages.js";

const HEADER_SELECTORS = ["#master-header", "h1"];

export default {
  name: "master",
  label: "Master pages",
  matches: (url) => master_id_from_path(url.pathname) !== null,
  read_ids(document, url) {
    const master_id =
      master_id_from_path(url.pathname) ??
      json_ld_ids(document).master_id ??
      canonical_ids(document).master_id ??
      catalogue_code_id([first_match(document, HEADER_SELECTORS)], "m");
    return { master_id };
  },
  requests: ({ master_id }) => (master_id ? [{ type: MESSAGE.NEIGHBOURS, kind: "master", id: master_id }] : []),
  panel_places: [
    { selector: "#master-recommendations", position: "afterend" },
    { selector: "#release-recommendations", position: "afterend" },
    { selector: "#master-release-table", position: "afterend" },
    { selector: "#master-stats", position: "afterend" },
  ],
  because_label: null,
};
