// Builds the two manifests from one description. Chrome runs the background
// as a service worker; Firefox runs the same module as background scripts and
// needs a gecko id (storage.sync and permissions are tied to it).
import { DISCOGS_HOST_PATTERN as DISCOGS } from "../src/shared/discogs-urls.js";

export const GECKO_ID = "discogs-recs@discogs-recs";

// The default API runs on this machine. Match patterns without a port cover
// every port (Firefox cannot express a port at all), so moving the server to
// another local port needs no new permission.
export const DEFAULT_API_HOST_PERMISSIONS = ["http://localhost/*", "http://127.0.0.1/*"];

const ICONS = {
  16: "icons/icon-16.png",
  32: "icons/icon-32.png",
  48: "icons/icon-48.png",
  128: "icons/icon-128.png",
};

function base_manifest(version) {
  return {
    manifest_version: 3,
    name: "discogs-recs",
    version,
    description: "“You might also like” recommendations on Discogs release, master, collection and wantlist pages, from your own discogs-recs server.",
    icons: ICONS,
    action: { default_title: "discogs-recs", default_popup: "popup/popup.html", default_icon: ICONS },
    options_ui: { page: "options/options.html", open_in_tab: true },
    permissions: ["storage"],
    host_permissions: [DISCOGS, ...DEFAULT_API_HOST_PERMISSIONS],
    // An API elsewhere is asked for from the options page, one origin at a time.
    optional_host_permissions: ["http://*/*", "https://*/*"],
    content_scripts: [
      {
        // Every Discogs page, not just the four page types: Discogs navigates
        // client-side, so a visit that starts on the home page can reach a
        // release without a page load.
        matches: [DISCOGS],
        js: ["content/loader.js"],
        run_at: "document_idle",
      },
    ],
    // content/loader.js imports the content modules from the extension.
    web_accessible_resources: [{ resources: ["content/*", "shared/*"], matches: [DISCOGS] }],
  };
}

export function build_manifest(browser, version) {
  const manifest = base_manifest(version);
  if (browser === "chrome") {
    return {
      ...manifest,
      minimum_chrome_version: "116",
      background: { service_worker: "background/service-worker.js", type: "module" },
    };
  }
  if (browser === "firefox") {
    return {
      ...manifest,
      background: { scripts: ["background/service-worker.js"], type: "module" },
      browser_specific_settings: {
        gecko: {
          id: GECKO_ID,
          strict_min_version: "140.0",
          // Firefox asks users to consent to what leaves the browser: the
          // release/master ids of the Discogs pages they view go to the
          // configured API server.
          data_collection_permissions: { required: ["browsingActivity"] },
        },
        // Firefox for Android understands data_collection_permissions from 142.
        gecko_android: { strict_min_version: "142.0" },
      },
    };
  }
  throw new Error(`unknown browser: ${browser}`);
}
