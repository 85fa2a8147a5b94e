// Turns API items (see the HTTP contract's Item) into recommendation cards.
// THE one card module: the extension's panel and popup import it from here,
// and `npm run build` copies it (with dom-building.js and discogs-urls.js)
// to server/static/web/shared/ for the web page; a test keeps the copies
// identical. Every field is checked, because the API is a separate program
// and a bad field must cost one line of a card, not the panel.
import { element } from "./dom-building.js";
import { discogs_page_url, positive_id, safe_http_url } from "./discogs-urls.js";

const MAX_STYLES = 4;
const MAX_BECAUSE = 2;
const SLEEVE_COLOURS = 8;

function text_or_null(value) {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

function strings(value) {
  return Array.isArray(value) ? value.map(text_or_null).filter((text) => text !== null) : [];
}

function page_document(options) {
  return options?.document ?? globalThis.document;
}

export function artist_line(item) {
  const display = text_or_null(item?.artist);
  if (display) return display;
  const names = Array.isArray(item?.artists) ? item.artists.map((artist) => text_or_null(artist?.name)).filter(Boolean) : [];
  return names.length ? names.join(", ") : null;
}

export function title_of(item) {
  return text_or_null(item?.title) ?? "Untitled";
}

/** "1998 · Vinyl, LP, Album", leaving out what the API does not know. */
export function details_line(item) {
  const year = positive_id(item?.year);
  const formats = strings(item?.formats).join(", ");
  return [year, formats].filter(Boolean).join(" · ") || null;
}

export function style_tags(item) {
  const styles = strings(item?.styles);
  return (styles.length ? styles : strings(item?.genres)).slice(0, MAX_STYLES);
}

/**
 * Each album an item is recommended because of: {text: "Moon Safari (Air)", wanted}.
 * `wanted` is true for wantlist records (answers built from a collection and a
 * wantlist say which each reason came from).
 */
export function because_reasons(item) {
  if (!Array.isArray(item?.because)) return [];
  return item.because
    .map((reason) => {
      const title = text_or_null(reason?.title);
      if (!title) return null;
      const artist = text_or_null(reason?.artist);
      return {
        text: artist ? `${title} (${artist})` : title,
        wanted: reason?.source === "wantlist",
        related: related_sentence(reason?.shared?.related),
      };
    })
    .filter(Boolean);
}

// The API's shared.related ({artist, relation, of}: an artists-dump link between the
// card's artist and the owned one's) as a sentence; null for anything else.
const RELATED_SENTENCES = {
  "member of": (artist, of) => `${artist} is a member of ${of}.`,
  "group of": (artist, of) => `${of} is a member of ${artist}.`,
  "alias of": (artist, of) => `${artist} is another name of ${of}.`,
};

export function related_sentence(related) {
  const artist = text_or_null(related?.artist);
  const of = text_or_null(related?.of);
  const sentence = Object.hasOwn(RELATED_SENTENCES, related?.relation) ? RELATED_SENTENCES[related.relation] : null;
  return artist && of && sentence ? sentence(artist, of) : null;
}

export function because_titles(item) {
  return because_reasons(item).map((reason) => reason.text);
}

// -- listen links --------------------------------------------------------------------------
// The dump's own videos first, then searches on Spotify and Apple Music built
// from the artist and the title alone: no API call, no account, no tracking
// parameters, so nothing but the search words reaches those services, and only
// when the user clicks.

// Discogs tells same-named artists apart with " (2)", "*" marks a name
// variation: neither belongs in a search.
function search_artist(artist) {
  return artist ? artist.replace(/\s*\(\d+\)/g, "").replace(/\*/g, "").trim() : "";
}

/** "Massive Attack Mezzanine": the words both search links use, or null without a title. */
export function search_words(item) {
  const title = text_or_null(item?.title);
  if (!title) return null;
  return [search_artist(artist_line(item)), title].filter(Boolean).join(" ");
}

export function spotify_search_url(item) {
  const words = search_words(item);
  return words ? `https://open.spotify.com/search/${encodeURIComponent(words)}` : null;
}

export function apple_music_search_url(item) {
  const words = search_words(item);
  return words ? `https://music.apple.com/search?term=${encodeURIComponent(words)}` : null;
}

function video_label(url) {
  const host = new URL(url).hostname.replace(/^(www|m|music)\./, "");
  return host === "youtube.com" || host === "youtu.be" ? "YouTube" : "Video";
}

export function first_listen_link(item) {
  if (!Array.isArray(item?.listen)) return null;
  for (const link of item.listen) {
    const url = safe_http_url(link?.url);
    if (url) return { url, title: text_or_null(link?.title) };
  }
  return null;
}

/** Every listen link of a card, in order: [{service, label, url, title}]. */
export function listen_links(item) {
  const links = [];
  const video = first_listen_link(item);
  if (video) links.push({ service: "video", label: video_label(video.url), url: video.url, title: video.title ?? "Listen" });
  const words = search_words(item);
  if (words) {
    links.push({ service: "spotify", label: "Spotify", url: spotify_search_url(item), title: `Search Spotify for ${words}` });
    links.push({ service: "apple-music", label: "Apple Music", url: apple_music_search_url(item), title: `Search Apple Music for ${words}` });
  }
  return links;
}

function listen_row(document, item) {
  const links = listen_links(item);
  if (!links.length) return null;
  const row = element(document, "p", { class_name: "listen-links" }, [
    element(document, "span", { class_name: "listen-label", text: "Listen" }),
  ]);
  for (const link of links) {
    row.append(element(document, "a", {
      // `.listen` stays the dump's own link (the web page's tests and styles know it).
      class_name: link.service === "video" ? "listen" : `search-link listen-${link.service}`,
      text: link.label,
      attributes: {
        href: link.url,
        target: "_blank",
        rel: "noopener noreferrer",
        referrerpolicy: "no-referrer",
        title: link.title,
        "data-service": link.service,
      },
    }));
  }
  return row;
}

// -- the card ---------------------------------------------------------------------------------

function cite_list(document, paragraph, verb, reasons) {
  paragraph.append(`${verb} `);
  reasons.forEach((reason, index) => {
    if (index > 0) paragraph.append(index === reasons.length - 1 ? " and " : ", ");
    paragraph.append(element(document, "cite", { text: reason.text }));
  });
}

// "Because you own A and B", "Because you own A and want B", "... and 2 more".
// `verb` is what the page's own records are to the user ("own" on a
// collection, "want" on the wantlist); wantlist reasons always say "want".
function because_paragraph(document, item, verb) {
  const reasons = because_reasons(item);
  if (!verb || reasons.length === 0) return null;
  const shown = reasons.slice(0, MAX_BECAUSE);
  const wanted = shown.filter((reason) => reason.wanted || verb === "want");
  const owned = shown.filter((reason) => !wanted.includes(reason));
  const paragraph = element(document, "p", { class_name: "because", text: "Because you " });
  if (owned.length) cite_list(document, paragraph, "own", owned);
  if (owned.length && wanted.length) paragraph.append(" and ");
  if (wanted.length) cite_list(document, paragraph, "want", wanted);
  const more = reasons.length - shown.length;
  if (more > 0) paragraph.append(` and ${more} more`);
  // A link of the artists dump says why an album by someone new is here at all.
  const related = [...new Set(reasons.map((reason) => reason.related).filter(Boolean))];
  if (related.length) {
    paragraph.append(" ");
    paragraph.append(element(document, "span", { class_name: "related-artist", text: related.join(" ") }));
  }
  return paragraph;
}

// A coloured sleeve with a record in it stands in for cover art (the dumps
// carry none); the colour follows the first genre, so a grid shows its mix.
function sleeve(document, item) {
  const key = strings(item?.genres)[0] ?? strings(item?.styles)[0] ?? "";
  let hash = 0;
  for (const char of key) hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  return element(document, "div", {
    class_name: `sleeve sleeve-${key ? hash % SLEEVE_COLOURS : "none"}`,
    attributes: { "aria-hidden": "true", "data-genre": key || "Record" },
  }, [element(document, "span", { class_name: "disc" })]);
}

// On discogs.com a card's Discogs link opens in place, like Discogs' own;
// from the web page or the popup it opens a new tab.
function title_element(document, item) {
  const title = title_of(item);
  const href = discogs_page_url(item);
  if (!href) return element(document, "span", { class_name: "title", text: title });
  const on_discogs = /(^|\.)discogs\.com$/.test(document.location?.hostname ?? "");
  const new_tab = on_discogs ? {} : { target: "_blank", rel: "noopener noreferrer" };
  return element(document, "a", { class_name: "title", text: title, attributes: { href, ...new_tab } });
}

/**
 * One card.
 *   document           where to build it (default: the global document)
 *   explain            true: the "Because you own/want ..." line
 *   because_verb       "own" (default) or "want": what the page's records are to the user
 *   on_not_interested  (item, card) => ..., adds the × button
 */
export function render_card(item, options = {}) {
  const document = page_document(options);
  const { explain = false, because_verb = "own", on_not_interested = null } = options;
  const title = title_of(item);
  const tags = style_tags(item);
  const artist = artist_line(item);
  const details = details_line(item);
  const card = element(document, "li", {
    class_name: "card",
    attributes: { "data-album-id": positive_id(item?.album_id) },
  });
  const text = element(document, "div", { class_name: "card-text" }, [
    title_element(document, item),
    artist && element(document, "span", { class_name: "artist", text: artist }),
    details && element(document, "span", { class_name: "details", text: details }),
  ]);
  if (tags.length) {
    text.append(element(document, "ul", { class_name: "styles", attributes: { "aria-label": "Styles" } },
      tags.map((tag) => element(document, "li", { text: tag }))));
  }
  const because = because_paragraph(document, item, explain ? because_verb : null);
  if (because) text.append(because);
  const listen = listen_row(document, item);
  if (listen) text.append(listen);
  card.append(sleeve(document, item), text);
  if (on_not_interested) {
    const button = element(document, "button", {
      class_name: "not-interested",
      text: "\u00d7",
      attributes: { type: "button", title: "Not interested", "aria-label": `Not interested in ${title}` },
    });
    button.addEventListener("click", (event) => {
      event.preventDefault();
      on_not_interested(item, card);
    });
    card.append(button);
  }
  return card;
}

export function render_card_list(items, options = {}) {
  const document = page_document(options);
  return element(document, "ol", { class_name: "cards" }, items.map((item) => render_card(item, options)));
}

/** One row of the "artists to explore" list: the name linked to Discogs, two of its albums. */
export function render_artist(artist, options = {}) {
  const document = page_document(options);
  const name = text_or_null(artist?.name);
  if (!name) return null;
  const albums = Array.isArray(artist?.albums) ? artist.albums : [];
  const titles = albums.map((album) => text_or_null(album?.title)).filter(Boolean).slice(0, 2);
  const id = positive_id(artist?.id);
  const link = id
    ? element(document, "a", { text: name, attributes: { href: `https://www.discogs.com/artist/${id}`, target: "_blank", rel: "noopener noreferrer" } })
    : element(document, "span", { text: name });
  return element(document, "li", {}, [
    link,
    titles.length ? element(document, "span", { class_name: "artist-albums", text: titles.join(", ") }) : null,
  ]);
}
