import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_API_HOST_PERMISSIONS, GECKO_ID, build_manifest } from "../scripts/manifest.mjs";
import { api_origin_pattern, DEFAULT_API_BASE_URL } from "../src/shared/settings.js";

test("Chrome runs a module service worker", () => {
  const manifest = build_manifest("chrome", "1.2.3");
  assert.equal(manifest.manifest_version, 3);
  assert.equal(manifest.version, "1.2.3");
  assert.deepEqual(manifest.background, { service_worker: "background/service-worker.js", type: "module" });
  assert.equal(manifest.browser_specific_settings, undefined);
});

test("Firefox runs the same module as background scripts and has a gecko id", () => {
  const manifest = build_manifest("firefox", "1.2.3");
  assert.deepEqual(manifest.background, { scripts: ["background/service-worker.js"], type: "module" });
  assert.equal(manifest.browser_specific_settings.gecko.id, GECKO_ID);
});

test("minimal permissions: storage, Discogs and the default API's host", () => {
  for (const browser of ["chrome", "firefox"]) {
    const manifest = build_manifest(browser, "1.0.0");
    assert.deepEqual(manifest.permissions, ["storage"]);
    assert.deepEqual(manifest.host_permissions, ["https://www.discogs.com/*", ...DEFAULT_API_HOST_PERMISSIONS]);
    assert.ok(manifest.host_permissions.includes(api_origin_pattern(DEFAULT_API_BASE_URL)));
    assert.deepEqual(manifest.content_scripts[0].matches, ["https://www.discogs.com/*"]);
    assert.deepEqual(manifest.web_accessible_resources[0].matches, ["https://www.discogs.com/*"]);
  }
});

test("unknown browsers are refused", () => {
  assert.throws(() => build_manifest("safari", "1.0.0"));
});
