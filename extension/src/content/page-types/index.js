// The page types the extension knows. Adding one is one file next to these
// plus one line in PAGE_TYPES; the options page lists its switch by itself.
//
// A page type exports:
//   name                  settings switch key and the panel's data-page-type
//   label                 what the options page calls its switch
//   matches(url)          whether a www.discogs.com URL is this page (URL only)
//   read_ids(document, url)  the page's ids: the URL first, then JSON-LD, then the DOM
//   requests(ids, settings)  service-worker messages to try in order; the first that
//                         answers wins, an API error moves on to the next
//   panel_places          [{selector | find(document), position, wait_ms?}]: where the panel goes,
//                         first present wins; wait_ms waits for a section Discogs adds late
//                         (the end of the main column when none is)
//   because_verb          "own" or "want": what the page's records are to the user, for
//                         the cards' "Because you own/want …" line; null for none
import { is_discogs_url } from "../../shared/discogs-urls.js";
import release_page from "./release-page.js";
import master_page from "./master-page.js";
import collection_page from "./collection-page.js";
import wantlist_page from "./wantlist-page.js";

export const PAGE_TYPES = Object.freeze([release_page, master_page, collection_page, wantlist_page]);

/** The page type of a URL (a URL object or string), or null. */
export function find_page_type(url) {
  let parsed;
  try {
    parsed = typeof url === "string" ? new URL(url) : url;
  } catch {
    return null;
  }
  if (!parsed || !is_discogs_url(parsed)) return null;
  return PAGE_TYPES.find((page_type) => page_type.matches(parsed)) ?? null;
}
