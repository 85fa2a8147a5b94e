import { test } from "node:test";
import assert from "node:assert/strict";
import { PANEL_TAG, QUIET_TEXT, create_panel } from "../src/content/panel.js";
import { PAGE_TYPES } from "../src/content/page-types/index.js";
import { load_fixture } from "./support/fixture-dom.js";

const release_page = PAGE_TYPES.find((page_type) => page_type.name === "release");
const ITEMS = [
  { album_id: 1, master_id: 10, title: "One" },
  { album_id: 2, release_id: 20, title: "Two" },
];

function release_panel(fixture = "release-page.html") {
  const { document } = load_fixture(fixture, "/release/1021");
  const panel = create_panel(document, { page_type_name: "release", panel_places: release_page.panel_places });
  return { document, panel };
}

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

  ({ document, panel } = release_panel("release-page-unknown.html"));
  panel.attach();
  assert.equal(document.querySelector("#release-stats").nextElementSibling, panel.host);

  document.querySelector("#release-stats").remove();
  panel.detach();
  panel.attach();
  assert.equal(document.querySelector("main").lastElementChild, panel.host);
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
  const { document, panel } = release_panel();
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
