// Pure helpers about Discogs URLs: which page a path is, which ids a link
// points to, and which URLs are safe to put into an <a href>.

const DISCOGS_ORIGIN = "https://www.discogs.com";
/** The host permission the content scripts need (also in the manifests). */
export const DISCOGS_HOST_PATTERN = "https://www.discogs.com/*";

// Discogs serves translated pages under a language prefix (/de/release/...,
// /pt_BR/master/...). Every page matcher strips it first.
const LANGUAGE_PREFIX = /^\/[a-z]{2}(?:[-_][A-Za-z]{2})?(?=\/)/;

const RELEASE_PATH = /^\/release\/(\d+)(?:-[^/]*)?\/?$/;
const MASTER_PATH = /^\/master\/(\d+)(?:-[^/]*)?\/?$/;
const COLLECTION_PATH = /^\/user\/([^/]+)\/collection\/?$/;
const WANTLIST_PATH = /^\/mywantlist\/?$/;

// Links inside pages also come as /release/123-Slug/image/... etc., so the
// link matcher is looser than the page matchers above.
const LINKED_RELEASE = /^\/release\/(\d+)(?=$|[-/])/;
// Masters are also linked as /master/view/ID: the JSON-LD of a real release page
// says "releaseOf": {"@id": "https://www.discogs.com/master/view/225128"}
// (../shared/data/pages/sell_release_2247646_2026-05.html).
const LINKED_MASTER = /^\/master\/(?:view\/)?(\d+)(?=$|[-/])/;

export function strip_language_prefix(pathname) {
  return pathname.replace(LANGUAGE_PREFIX, "");
}

export function positive_id(value) {
  const number = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  return Number.isSafeInteger(number) && number > 0 ? number : null;
}

function id_from_path(pattern, pathname) {
  const match = pattern.exec(strip_language_prefix(pathname));
  return match ? positive_id(match[1]) : null;
}

export function release_id_from_path(pathname) {
  return id_from_path(RELEASE_PATH, pathname);
}

export function master_id_from_path(pathname) {
  return id_from_path(MASTER_PATH, pathname);
}

export function collection_owner_from_path(pathname) {
  const match = COLLECTION_PATH.exec(strip_language_prefix(pathname));
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

export function is_wantlist_path(pathname) {
  return WANTLIST_PATH.test(strip_language_prefix(pathname));
}

export function is_discogs_url(url) {
  return url.protocol === "https:" && (url.hostname === "www.discogs.com" || url.hostname === "discogs.com");
}

/** A URL object, or null; relative hrefs only resolve when a base is given. */
function parse_url(href, base = null) {
  try {
    return base ? new URL(href, base) : new URL(href);
  } catch {
    return null;
  }
}

/** The release or master a Discogs link points to, e.g. {release_id: 1} or null. */
export function ids_from_discogs_href(href, base = DISCOGS_ORIGIN) {
  const url = typeof href === "string" ? parse_url(href, base) : null;
  if (!url || !is_discogs_url(url)) return null;
  const path = strip_language_prefix(url.pathname);
  const release = LINKED_RELEASE.exec(path);
  if (release) return { release_id: positive_id(release[1]) };
  const master = LINKED_MASTER.exec(path);
  if (master) return { master_id: positive_id(master[1]) };
  return null;
}

/** An http(s) URL as a string, or null: API data must never become javascript: links. */
export function safe_http_url(value) {
  const url = typeof value === "string" ? parse_url(value) : null;
  return url && (url.protocol === "https:" || url.protocol === "http:") ? url.href : null;
}

/** Where a recommendation card links to: the API's Discogs URL, else one built from its ids. */
export function discogs_page_url(item) {
  const given = typeof item?.url === "string" ? parse_url(item.url) : null;
  if (given && is_discogs_url(given)) return given.href;
  const master_id = positive_id(item?.master_id);
  if (master_id) return `${DISCOGS_ORIGIN}/master/${master_id}`;
  const release_id = positive_id(item?.release_id);
  if (release_id) return `${DISCOGS_ORIGIN}/release/${release_id}`;
  return null;
}

export function same_username(a, b) {
  return typeof a === "string" && typeof b === "string" && a !== "" && a.toLowerCase() === b.toLowerCase();
}
