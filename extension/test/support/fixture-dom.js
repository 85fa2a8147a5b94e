// Loads the Discogs pages that the browser tests serve, so the Node tests
// prove the selectors against the same HTML: our fixtures in
// tests/extension/fixtures/ and the real captures in ../shared/data/pages/.
import { existsSync, readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const FIXTURES = new URL("../../../tests/extension/fixtures/", import.meta.url);
const REPO = new URL("../../../", import.meta.url);
const SHARED_DATA = process.env.DISCOGS_RECS_SHARED_DATA
  ? new URL(`file://${process.env.DISCOGS_RECS_SHARED_DATA.replace(/\/?$/, "/")}`)
  : new URL("../shared/data/", REPO);
export const REAL_PAGES = new URL("pages/", SHARED_DATA);

export function fixture_html(name) {
  return readFileSync(new URL(name, FIXTURES), "utf8");
}

/** The text of a real capture, or null when ../shared/data is absent (callers skip). */
export function real_page_html(name) {
  const url = new URL(name, REAL_PAGES);
  return existsSync(url) ? readFileSync(url, "utf8") : null;
}

/** {document, url, window} of some HTML as if served at `path` on www.discogs.com. */
export function load_html(html, path) {
  const url = new URL(path, "https://www.discogs.com");
  const dom = new JSDOM(html, { url: url.href, runScripts: "outside-only" });
  return { document: dom.window.document, url, window: dom.window };
}

/** A fixture page as if served at `path`; `{after_load: true}` also runs what
 *  assets/react-like.js does after load (late sections, the collection grid's first page). */
export function load_fixture(name, path, { after_load = false, html_filter = (html) => html } = {}) {
  const loaded = load_html(html_filter(fixture_html(name)), path);
  if (after_load) run_after_load(loaded.window);
  return loaded;
}

/** Runs assets/react-like.js in the page and fires its timers at once. */
export function run_after_load(window) {
  const script = readFileSync(new URL("assets/react-like.js", FIXTURES), "utf8");
  const timers = [];
  const real_set_timeout = window.setTimeout;
  window.setTimeout = (callback) => timers.push(callback);
  try {
    window.eval(script);
  } finally {
    window.setTimeout = real_set_timeout;
  }
  timers.forEach((callback) => callback());
}

export function blank_document(html = "<!doctype html><html><head></head><body></body></html>") {
  return new JSDOM(html, { url: "https://www.discogs.com/" }).window.document;
}

// The same renaming as tests/extension/discogs_routes.py's rename_build_hashes:
// every `name_XXXXX` class token gets another hash, as a Discogs deploy does.
const HASHED_CLASS = /(?<![\w-])([A-Za-z_][A-Za-z]*_)([A-Za-z0-9]{5})(?![\w-])/g;

function next_deploy_hash(old) {
  const rotated = [...old].map((char) => String.fromCharCode(((char.charCodeAt(0) - 48 + 7) % 75) + 48)).join("");
  return rotated.replace(/[^A-Za-z0-9]/g, "Q");
}

export function rename_build_hashes(html) {
  const attribute = (_, start, tokens, end) =>
    start + tokens.replace(HASHED_CLASS, (_token, name, hash) => name + next_deploy_hash(hash)) + end;
  return html
    .replace(/(class(?:Name)?=")([^"]*)(")/g, attribute)
    .replace(/(data-(?:item|thumb)-class=")([^"]*)(")/g, attribute);
}
