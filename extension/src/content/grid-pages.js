// Shared by the pages that list releases in a grid (collection, wantlist):
// the grid's ids and the request made from them.
import { all_matches, linked_ids } from "../shared/page-dom-ids.js";
import { MESSAGE } from "../shared/messages.js";

// When Discogs renames the grid, the main column still holds the same links.
const MAIN_COLUMN_SELECTORS = ["main", "#page_content"];

/** Release and master ids linked from the grid(s) matching grid_selectors. */
export function grid_ids(document, grid_selectors) {
  const grids = all_matches(document, grid_selectors);
  return linked_ids(grids.length ? grids : all_matches(document, MAIN_COLUMN_SELECTORS).slice(0, 1));
}

export function visible_ids_request({ release_ids, master_ids }) {
  return release_ids.length + master_ids.length > 0
    ? { type: MESSAGE.RECOMMEND_FOR_IDS, release_ids, master_ids }
    : null;
}
