// Shared by the pages that list releases (collection, wantlist): the ids they
// show and the request made from them.
import { all_matches, ids_of_links } from "../shared/page-dom-ids.js";
import { MESSAGE } from "../shared/messages.js";

/** Release and master ids of the links matching `selectors` (a[href] selectors), in page order. */
export function linked_ids_in(document, selectors) {
  return ids_of_links(all_matches(document, selectors));
}

export function visible_ids_request({ release_ids, master_ids }) {
  return release_ids.length + master_ids.length > 0
    ? { type: MESSAGE.RECOMMEND_FOR_IDS, release_ids, master_ids }
    : null;
}
