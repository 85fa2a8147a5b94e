// Drives Debian's firefox-esr over WebDriver BiDi (puppeteer-core from
// extension/node_modules) with the unpacked extension (extension/dist/firefox)
// installed as a temporary add-on, as a user would use it:
//   1. the options page: set the API URL and the number of results, save, reload;
//   2. a release page (served from the files test_firefox.py names): the panel;
//   3. the popup, opened for that release's tab.
// It reports what it saw as JSON on stdout; test_firefox.py checks it against the API.
//
//   node tests/extension/firefox_driver.mjs CONFIG.json
// CONFIG: {firefox, extension_dir, extension_id, api_base_url, results_count,
//          release_url, pages: {URL: {file, content_type}}}
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const require = createRequire(new URL("../../extension/package.json", import.meta.url));
const { default: puppeteer } = await import(pathToFileURL(require.resolve("puppeteer-core")).href);

// A fixed internal UUID, so the extension's pages have a known address.
const UUID = "6f1d3c2a-9b8e-4c7d-a5f4-3e2d1c0b9a87";
const EXTENSION_BASE = `moz-extension://${UUID}/`;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
const PANEL = "discogs-recs-panel";
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Wait until `predicate(...args)` holds in the page, polling through page.evaluate:
// Firefox 140 moves a tab that opens an extension page into the extension process,
// which detaches the frame a waitForFunction was bound to; evaluate asks for the
// current one each time.
async function until(page, predicate, args = [], timeout = 15000, what = "the page") {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await page.evaluate(predicate, ...args).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready within ${timeout / 1000} s`);
    await sleep(100);
  }
}

// Firefox 153 lets WebDriver open extension pages only with system access, and
// reports no load event for them: start the navigation, then wait on the DOM.
async function open_extension_page(page, path) {
  page.goto(`${EXTENSION_BASE}${path}`, { timeout: 0 }).catch(() => {});
  await until(page, (wanted) => location.href.endsWith(wanted) && document.readyState === "complete",
    [path], 15000, path);
}

function serve_discogs(page) {
  page.on("request", (request) => {
    const url = new URL(request.url());
    const served = config.pages[url.href] ?? config.pages[`${url.origin}${url.pathname}`];
    if (served) {
      request.respond({ status: 200, contentType: served.content_type, body: readFileSync(served.file) });
    } else if (url.hostname === "www.discogs.com") {
      request.respond({ status: 404, contentType: "text/html", body: "<!doctype html><h1>404</h1>" });
    } else if (LOOPBACK.has(url.hostname) || !url.protocol.startsWith("http")) {
      request.continue();
    } else {
      request.abort("blockedbyclient"); // nothing leaves the machine
    }
  });
  return page.setRequestInterception(true);
}

const report = { errors: [] };
const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath: config.firefox,
  headless: true,
  args: ["--remote-allow-system-access"],
  defaultViewport: { width: 1280, height: 900 },
  extraPrefsFirefox: {
    "extensions.webextensions.uuids": JSON.stringify({ [config.extension_id]: UUID }),
  },
});
try {
  report.firefox = await browser.version();
  report.installed_id = await browser.installExtension(config.extension_dir);

  // 1. Options.
  const options = await browser.newPage();
  options.on("pageerror", (error) => report.errors.push(`options: ${error.message}`));
  await open_extension_page(options, "options/options.html");
  await until(options, () => document.body?.dataset.ready === "true", [], 15000, "options");
  report.options_default_api = await options.$eval("#api-base-url", (input) => input.value);
  await options.$eval("#api-base-url", (input, value) => { input.value = value; }, `${config.api_base_url}/api/v1/`);
  await options.$eval("#results-count", (input, value) => { input.value = value; }, String(config.results_count));
  await options.click("#save");
  await until(options, () => document.querySelector("#status")?.textContent === "Saved.", [], 10000, "options save");
  await open_extension_page(options, "options/options.html?reloaded");
  await until(options, () => document.body?.dataset.ready === "true", [], 15000, "options reloaded");
  report.options_saved = await options.evaluate(() => ({
    api_base_url: document.querySelector("#api-base-url").value,
    results_count: document.querySelector("#results-count").value,
    switches: [...document.querySelectorAll("input[id^=page-switch-]")].map((input) => input.id),
  }));

  // 2. The panel on a release page.
  const release = await browser.newPage();
  release.on("pageerror", (error) => report.errors.push(`release page: ${error.message}`));
  await serve_discogs(release);
  await release.goto(config.release_url, { waitUntil: "load" });
  await until(release, (panel, count) => document.querySelector(panel)?.shadowRoot
    ?.querySelectorAll(".card").length === count, [PANEL, config.results_count], 20000, "the panel");
  report.panel = await release.evaluate((panel) => {
    const host = document.querySelector(panel);
    const root = host.shadowRoot;
    const cards = [...root.querySelectorAll(".card")];
    return {
      page_type: host.dataset.pageType,
      place: host.dataset.place,
      after: host.previousElementSibling?.id ?? null,
      titles: cards.map((card) => card.querySelector(".title").textContent),
      columns: getComputedStyle(root.querySelector(".cards")).gridTemplateColumns.split(" ").length,
      listen: [...cards[0].querySelectorAll(".listen-links a")].map((link) => link.dataset.service),
      spotify: cards[0].querySelector("a[data-service=spotify]")?.href ?? null,
      shadow_mode: root.mode,
    };
  }, PANEL);

  // 3. The popup, for that tab (opened as a page, as the Chromium tests do).
  const tab_id = await options.evaluate(async () => (await browser.tabs.query({ url: "https://www.discogs.com/*" }))[0]?.id);
  await open_extension_page(options, `popup/popup.html?tab=${tab_id}`);
  await until(options, (count) => document.querySelectorAll("#results .card").length === count,
    [config.results_count], 20000, "the popup");
  report.popup = await options.evaluate(() => ({
    subject: document.querySelector("#subject").textContent,
    titles: [...document.querySelectorAll("#results .card .title")].map((title) => title.textContent),
  }));
} catch (error) {
  report.failure = String(error?.stack ?? error);
} finally {
  await browser.close().catch(() => {});
  await sleep(0);
}
process.stdout.write(`${JSON.stringify(report)}\n`);
