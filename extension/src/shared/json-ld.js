// Reads release and master ids from the schema.org JSON-LD that Discogs puts
// into release pages (MusicRelease, with releaseOf -> MusicAlbum) and master
// pages (MusicAlbum).
import { ids_from_discogs_href } from "./discogs-urls.js";

function as_list(value) {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function types_of(object) {
  return as_list(object?.["@type"]).filter((type) => typeof type === "string");
}

/** Every top-level JSON-LD object, with arrays and @graph flattened. */
export function flatten_json_ld(parsed_scripts) {
  const objects = [];
  for (const parsed of as_list(parsed_scripts)) {
    for (const object of as_list(parsed)) {
      if (!object || typeof object !== "object") continue;
      if (Array.isArray(object["@graph"])) objects.push(...flatten_json_ld(object["@graph"]));
      else objects.push(object);
    }
  }
  return objects;
}

// Only the object's own address counts: a master's JSON-LD also lists its
// releases (albumRelease), and those ids are not the page's id.
function own_ids(object) {
  for (const key of ["@id", "url", "mainEntityOfPage"]) {
    const ids = ids_from_discogs_href(object?.[key]);
    if (ids) return ids;
  }
  return {};
}

/** {release_id, master_id} found in parsed JSON-LD objects; missing ids are null. */
export function ids_from_json_ld(parsed_scripts) {
  let release_id = null;
  let master_id = null;
  for (const object of flatten_json_ld(parsed_scripts)) {
    const types = types_of(object);
    if (!types.includes("MusicRelease") && !types.includes("MusicAlbum")) continue;
    const ids = own_ids(object);
    release_id ??= ids.release_id ?? null;
    master_id ??= ids.master_id ?? null;
    for (const album of as_list(object.releaseOf)) {
      master_id ??= own_ids(album).master_id ?? null;
    }
  }
  return { release_id, master_id };
}

// Discogs names its blocks: <script type="application/ld+json" id="release_schema">
// on release pages (and the marketplace page of a release: ../shared/data/pages/
// sell_release_2247646_2026-05.html), id="master_schema" on master pages.
const NAMED_SCHEMAS = "script#release_schema, script#master_schema";

/** Parses Discogs' named JSON-LD blocks, then every other one, skipping broken ones. */
export function read_json_ld(document) {
  const parsed = [];
  const named = [...document.querySelectorAll(NAMED_SCHEMAS)];
  const others = [...document.querySelectorAll('script[type="application/ld+json"]')].filter((script) => !named.includes(script));
  for (const script of [...named, ...others]) {
    try {
      parsed.push(JSON.parse(script.textContent));
    } catch {
      // A malformed block from the page must not stop the other readers.
    }
  }
  return parsed;
}

export function json_ld_ids(document) {
  return ids_from_json_ld(read_json_ld(document));
}
