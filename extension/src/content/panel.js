// The "You might also like" panel: a custom element holding an open shadow
// root, so Discogs' CSS cannot leak in. It shows one state at a time:
// loading, cards, or a quiet line (empty, API trouble).
import { element, remove_children } from "../shared/dom-building.js";
import { render_card_list } from "../shared/card-rendering.js";
import { PANEL_CSS } from "./panel-styles.js";

export const PANEL_TAG = "discogs-recs-panel";
export const PANEL_HEADING = "You might also like";

// When none of a page type's places is on the page: the end of the main
// column. Server-rendered pages have `<div id="page_content" role="main">`
// (../shared/data/pages/sell_release_2247646_2026-05.html); React pages
// `<div id="page" role="main">` and no <main> element (../shared/data/pages/README.md).
const MAIN_COLUMN_PLACES = [
  { selector: "#page_content", position: "beforeend" },
  { selector: "#page[role=main]", position: "beforeend" },
  { selector: "main", position: "beforeend" },
  { selector: "body", position: "beforeend" },
];

/** The element a place names: `find(document)` when it has one, else its selector. */
export function find_place(document, place) {
  try {
    return place.find ? place.find(document) ?? null : document.querySelector(place.selector);
  } catch {
    return null;
  }
}

export const QUIET_TEXT = Object.freeze({
  loading: "Finding records you might like",
  empty: "No recommendations for this page yet.",
  unreachable: "Recommendations are unavailable: the discogs-recs server did not answer.",
  failed: "Recommendations are unavailable right now.",
});

/**
 * places: [{selector | find(document), position, wait_ms?}], first present wins.
 * A place with wait_ms is one that Discogs fills after the first render
 * (#release-recommendations): while it is missing and the panel is younger than
 * wait_ms, the panel waits for it (a MutationObserver) rather than falling back.
 */
export function create_panel(document, { page_type_name, panel_places = [], on_open_options = null }) {
  const created_at = Date.now();
  const host = document.createElement(PANEL_TAG);
  host.setAttribute("data-page-type", page_type_name);
  const shadow = host.attachShadow({ mode: "open" });
  const body = element(document, "div", { class_name: "panel-body cards-frame", attributes: { "aria-live": "polite" } });
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
  let waiting = null; // {observer, timer} while a place with wait_ms is awaited

  function stop_waiting() {
    if (!waiting) return;
    waiting.observer.disconnect();
    clearTimeout(waiting.timer);
    waiting = null;
  }

  // The place to use now: null to wait for a late one, undefined when there is none.
  function choose_place() {
    const age = Date.now() - created_at;
    for (const place of [...panel_places, ...MAIN_COLUMN_PLACES]) {
      const target = find_place(document, place);
      if (target && !host.contains(target)) return { place, target };
      if (place.wait_ms && age < place.wait_ms) return { wait_ms: place.wait_ms - age };
    }
    return undefined;
  }

  // In a flex or grid column ordered by `order` (Discogs' columns are), a
  // sibling of `target` takes the target's order so it shows right after it.
  function follow_flex_order(target, position) {
    const sibling = position === "afterend" || position === "beforebegin";
    const order = sibling ? document.defaultView.getComputedStyle(target).order : "0";
    host.style.setProperty("--discogs-recs-order", /^-?\d+$/.test(order) ? order : "0");
  }

  function wait_for_place(wait_ms) {
    if (waiting) return;
    const retry = () => {
      stop_waiting();
      if (state !== "detached") panel.attach();
    };
    const view = document.defaultView;
    const observer = new view.MutationObserver(() => {
      if (choose_place()?.target) retry();
    });
    observer.observe(document.documentElement, { childList: true, subtree: true });
    waiting = { observer, timer: view.setTimeout(retry, wait_ms + 10) };
  }

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

    /**
     * Puts the panel at the first place present on the page, or waits for a
     * late place (see create_panel); false when there is no place at all.
     */
    attach() {
      if (host.isConnected) return true;
      const choice = choose_place();
      if (choice === undefined) return false;
      if (choice.target) {
        stop_waiting();
        choice.target.insertAdjacentElement(choice.place.position, host);
        follow_flex_order(choice.target, choice.place.position);
        host.setAttribute("data-place", choice.place.selector ?? choice.place.name ?? "");
      } else {
        wait_for_place(choice.wait_ms);
      }
      return true;
    },

    /** Takes the panel off the page until the next show_* call. */
    detach() {
      stop_waiting();
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

    /**
     * Cards for `items`; `because_verb` ("own", "want" or null) sets the because line,
     * `on_not_interested(item)` persists a dismissal, the panel drops the card.
     */
    show_items(items, { because_verb = null, on_not_interested = null } = {}) {
      const list = render_card_list(items, {
        document,
        explain: Boolean(because_verb),
        because_verb: because_verb ?? "own",
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
