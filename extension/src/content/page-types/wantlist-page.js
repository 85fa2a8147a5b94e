// The wantlist: /mywantlist. The ids are those of the releases shown in the
// wantlist grid, which re-renders when the user pages or sorts.
// Selectors are proven by tests/extension/fixtures/wantlist-page.html.
import { is_wantlist_path } from "../../shared/discogs-urls.js";
import { grid_ids, visible_ids_request } from "../grid-pages.js";

const GRID_SELECTORS = ["#wantlist", "[data-testid='wantlist-table']"];

export default {
  name: "wantlist",
  label: "Wantlist",
  matches: (url) => is_wantlist_path(url.pathname),
  read_ids: (document) => grid_ids(document, GRID_SELECTORS),
  requests: (ids) => [visible_ids_request(ids)].filter(Boolean),
  panel_places: [
    { selector: "#wantlist", position: "afterend" },
    { selector: "[data-testid='wantlist-table']", position: "afterend" },
  ],
  because_label: "Because you want",
};
