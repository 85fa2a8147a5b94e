// Content-script entry point: finds the page type, reads the page's ids, asks
// the service worker for recommendations and keeps the panel in step with
// client-side navigation and re-rendering grids.
import { ext } from "../shared/browser-api.js";
import { MESSAGE, ask_service_worker } from "../shared/messages.js";
import { load_settings, on_settings_changed, page_type_enabled } from "../shared/settings.js";
import { mark_not_interested } from "../shared/not-interested.js";
import { find_page_type } from "./page-types/index.js";
import { QUIET_TEXT, create_panel } from "./panel.js";
import { watch_page } from "./page-watcher.js";

const LOADING_DELAY_MS = 300;

// Failures after which asking the next request would not help.
const STOPPING_CODES = new Set(["unreachable", "timeout", "extension_unavailable"]);

let current = null; // {page_type, settings, panel, requests_key}
let generation = 0; // bumps on every new load; older answers are dropped

function current_url() {
  return new URL(window.location.href);
}

async function first_answer(requests) {
  let answer = null;
  for (const request of requests) {
    answer = await ask_service_worker(request);
    if (answer.ok || STOPPING_CODES.has(answer.error?.code)) return answer;
  }
  return answer;
}

function is_unknown(error) {
  return error?.status === 404 || error?.code === "not_found";
}

function render(state, answer) {
  const { panel, page_type } = state;
  if (answer.ok) {
    panel.attach();
    if (answer.items.length === 0) panel.show_empty();
    else {
      panel.show_items(answer.items, {
        because_verb: page_type.because_verb,
        on_not_interested: (item) => mark_not_interested(item).catch(() => {}),
      });
    }
  } else if (is_unknown(answer.error) || answer.error?.code === "extension_unavailable") {
    // An album the index does not know gets no panel at all.
    panel.detach();
  } else {
    panel.attach();
    panel.show_message(["unreachable", "timeout"].includes(answer.error?.code) ? QUIET_TEXT.unreachable : QUIET_TEXT.failed);
  }
}

/** Reads the ids again and asks for recommendations when they changed. */
async function refresh() {
  const state = current;
  if (!state) return;
  state.panel.reattach_if_shown();
  const requests = state.page_type.requests(state.page_type.read_ids(document, current_url()), state.settings);
  const requests_key = JSON.stringify(requests);
  if (requests_key === state.requests_key) return;
  state.requests_key = requests_key;
  const this_load = ++generation;
  if (requests.length === 0) {
    state.panel.detach();
    return;
  }
  // Cards already shown stay until the new ones arrive (no flicker while
  // paging), and quick answers (the cache, a local server, an unknown release
  // that must show nothing) never flash the loading line.
  const loading_timer = state.panel.state === "items" ? null : setTimeout(() => {
    if (this_load !== generation || current !== state) return;
    state.panel.attach();
    state.panel.show_loading();
  }, LOADING_DELAY_MS);
  const answer = await first_answer(requests);
  clearTimeout(loading_timer);
  if (this_load === generation && current === state) render(state, answer);
}

async function start() {
  current?.panel.detach();
  current = null;
  const this_start = ++generation;
  const page_type = find_page_type(current_url());
  if (!page_type) return;
  const settings = await load_settings();
  if (this_start !== generation || !page_type_enabled(settings, page_type.name)) return;
  current = {
    page_type,
    settings,
    requests_key: null,
    panel: create_panel(document, {
      page_type_name: page_type.name,
      panel_places: page_type.panel_places,
      on_open_options: () => ask_service_worker({ type: MESSAGE.OPEN_OPTIONS }),
    }),
  };
  await refresh();
}

function run(task) {
  // Nothing may escape to the page's console as an uncaught error.
  task().catch(() => {});
}

// The popup asks which ids this tab shows (the URL alone lacks e.g. the master).
ext.runtime.onMessage.addListener((message, sender, send_response) => {
  if (message?.type !== MESSAGE.PAGE_IDS || sender.id !== ext.runtime.id) return false;
  try {
    const page_type = find_page_type(current_url());
    send_response(page_type
      ? { ok: true, page_type: page_type.name, ids: page_type.read_ids(document, current_url()) }
      : { ok: false });
  } catch {
    send_response({ ok: false });
  }
  return false;
});

on_settings_changed(() => run(start));
watch_page({
  window,
  on_navigation: () => run(start),
  on_mutation: () => run(refresh),
});
run(start);
