// The wantlist: /mywantlist.
//
// The real page is server-rendered (../shared/data/pages/
// wantlist_row_fragment_2026-09.html): inside `#page_content`, one
// `<tr class="wantlist_rID new shortcut_navigable">` per record, holding
// `<input type="checkbox" name="cw_releases" value="ID">` and the release link
// `td.artist_title span.release_title_link a[href="/release/ID-..."]`.
// The checkbox value is the id; the links are the fallback (and carry masters).
// Our fixture: tests/extension/fixtures/wantlist-page.html.
import { is_wantlist_path, positive_id } from "../../shared/discogs-urls.js";
import { linked_ids_in, visible_ids_request } from "../grid-pages.js";

const ROWS = '#page_content tr[class*="wantlist_r"]';
const ROW_CHECKBOXES = `${ROWS} input[name="cw_releases"]`;
const ROW_LINKS = `${ROWS} .release_title_link a[href]`;

function read_ids(document) {
  const linked = linked_ids_in(document, [ROW_LINKS]);
  const checked = [...document.querySelectorAll(ROW_CHECKBOXES)].map((input) => positive_id(input.value)).filter(Boolean);
  return { release_ids: [...new Set([...checked, ...linked.release_ids])], master_ids: linked.master_ids };
}

/** The table of wantlist rows: the panel goes after it, full width. */
function wantlist_table(document) {
  return document.querySelector(ROWS)?.closest("table") ?? null;
}

export default {
  name: "wantlist",
  label: "Wantlist",
  matches: (url) => is_wantlist_path(url.pathname),
  read_ids,
  requests: (ids) => [visible_ids_request(ids)].filter(Boolean),
  panel_places: [
    { name: "wantlist table", find: wantlist_table, position: "afterend" },
  ],
  because_verb: "want",
};
