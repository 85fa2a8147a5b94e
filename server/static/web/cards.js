// Recommendation cards, the same as the extension's (extension/src/shared/
// card-rendering.js): title linked to Discogs, artist, year and formats, style
// chips, "because you own (or want) ...", a listen link, and a sleeve for a cover. Each field is checked, because a
// bad field must cost one line of one card, not the page.
import { element } from "./dom.js";
import { page_url, positive, safe_http_url } from "./discogs-url.js";

const MAX_STYLES = 4;
const MAX_BECAUSE = 2;
const SLEEVE_COLOURS = 8;

function text_or_null(value) {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

function strings(value) {
  return Array.isArray(value) ? value.map(text_or_null).filter((text) => text !== null) : [];
}

export function artist_line(item) {
  const credit = text_or_null(item?.artist);
  if (credit) return credit;
  const names = Array.isArray(item?.artists) ? item.artists.map((a) => text_or_null(a?.name)).filter(Boolean) : [];
  return names.length ? names.join(", ") : null;
}

function details_line(item) {
  const year = positive(item?.year) ? String(item.year) : null;
  const formats = strings(item?.formats).join(", ");
  return [year, formats].filter(Boolean).join(" \u00b7 ") || null;
}

function style_tags(item) {
  const styles = strings(item?.styles);
  return (styles.length ? styles : strings(item?.genres)).slice(0, MAX_STYLES);
}

/** Each album an item is recommended because of: "Moon Safari (Air)", and whether
 * the user wants it rather than owns it (answers from a collection say so). */
function because_reasons(item) {
  if (!Array.isArray(item?.because)) return [];
  return item.because
    .map((reason) => {
      const title = text_or_null(reason?.title);
      if (!title) return null;
      const artist = text_or_null(reason?.artist);
      return { text: artist ? `${title} (${artist})` : title, wanted: reason?.source === "wantlist" };
    })
    .filter(Boolean);
}

function first_listen_link(item) {
  if (!Array.isArray(item?.listen)) return null;
  for (const link of item.listen) {
    const url = safe_http_url(link?.url);
    if (url) return { url, title: text_or_null(link?.title) };
  }
  return null;
}

// A coloured sleeve with a record in it stands in for cover art (the dumps carry
// none); the colour follows the first genre, so a grid shows its mix at a glance.
function sleeve(item) {
  const key = strings(item?.genres)[0] ?? strings(item?.styles)[0] ?? "";
  let hash = 0;
  for (const char of key) hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  const label = key ? key : "Record";
  return element("div", {
    className: `sleeve sleeve-${key ? hash % SLEEVE_COLOURS : "none"}`,
    attributes: { "aria-hidden": "true", "data-genre": label },
  }, [element("span", { className: "disc" })]);
}

function cite_list(paragraph, verb, reasons) {
  paragraph.append(`${verb} `);
  reasons.forEach((reason, index) => {
    if (index > 0) paragraph.append(" and ");
    paragraph.append(element("cite", { text: reason.text }));
  });
}

// "Because you own A and B", "Because you own A and want B", "... and 2 more".
function because_paragraph(item, explain) {
  const reasons = because_reasons(item);
  if (!explain || reasons.length === 0) return null;
  const shown = reasons.slice(0, MAX_BECAUSE);
  const owned = shown.filter((reason) => !reason.wanted);
  const wanted = shown.filter((reason) => reason.wanted);
  const paragraph = element("p", { className: "because", text: "Because you " });
  if (owned.length) cite_list(paragraph, "own", owned);
  if (owned.length && wanted.length) paragraph.append(" and ");
  if (wanted.length) cite_list(paragraph, "want", wanted);
  const more = reasons.length - shown.length;
  if (more > 0) paragraph.append(` and ${more} more`);
  return paragraph;
}

export function render_card(item, { explain = true } = {}) {
  const title = text_or_null(item?.title) ?? "Untitled";
  const href = page_url(item);
  const listen = first_listen_link(item);
  const tags = style_tags(item);
  const artist = artist_line(item);
  const details = details_line(item);
  const card = element("li", {
    className: "card",
    attributes: { "data-album-id": positive(item?.album_id) || item?.album_id === 0 ? item.album_id : null },
  });
  card.append(
    sleeve(item),
    href
      ? element("a", { className: "title", text: title, attributes: { href, target: "_blank", rel: "noopener noreferrer" } })
      : element("span", { className: "title", text: title }),
    artist && element("span", { className: "artist", text: artist }),
    details && element("span", { className: "details", text: details }),
  );
  if (tags.length) {
    card.append(element("ul", { className: "styles", attributes: { "aria-label": "Styles" } },
      tags.map((tag) => element("li", { text: tag }))));
  }
  const because = because_paragraph(item, explain);
  if (because) card.append(because);
  if (listen) {
    card.append(element("a", {
      className: "listen",
      text: "Listen",
      attributes: {
        href: listen.url, target: "_blank", rel: "noopener noreferrer",
        title: listen.title ? `Listen: ${listen.title}` : "Listen",
      },
    }));
  }
  return card;
}

export function render_artist(artist) {
  const name = text_or_null(artist?.name);
  if (!name) return null;
  const albums = Array.isArray(artist?.albums) ? artist.albums : [];
  const titles = albums.map((album) => text_or_null(album?.title)).filter(Boolean).slice(0, 2);
  const link = positive(artist?.id)
    ? element("a", { text: name, attributes: { href: `https://www.discogs.com/artist/${artist.id}`, target: "_blank", rel: "noopener noreferrer" } })
    : element("span", { text: name });
  return element("li", {}, [
    link,
    titles.length ? element("span", { className: "artist-albums", text: titles.join(", ") }) : null,
  ]);
}
