// Collection pages: /user/<name>/collection.
//
// The real page (React since Nov 2024, ../shared/data/pages/README.md): the
// grid is `[class*="collectionContainer_"] [class*="dataGridContainer_"]`
// inside `#app #page`, each record a `[class*="itemContainer_"]` whose links
// go to /release/ID-...; class names end in build hashes that change between
// deploys, so only their prefixes are matched. The rows come from Discogs'
// own GraphQL after load and are replaced on paging, sorting and filtering:
// the page watcher's MutationObserver reads them again each time.
// The ids are those of the records shown; on the user's own collection with a
// username in the options, the whole collection is asked for first. Without a
// username (a new user) the records shown are enough for a panel.
// Our fixture: tests/extension/fixtures/collection-page.html.
import { collection_owner_from_path, same_username } from "../../shared/discogs-urls.js";
import { MESSAGE } from "../../shared/messages.js";
import { linked_ids_in, visible_ids_request } from "../grid-pages.js";

export const COLLECTION = '[class*="collectionContainer_"]';
export const GRID = `${COLLECTION} [class*="dataGridContainer_"]`;
export const ITEM_LINKS = `${COLLECTION} [class*="itemContainer_"] a[href]`;

export default {
  name: "collection",
  label: "Collection pages",
  matches: (url) => collection_owner_from_path(url.pathname) !== null,
  read_ids(document, url) {
    return { owner: collection_owner_from_path(url.pathname), ...linked_ids_in(document, [ITEM_LINKS]) };
  },
  requests(ids, settings) {
    const whole_collection = same_username(settings.discogs_username, ids.owner)
      ? { type: MESSAGE.RECOMMEND_FOR_USER, username: settings.discogs_username }
      : null;
    return [whole_collection, visible_ids_request(ids)].filter(Boolean);
  },
  // Full width below the grid: the panel shows a grid of cards.
  panel_places: [
    { selector: GRID, position: "afterend" },
    { selector: COLLECTION, position: "beforeend" },
  ],
  because_verb: "own",
};
