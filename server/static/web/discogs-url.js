// Release and master references a person may paste: page URLs in any language
// section (/de/release/...), marketplace URLs, Discogs' [r123] / [m456] codes,
// or a bare number (a release).

const PAGE = /^(?:https?:\/\/)?(?:www\.)?discogs\.com\/(?:[a-z]{2}(?:-[A-Za-z]{2})?\/)?(?:sell\/)?(release|master)s?\/(?:view\/)?(\d+)/i;
const CODE = /^\[?([rm])(\d+)\]?$/i;

/** {kind: "release" | "master", id: number} or null when the text is neither. */
export function parse_reference(text) {
  const value = String(text ?? "").trim();
  let match = PAGE.exec(value);
  if (match) return reference(match[1].toLowerCase(), match[2]);
  match = CODE.exec(value);
  if (match) return reference(match[1].toLowerCase() === "m" ? "master" : "release", match[2]);
  if (/^\d+$/.test(value)) return reference("release", value);
  return null;
}

function reference(kind, digits) {
  const id = Number(digits);
  return Number.isSafeInteger(id) && id > 0 ? { kind, id } : null;
}

const DISCOGS = "https://www.discogs.com";

/** The discogs.com page of an item: the API's url when it is one, else built from ids. */
export function page_url(item) {
  const url = typeof item?.url === "string" ? item.url : "";
  if (url.startsWith(`${DISCOGS}/`)) return url;
  if (positive(item?.master_id)) return `${DISCOGS}/master/${item.master_id}`;
  if (positive(item?.release_id)) return `${DISCOGS}/release/${item.release_id}`;
  return null;
}

/** Only http(s) links leave the page (never javascript: or data:). */
export function safe_http_url(value) {
  if (typeof value !== "string") return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

export function positive(value) {
  return Number.isSafeInteger(value) && value > 0;
}
