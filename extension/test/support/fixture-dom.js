// Loads the saved Discogs pages that the browser tests serve, so the Node
// tests prove the selectors against the same HTML.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const FIXTURES = new URL("../../../tests/extension/fixtures/", import.meta.url);

export function fixture_html(name) {
  return readFileSync(new URL(name, FIXTURES), "utf8");
}

/** {document, url} of a fixture page as if served at `path` on www.discogs.com. */
export function load_fixture(name, path) {
  const url = new URL(path, "https://www.discogs.com");
  const dom = new JSDOM(fixture_html(name), { url: url.href });
  return { document: dom.window.document, url, window: dom.window };
}

export function blank_document(html = "<!doctype html><html><head></head><body></body></html>") {
  return new JSDOM(html, { url: "https://www.discogs.com/" }).window.document;
}
