// Master pages: /master/<id>-Artist-Title (and /de/master/...).
// Ids: the URL, then JSON-LD `script#master_schema` (MusicAlbum whose "@id" is
// the master; its albumRelease entries are versions, not the page), then the
// canonical link and the [m…] code. The React master page shares the release
// page's layout (section ids, late recommendations), so the same places are
// tried after the master's own.
// Our fixture: tests/extension/fixtures/master-page.html.
import { master_id_from_path } from "../../shared/discogs-urls.js";
import { json_ld_ids } from "../../shared/json-ld.js";
import { canonical_ids, catalogue_code_id, first_match } from "../../shared/page-dom-ids.js";
import { MESSAGE } from "../../shared/messages.js";
import { RECOMMENDATIONS_WAIT_MS } from "./release-page.js";

const CODE_SELECTORS = ["#master-actions", "#release-actions", "#master-header", "h1"];

export default {
  name: "master",
  label: "Master pages",
  matches: (url) => master_id_from_path(url.pathname) !== null,
  read_ids(document, url) {
    const master_id =
      master_id_from_path(url.pathname) ??
      json_ld_ids(document).master_id ??
      canonical_ids(document).master_id ??
      catalogue_code_id(CODE_SELECTORS.map((selector) => first_match(document, [selector])), "m");
    return { master_id };
  },
  requests: ({ master_id }) => (master_id ? [{ type: MESSAGE.NEIGHBOURS, kind: "master", id: master_id }] : []),
  panel_places: [
    { selector: "#master-recommendations", position: "afterend" },
    { selector: "#release-recommendations", position: "afterend", wait_ms: RECOMMENDATIONS_WAIT_MS },
    { selector: "#master-release-table", position: "afterend" },
    { selector: "#release-stats", position: "afterend" },
    { selector: "#master-stats", position: "afterend" },
  ],
  because_verb: null,
};
