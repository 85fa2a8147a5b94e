// The "You might also like" panel: a custom element holding an open shadow
// root, so Discogs' CSS cannot leak in. It shows one state at a time:
// loading, cards, or a quiet line (empty, API trouble).
import { element, remove_children } from "../shared/dom-building.js";
import { render_card_list } from "../shared/card-rendering.js";
import { PANEL_CSS } from "./panel-styles.js";

export const PANEL_TAG = "discogs-recs-panel";
export const PANEL_HEADING = "You might also like";

// When none of a page type's places is on the page: the end of the main column.
const MAIN_COLUMN_PLACES = [
  { selector: "main", position: "beforeend" },
  { selector: "#page_content", position: "beforeend" },
  { selector: "body", position: "beforeend" },
];

export const QUIET_TEXT = Object.freeze({
  loading: "Finding records you might like",
  empty: "No recommendations for this page yet.",
  unreachable: "Recommendations are unavailable: the discogs-recs server did not answer.",
  failed: "Recommendations are unavailable right now.",
});

export function create_panel(document, { page_type_name, panel_places = [], on_open_options = null }) {
  const host = document.createElement(PANEL_TAG);
  host.setAttribute("data-page-type", page_type_name);
  const shadow = host.attachShadow({ mode: "open" });
  const body = element(document, "div", { class_name: "panel-body", attributes: { "aria-live": "polite" } });
  const header = element(document, "div", { class_name: "panel-header" }, [
    element(document, "h2", { text: PANEL_HEADING }),
  ]);
  if (on_open_options) {
    const source = element(document, "button", {
      class_name: "source",
      text: "discogs-recs settings",
      attributes: { type: "button", title: "Open the discogs-recs options" },
    });
    source.addEventListener("click", () => on_open_options());
    header.append(source);
  }
  shadow.append(
    element(document, "style", { text: PANEL_CSS }),
    element(document, "section", { class_name: "panel", attributes: { "aria-label": PANEL_HEADING } }, [header, body]),
  );

  let state = "new";

  function show(new_state, ...children) {
    state = new_state;
    remove_children(body);
    body.append(...children);
  }

  function quiet(text, class_name = "quiet") {
    return element(document, "p", { class_name, text });
  }

  const panel = {
    host,
    get state() {
      return state;
    },

    /** Puts the panel at the first place present on the page; false when there is none. */
    attach() {
      if (host.isConnected) return true;
      for (const place of [...panel_places, ...MAIN_COLUMN_PLACES]) {
        const target = document.querySelector(place.selector);
        if (target && !host.contains(target)) {
          target.insertAdjacentElement(place.position, host);
          return true;
        }
      }
      return false;
    },

    /** Takes the panel off the page until the next show_* call. */
    detach() {
      host.remove();
      state = "detached";
    },

    /** Puts a panel that shows something back after Discogs re-rendered its container away. */
    reattach_if_shown() {
      if (state !== "new" && state !== "detached" && !host.isConnected) panel.attach();
    },

    show_loading() {
      show("loading", quiet(QUIET_TEXT.loading, "quiet loading"));
    },

    show_empty() {
      show("empty", quiet(QUIET_TEXT.empty));
    },

    show_message(text) {
      show("message", quiet(text));
    },

    /** Cards for `items`; `on_not_interested(item)` persists a dismissal, the panel drops the card. */
    show_items(items, { because_label = null, on_not_interested = null } = {}) {
      const list = render_card_list(document, items, {
        because_label,
        on_not_interested: on_not_interested && ((item, card) => {
          card.remove();
          on_not_interested(item);
          if (!list.querySelector(".card")) panel.show_empty();
        }),
      });
      show("items", list);
    },
  };
  return panel;
}
