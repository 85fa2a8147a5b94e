// Turns API items (see the HTTP contract's Item) into recommendation cards.
// Every field is checked, because the API is a separate program and a bad
// field must cost one line of a card, not the panel.
import { element } from "./dom-building.js";
import { discogs_page_url, positive_id, safe_http_url } from "./discogs-urls.js";

const MAX_STYLES = 4;
const MAX_BECAUSE = 2;

function text_or_null(value) {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

function strings(value) {
  return Array.isArray(value) ? value.map(text_or_null).filter((text) => text !== null) : [];
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

/** "Moon Safari (Air)" for each album an item is recommended because of. */
export function because_titles(item) {
  if (!Array.isArray(item?.because)) return [];
  return item.because
    .map((reason) => {
      const title = text_or_null(reason?.title);
      if (!title) return null;
      const artist = text_or_null(reason?.artist);
      return artist ? `${title} (${artist})` : title;
    })
    .filter(Boolean);
}

export function first_listen_link(item) {
  if (!Array.isArray(item?.listen)) return null;
  for (const link of item.listen) {
    const url = safe_http_url(link?.url);
    if (url) return { url, title: text_or_null(link?.title) };
  }
  return null;
}

function because_paragraph(document, item, because_label) {
  const titles = because_titles(item);
  if (!because_label || titles.length === 0) return null;
  const shown = titles.slice(0, MAX_BECAUSE);
  const paragraph = element(document, "p", { class_name: "because", text: `${because_label} ` });
  shown.forEach((title, index) => {
    if (index > 0) paragraph.append(index === shown.length - 1 && titles.length === shown.length ? " and " : ", ");
    paragraph.append(element(document, "cite", { text: title }));
  });
  const more = titles.length - shown.length;
  if (more > 0) paragraph.append(` and ${more} more`);
  return paragraph;
}

function title_element(document, item) {
  const title = title_of(item);
  const href = discogs_page_url(item);
  if (!href) return element(document, "span", { class_name: "title", text: title });
  return element(document, "a", { class_name: "title", text: title, attributes: { href } });
}

/**
 * One card. `because_label` ("Because you own") turns on the because line;
 * `on_not_interested(item, card)` is called when the user dismisses the card.
 */
export function render_card(document, item, { because_label = null, on_not_interested = null } = {}) {
  const title = title_of(item);
  const listen = first_listen_link(item);
  const tags = style_tags(item);
  const card = element(document, "li", {
    class_name: "card",
    attributes: { "data-album-id": positive_id(item?.album_id) },
  });
  card.append(
    title_element(document, item),
    artist_line(item) && element(document, "span", { class_name: "artist", text: artist_line(item) }),
    details_line(item) && element(document, "span", { class_name: "details", text: details_line(item) }),
  );
  if (tags.length) {
    card.append(element(document, "ul", { class_name: "styles", attributes: { "aria-label": "Styles" } },
      tags.map((tag) => element(document, "li", { text: tag }))));
  }
  const because = because_paragraph(document, item, because_label);
  if (because) card.append(because);
  if (listen) {
    card.append(element(document, "a", {
      class_name: "listen",
      text: "Listen",
      attributes: {
        href: listen.url,
        target: "_blank",
        rel: "noopener noreferrer",
        title: listen.title ? `Listen: ${listen.title}` : "Listen",
      },
    }));
  }
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

export function render_card_list(document, items, options = {}) {
  return element(document, "ol", { class_name: "cards" }, items.map((item) => render_card(document, item, options)));
}
