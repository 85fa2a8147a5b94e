import { test } from "node:test";
import assert from "node:assert/strict";
import { PANEL_TAG, QUIET_TEXT, create_panel } from "../src/content/panel.js";
import { PAGE_TYPES } from "../src/content/page-types/index.js";
import { load_fixture, run_after_load } from "./support/fixture-dom.js";

const release_page = PAGE_TYPES.find((page_type) => page_type.name === "release");
const ITEMS = [
  { album_id: 1, master_id: 10, title: "One" },
  { album_id: 2, release_id: 20, title: "Two" },
];

function release_panel(fixture = "release-page.html", { after_load = true, panel_places = release_page.panel_places } = {}) {
  const { document, window } = load_fixture(fixture, "/release/1021", { after_load });
  const panel = create_panel(document, { page_type_name: "release", panel_places });
  return { document, window, panel };
}

// The release page's places without the wait for late recommendations.
const PLACES_NOW = release_page.panel_places.map(({ wait_ms, ...place }) => place);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test("the panel is a custom element with an open shadow root", () => {
  const { panel } = release_panel();
  assert.equal(panel.host.tagName.toLowerCase(), PANEL_TAG);
  assert.equal(panel.host.shadowRoot.mode, "open");
  assert.equal(panel.host.shadowRoot.querySelector("h2").textContent, "You might also like");
  assert.ok(panel.host.shadowRoot.querySelector("style").textContent.includes(".card"));
});

test("it goes right after Discogs' recommendations, else after the stats, else the main column", () => {
  let { document, panel } = release_panel();
  assert.equal(panel.attach(), true);
  assert.equal(document.querySelector("#release-recommendations").nextElementSibling, panel.host);

  ({ document, panel } = release_panel("release-page-unknown.html", { panel_places: PLACES_NOW }));
  panel.attach();
  assert.equal(document.querySelector("#release-stats").nextElementSibling, panel.host);

  document.querySelector("#release-stats").remove();
  panel.detach();
  panel.attach();
  // React pages have <div id="page" role="main"> and no <main>.
  assert.equal(document.querySelector("#page[role=main]").lastElementChild, panel.host);
});

test("it waits for Discogs' late recommendations, then goes after them", async () => {
  const places = [{ ...release_page.panel_places[0], wait_ms: 400 }, release_page.panel_places[1]];
  const { document, window, panel } = release_panel("release-page.html", { after_load: false, panel_places: places });
  assert.equal(panel.attach(), true, "waiting counts as placed");
  panel.show_items(ITEMS);
  assert.equal(panel.host.isConnected, false, "not after the stats while the recommendations may still come");
  await sleep(50);
  run_after_load(window); // the section arrives
  await sleep(20);
  assert.equal(document.querySelector("#release-recommendations").nextElementSibling, panel.host);
  assert.equal(panel.host.dataset.place, "#release-recommendations");
});

test("when the recommendations never come it settles after the stats", async () => {
  const places = [{ ...release_page.panel_places[0], wait_ms: 150 }, release_page.panel_places[1]];
  const { document, panel } = release_panel("release-page.html", { after_load: false, panel_places: places });
  panel.attach();
  panel.show_items(ITEMS);
  await sleep(250);
  assert.equal(document.querySelector("#release-stats").nextElementSibling, panel.host);
  // Once the wait is over, a later attach does not wait again.
  panel.detach();
  panel.attach();
  assert.equal(document.querySelector("#release-stats").nextElementSibling, panel.host);
});

test("states: loading, items, empty, message", () => {
  const { panel } = release_panel();
  const body = () => panel.host.shadowRoot.querySelector(".panel-body");
  panel.show_loading();
  assert.equal(panel.state, "loading");
  assert.equal(body().textContent, QUIET_TEXT.loading);
  panel.show_items(ITEMS);
  assert.equal(body().querySelectorAll(".card").length, 2);
  panel.show_empty();
  assert.equal(body().textContent, QUIET_TEXT.empty);
  panel.show_message(QUIET_TEXT.unreachable);
  assert.equal(body().textContent, QUIET_TEXT.unreachable);
});

test("dismissing cards removes them, and the last one leaves the empty line", () => {
  const { panel } = release_panel();
  const dismissed = [];
  panel.show_items(ITEMS, { on_not_interested: (item) => dismissed.push(item.title) });
  const root = panel.host.shadowRoot;
  root.querySelector("button.not-interested").click();
  assert.deepEqual([...root.querySelectorAll(".card .title")].map((title) => title.textContent), ["Two"]);
  root.querySelector("button.not-interested").click();
  assert.deepEqual(dismissed, ["One", "Two"]);
  assert.equal(panel.state, "empty");
});

test("a detached panel stays away; a shown one comes back after a re-render", () => {
  const { document, panel } = release_panel("release-page.html", { panel_places: PLACES_NOW });
  panel.reattach_if_shown();
  assert.equal(panel.host.isConnected, false, "nothing shown yet");
  panel.attach();
  panel.show_items(ITEMS);
  document.querySelector("#release-recommendations").parentElement.replaceChildren();
  panel.reattach_if_shown();
  assert.equal(panel.host.isConnected, true);
  panel.detach();
  panel.reattach_if_shown();
  assert.equal(panel.host.isConnected, false);
});
