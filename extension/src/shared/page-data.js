// Reads ids from the data Discogs' React pages carry for themselves:
// <script id="dsdata" type="application/json">, an Apollo cache whose keys name
// the objects, e.g. `Release:{"discogsId":249504}` with a `masterRelease` field
// that is a reference (`{"__ref": "MasterRelease:{\"discogsId\":96559}"}`) or
// the object itself (../shared/data/pages/README.md, the real release page of
// 2025-10). Server-rendered pages have a `script#dsdata` too, but it holds a
// JavaScript function, not JSON (sell_release_2247646_2026-05.html): it is skipped.
import { positive_id } from "./discogs-urls.js";

const RELEASE_KEY = /^Release:(\{.*\})$/;
const MASTER_KEY = /^MasterRelease:(\{.*\})$/;
// How deep the cache may sit inside dsdata ({"apolloState": {...}} and the like).
const MAX_DEPTH = 3;

function is_object(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The parsed JSON of script#dsdata, or null (absent, not JSON, or not an object). */
export function read_dsdata(document) {
  const script = document.querySelector("script#dsdata");
  const type = script?.getAttribute("type") ?? "";
  if (!script || !/json/i.test(type)) return null;
  try {
    const parsed = JSON.parse(script.textContent);
    return is_object(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function key_id(key, pattern) {
  const match = pattern.exec(key);
  if (!match) return null;
  try {
    return positive_id(JSON.parse(match[1])?.discogsId);
  } catch {
    return null;
  }
}

/** The object of the Apollo cache inside `data`: the one with Release:{...} keys. */
export function find_apollo_cache(data, depth = 0) {
  if (!is_object(data) || depth > MAX_DEPTH) return null;
  if (Object.keys(data).some((key) => RELEASE_KEY.test(key) || MASTER_KEY.test(key))) return data;
  for (const value of Object.values(data)) {
    const found = find_apollo_cache(value, depth + 1);
    if (found) return found;
  }
  return null;
}

function master_id_of(cache, value) {
  if (!is_object(value)) return null;
  if (typeof value.__ref === "string") {
    return key_id(value.__ref, MASTER_KEY) ?? master_id_of(cache, cache[value.__ref] ?? null);
  }
  return positive_id(value.discogsId);
}

function release_entries(cache) {
  return Object.entries(cache)
    .map(([key, value]) => ({ release_id: key_id(key, RELEASE_KEY), value }))
    .filter((entry) => entry.release_id !== null);
}

/**
 * {release_id, master_id} from an Apollo cache. With `release_id` given, the
 * master of that release; without, the release only when the cache holds
 * exactly one (a page also caches other versions).
 */
export function ids_from_apollo_cache(cache, release_id = null) {
  if (!is_object(cache)) return { release_id: null, master_id: null };
  const releases = release_entries(cache);
  const own = release_id !== null
    ? releases.find((entry) => entry.release_id === release_id)
    : releases.length === 1 ? releases[0] : null;
  if (!own) return { release_id: null, master_id: null };
  return { release_id: own.release_id, master_id: master_id_of(cache, own.value?.masterRelease) };
}

export function dsdata_ids(document, release_id = null) {
  return ids_from_apollo_cache(find_apollo_cache(read_dsdata(document)), release_id);
}
