// User settings, kept in storage.sync so they follow the browser profile.
import { ext } from "./browser-api.js";

export const DEFAULT_API_BASE_URL = "http://localhost:5000";
export const MIN_RESULTS = 1;
export const MAX_RESULTS = 50;

export const DEFAULT_SETTINGS = Object.freeze({
  api_base_url: DEFAULT_API_BASE_URL,
  discogs_username: "",
  results_count: 12,
  // page type name -> false when switched off; a missing name means on, so a
  // newly added page type is on without a settings migration.
  page_switches: {},
});

/** "localhost:5000/api/v1/" -> "http://localhost:5000"; null when it is no http(s) URL. */
export function normalize_api_base_url(text) {
  let candidate = typeof text === "string" ? text.trim() : "";
  if (candidate === "") return null;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(candidate)) candidate = `http://${candidate}`;
  let url;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.username || url.password) return null;
  // People paste the API prefix or a trailing slash; every path is added later.
  const path = url.pathname.replace(/\/+$/, "").replace(/\/api\/v1$/, "");
  return `${url.origin}${path}`;
}

/** The host permission pattern for an API base URL. Ports are left out because Firefox match patterns cannot hold them. */
export function api_origin_pattern(api_base_url) {
  const url = new URL(api_base_url);
  return `${url.protocol}//${url.hostname}/*`;
}

export function normalize_results_count(value) {
  const number = Math.round(Number(value));
  if (!Number.isFinite(number)) return DEFAULT_SETTINGS.results_count;
  return Math.min(MAX_RESULTS, Math.max(MIN_RESULTS, number));
}

export function normalize_username(value) {
  return typeof value === "string" ? value.trim().replace(/^@/, "") : "";
}

export function normalize_settings(stored) {
  const switches = stored?.page_switches;
  return {
    api_base_url: normalize_api_base_url(stored?.api_base_url) ?? DEFAULT_API_BASE_URL,
    discogs_username: normalize_username(stored?.discogs_username),
    results_count: normalize_results_count(stored?.results_count ?? DEFAULT_SETTINGS.results_count),
    page_switches: switches && typeof switches === "object" && !Array.isArray(switches) ? { ...switches } : {},
  };
}

export function page_type_enabled(settings, page_type_name) {
  return settings.page_switches[page_type_name] !== false;
}

export async function load_settings() {
  try {
    return normalize_settings(await ext.storage.sync.get(null));
  } catch {
    return normalize_settings({});
  }
}

export async function save_settings(settings) {
  await ext.storage.sync.set(normalize_settings(settings));
}

export function on_settings_changed(listener) {
  ext.storage.onChanged.addListener((changes, area) => {
    if (area === "sync") listener();
  });
}
