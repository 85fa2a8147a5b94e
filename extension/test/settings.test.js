import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_SETTINGS,
  api_origin_pattern,
  normalize_api_base_url,
  normalize_results_count,
  normalize_settings,
  page_type_enabled,
} from "../src/shared/settings.js";

test("API base URLs are tidied the way people paste them", () => {
  assert.equal(normalize_api_base_url("http://localhost:5000"), "http://localhost:5000");
  assert.equal(normalize_api_base_url(" http://localhost:5000/ "), "http://localhost:5000");
  assert.equal(normalize_api_base_url("localhost:5000"), "http://localhost:5000");
  assert.equal(normalize_api_base_url("http://127.0.0.1:8000/api/v1/"), "http://127.0.0.1:8000");
  assert.equal(normalize_api_base_url("https://recs.example.org/discogs/"), "https://recs.example.org/discogs");
  assert.equal(normalize_api_base_url("HTTPS://Recs.Example.org"), "https://recs.example.org");
});

test("anything but a plain http(s) URL is refused", () => {
  for (const text of ["", "   ", "ftp://example.org", "javascript:alert(1)", "http://user:pw@example.org", "http://", null, 5]) {
    assert.equal(normalize_api_base_url(text), null, String(text));
  }
});

test("host permission patterns leave the port out (Firefox cannot match ports)", () => {
  assert.equal(api_origin_pattern("http://localhost:5000"), "http://localhost/*");
  assert.equal(api_origin_pattern("https://recs.example.org/discogs"), "https://recs.example.org/*");
});

test("results count is clamped to 1..50", () => {
  assert.equal(normalize_results_count("7"), 7);
  assert.equal(normalize_results_count(0), 1);
  assert.equal(normalize_results_count(500), 50);
  assert.equal(normalize_results_count("lots"), DEFAULT_SETTINGS.results_count);
});

test("stored settings are normalized, with defaults for what is missing", () => {
  assert.deepEqual(normalize_settings({}), { ...DEFAULT_SETTINGS, page_switches: {} });
  assert.deepEqual(
    normalize_settings({ api_base_url: "bad url ::", discogs_username: " @Someone ", results_count: "3", page_switches: ["x"] }),
    { api_base_url: "http://localhost:5000", discogs_username: "Someone", results_count: 3, page_switches: {} },
  );
});

test("page types are on unless switched off", () => {
  const settings = normalize_settings({ page_switches: { master: false, release: true } });
  assert.equal(page_type_enabled(settings, "master"), false);
  assert.equal(page_type_enabled(settings, "release"), true);
  assert.equal(page_type_enabled(settings, "a-new-page-type"), true);
});
