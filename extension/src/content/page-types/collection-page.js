// Collection pages: /user/<name>/collection. The ids are those of the
// releases shown in the grid (it re-renders when the user pages, sorts or
// filters); on the user's own collection with a username in the options, the
// whole collection is asked for through the API first.
// Selectors are proven by tests/extension/fixtures/collection-page.html.
import { collection_owner_from_path, same_username } from "../../shared/discogs-urls.js";
import { MESSAGE } from "../../shared/messages.js";
import { grid_ids, visible_ids_request } from "../grid-pages.js";

const GRID_SELECTORS = ["#collection", "[data-testid='collection-table']"];

export default {
  name: "collection",
  label: "Collection pages",
  matches: (url) => collection_owner_from_path(url.pathname) !== null,
  read_ids(document, url) {
    return { owner: collection_owner_from_path(url.pathname), ...grid_ids(document, GRID_SELECTORS) };
  },
  requests(ids, settings) {
    const whole_collection = same_username(settings.discogs_username, ids.owner)
      ? { type: MESSAGE.RECOMMEND_FOR_USER, username: settings.discogs_username }
      : null;
    return [whole_collection, visible_ids_request(ids)].filter(Boolean);
  },
  panel_places: [
    { selector: "#collection", position: "afterend" },
    { selector: "[data-testid='collection-table']", position: "afterend" },
  ],
  because_label: "Because you own",
};
