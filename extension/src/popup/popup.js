// The toolbar popup: on a release or master tab, that album's neighbours;
// anywhere else, recommendations for the user's collection.
import { ext } from "../shared/browser-api.js";
import { MESSAGE, ask_service_worker } from "../shared/messages.js";
import { load_settings } from "../shared/settings.js";
import { mark_not_interested } from "../shared/not-interested.js";
import { element, remove_children } from "../shared/dom-building.js";
import { render_card_list, title_of } from "../shared/card-rendering.js";
import { CARD_CSS } from "../shared/card-styles.js";
import { find_page_type } from "../content/page-types/index.js";

const NEIGHBOUR_PAGE_TYPES = new Set(["release", "master"]);

const results = document.getElementById("results");
const subject = document.getElementById("subject");

function quiet(text) {
  remove_children(results);
  results.append(element(document, "p", { class_name: "quiet", text }));
}

/** The tab the popup is about: ?tab=<id> when opened in a tab of its own, else the active tab. */
async function target_tab() {
  const tab_id = Number(new URLSearchParams(window.location.search).get("tab"));
  if (Number.isSafeInteger(tab_id) && tab_id > 0) return ext.tabs.get(tab_id).catch(() => null);
  const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
  return tab ?? null;
}

/** The tab's ids from its content script (URL, JSON-LD, DOM), or from its URL alone. */
async function tab_ids(tab, page_type) {
  try {
    const answer = await ext.tabs.sendMessage(tab.id, { type: MESSAGE.PAGE_IDS });
    if (answer?.ok && answer.page_type === page_type.name) return answer.ids;
  } catch {
    // No content script in that tab (it loaded before the extension, or the page type is switched off).
  }
  return page_type.read_ids(document.implementation.createHTMLDocument(""), new URL(tab.url));
}

async function first_answer(requests) {
  let answer = null;
  for (const request of requests) {
    answer = await ask_service_worker(request);
    if (answer.ok || ["unreachable", "timeout"].includes(answer.error?.code)) return answer;
  }
  return answer;
}

function show_subject(prefix, cited) {
  remove_children(subject);
  subject.append(prefix);
  if (cited) subject.append(element(document, "cite", { text: cited }));
}

function show_answer(answer, { unknown_text }) {
  if (!answer?.ok) {
    if (answer?.error?.status === 404) quiet(unknown_text);
    else if (["unreachable", "timeout"].includes(answer?.error?.code)) quiet("The discogs-recs server did not answer. Is it running, and is its URL right in the options?");
    else quiet("Recommendations are unavailable right now.");
    return;
  }
  if (answer.items.length === 0) {
    quiet("No recommendations yet.");
    return;
  }
  remove_children(results);
  results.append(render_card_list(answer.items, {
    document,
    explain: true,
    on_not_interested: (item, card) => {
      card.remove();
      mark_not_interested(item).catch(() => {});
      if (!results.querySelector(".card")) quiet("No recommendations yet.");
    },
  }));
}

async function show_neighbours(tab, page_type, settings) {
  show_subject("Similar to this page");
  quiet("Finding records you might like…");
  const answer = await first_answer(page_type.requests(await tab_ids(tab, page_type), settings));
  if (answer?.ok && answer.query) show_subject("Similar to ", title_of(answer.query));
  show_answer(answer, { unknown_text: "This album is not in the recommendation index." });
}

async function show_collection(settings) {
  if (!settings.discogs_username) {
    show_subject("");
    quiet("Open a release or master page on Discogs, or set your Discogs username in the options to get recommendations for your collection.");
    return;
  }
  show_subject("For the collection of ", settings.discogs_username);
  quiet("Finding records you might like…");
  const answer = await ask_service_worker({ type: MESSAGE.RECOMMEND_FOR_USER, username: settings.discogs_username });
  show_answer(answer, { unknown_text: "Discogs does not know that user, or the collection is private." });
}

async function main() {
  document.head.append(element(document, "style", { text: CARD_CSS }));
  document.getElementById("open-options").addEventListener("click", () => {
    ext.runtime.openOptionsPage().catch(() => {});
  });
  const [settings, tab] = await Promise.all([load_settings(), target_tab()]);
  const page_type = tab?.url ? find_page_type(tab.url) : null;
  if (page_type && NEIGHBOUR_PAGE_TYPES.has(page_type.name)) await show_neighbours(tab, page_type, settings);
  else await show_collection(settings);
}

main().catch(() => quiet("Recommendations are unavailable right now."));
