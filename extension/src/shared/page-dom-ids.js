// Reads ids from a page's DOM: the last resort after the URL and JSON-LD.
import { ids_from_discogs_href, positive_id } from "./discogs-urls.js";

/** Ids from <link rel="canonical"> or <meta property="og:url">. */
export function canonical_ids(document) {
  const candidates = [
    document.querySelector('link[rel="canonical"]')?.getAttribute("href"),
    document.querySelector('meta[property="og:url"]')?.getAttribute("content"),
  ];
  for (const href of candidates) {
    const ids = ids_from_discogs_href(href);
    if (ids) return ids;
  }
  return {};
}

/** The id in a Discogs catalogue code such as "[r249504]" or "[m96559]" inside `roots`. */
export function catalogue_code_id(roots, letter) {
  const pattern = new RegExp(`\\[${letter}(\\d+)\\]`);
  for (const root of roots) {
    const match = root ? pattern.exec(root.textContent ?? "") : null;
    if (match) return positive_id(match[1]);
  }
  return null;
}

/** The first element matching any of the selectors, in the selectors' order. */
export function first_match(root, selectors) {
  for (const selector of selectors) {
    const element = root.querySelector(selector);
    if (element) return element;
  }
  return null;
}

export function all_matches(root, selectors) {
  return selectors.flatMap((selector) => [...root.querySelectorAll(selector)]);
}

/** Release and master ids of the Discogs links `links` (a[href] elements), unique, in page order. */
export function ids_of_links(links) {
  const release_ids = new Set();
  const master_ids = new Set();
  for (const link of links) {
    const ids = ids_from_discogs_href(link?.getAttribute?.("href"));
    if (ids?.release_id) release_ids.add(ids.release_id);
    if (ids?.master_id) master_ids.add(ids.master_id);
  }
  return { release_ids: [...release_ids], master_ids: [...master_ids] };
}

/** Release and master ids of the Discogs links inside `roots`, unique, in page order. */
export function linked_ids(roots) {
  return ids_of_links(roots.flatMap((root) => [...(root?.querySelectorAll?.("a[href]") ?? [])]));
}
