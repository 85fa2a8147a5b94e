import { test } from "node:test";
import { JSDOM } from "jsdom";
import assert from "node:assert/strict";
import {
  apple_music_search_url,
  artist_line,
  because_titles,
  details_line,
  first_listen_link,
  listen_links,
  render_artist,
  render_card as render_card_in,
  render_card_list as render_card_list_in,
  spotify_search_url,
  style_tags,
} from "../src/shared/card-rendering.js";
import { blank_document } from "./support/fixture-dom.js";

// The module takes the document as an option (the global one by default, as
// on the web page); these tests hand over a jsdom document.
const render_card = (document, item, options = {}) => render_card_in(item, { ...options, document });
const render_card_list = (document, items, options = {}) => render_card_list_in(items, { ...options, document });

const ITEM = {
  album_id: 3,
  master_id: 4212,
  release_id: 3310,
  title: "Mezzanine",
  artists: [{ id: 1, name: "Massive Attack" }],
  artist: "Massive Attack",
  year: 1998,
  genres: ["Electronic"],
  styles: ["Trip Hop", "Downtempo"],
  formats: ["Vinyl", "LP", "Album"],
  label: "Circa",
  country: "UK",
  url: "https://www.discogs.com/master/4212",
  score: 0.9,
  because: [
    { release_id: 1021, master_id: 7441, title: "Moon Safari", artist: "Air", shared: { styles: ["Downtempo"], label: null, artist: null } },
    { release_id: 2301, master_id: 13829, title: "Dummy", artist: "Portishead", shared: { styles: ["Trip Hop"], label: null, artist: null } },
    { release_id: 5, master_id: null, title: "Third", artist: "", shared: {} },
  ],
  listen: [{ url: "https://www.youtube.com/watch?v=abc", title: "Massive Attack - Mezzanine" }],
};

test("a card shows title, artists, year, formats, styles and links to Discogs", () => {
  const document = blank_document();
  const card = render_card(document, ITEM);
  assert.equal(card.querySelector("a.title").textContent, "Mezzanine");
  assert.equal(card.querySelector("a.title").getAttribute("href"), "https://www.discogs.com/master/4212");
  assert.equal(card.querySelector(".artist").textContent, "Massive Attack");
  assert.equal(card.querySelector(".details").textContent, "1998 · Vinyl, LP, Album");
  assert.deepEqual([...card.querySelectorAll(".styles li")].map((li) => li.textContent), ["Trip Hop", "Downtempo"]);
  assert.equal(card.dataset.albumId, "3");
});

test("the because line only when the page asks for it, saying own or want", () => {
  const document = blank_document();
  assert.equal(render_card(document, ITEM).querySelector(".because"), null);
  const because = render_card(document, ITEM, { explain: true }).querySelector(".because");
  assert.equal(because.textContent, "Because you own Moon Safari (Air) and Dummy (Portishead) and 1 more");
  const two = render_card(document, { ...ITEM, because: ITEM.because.slice(0, 2) }, { explain: true });
  assert.equal(two.querySelector(".because").textContent, "Because you own Moon Safari (Air) and Dummy (Portishead)");
  const wanted = render_card(document, ITEM, { explain: true, because_verb: "want" }).querySelector(".because");
  assert.equal(wanted.textContent, "Because you want Moon Safari (Air) and Dummy (Portishead) and 1 more");
  // Answers built from a collection and a wantlist say which each reason came from.
  const mixed = { ...ITEM, because: [ITEM.because[0], { ...ITEM.because[1], source: "wantlist" }] };
  assert.equal(render_card(document, mixed, { explain: true }).querySelector(".because").textContent,
    "Because you own Moon Safari (Air) and want Dummy (Portishead)");
});

test("the because line says how a related artist is related", () => {
  const document = blank_document();
  const reason = (relation) => ({
    release_id: 7, title: "OK Computer", artist: "Radiohead",
    shared: { styles: [], label: null, artist: null, related: { artist: "Thom Yorke", relation, of: "Radiohead" } },
  });
  const line = (...because) => render_card(document, { ...ITEM, artist: "Thom Yorke", because }, { explain: true })
    .querySelector(".because");
  assert.equal(line(reason("member of")).textContent,
    "Because you own OK Computer (Radiohead) Thom Yorke is a member of Radiohead.");
  assert.equal(line(reason("group of")).querySelector(".related-artist").textContent, "Radiohead is a member of Thom Yorke.");
  assert.equal(line(reason("alias of")).querySelector(".related-artist").textContent, "Thom Yorke is another name of Radiohead.");
  // The same link behind two reasons is said once.
  assert.equal(line(reason("member of"), reason("member of")).querySelector(".related-artist").textContent,
    "Thom Yorke is a member of Radiohead.");
  // Unknown relations and bad fields: nothing said.
  for (const related of [{ artist: "X", relation: "toString", of: "Y" }, { artist: "", relation: "member of", of: "Y" }, "member of", null]) {
    const card = render_card(document, { ...ITEM, because: [{ title: "OK Computer", shared: { related } }] }, { explain: true });
    assert.equal(card.querySelector(".related-artist"), null);
  }
});

test("listen links: the dump's video, then Spotify and Apple Music searches for artist and title", () => {
  const document = blank_document();
  const links = [...render_card(document, ITEM).querySelectorAll(".listen-links a")];
  assert.deepEqual(links.map((link) => [link.dataset.service, link.textContent, link.getAttribute("href")]), [
    ["video", "YouTube", "https://www.youtube.com/watch?v=abc"],
    ["spotify", "Spotify", "https://open.spotify.com/search/Massive%20Attack%20Mezzanine"],
    ["apple-music", "Apple Music", "https://music.apple.com/search?term=Massive%20Attack%20Mezzanine"],
  ]);
  for (const link of links) {
    assert.equal(link.getAttribute("rel"), "noopener noreferrer");
    assert.equal(link.getAttribute("target"), "_blank");
  }
  // Without a (safe) video the searches are still there; a javascript: URL never becomes a link.
  for (const listen of [[], [{ url: "javascript:alert(1)" }], undefined]) {
    const card = render_card(document, { ...ITEM, listen });
    assert.equal(card.querySelector("a.listen[data-service=video]"), null);
    assert.deepEqual([...card.querySelectorAll(".listen-links a")].map((link) => link.dataset.service), ["spotify", "apple-music"]);
  }
  // Without a title there is nothing to search for.
  assert.deepEqual(listen_links({ artist: "Air" }), []);
});

test("search links: encoded words only, no tracking parameters, Discogs' artist suffixes dropped", () => {
  const item = { title: "Sonic Youth & Friends: 100% / #1?", artist: "Philly Cream (2)" };
  const spotify = new URL(spotify_search_url(item));
  const apple = new URL(apple_music_search_url(item));
  assert.equal(spotify.origin, "https://open.spotify.com");
  assert.equal(decodeURIComponent(spotify.pathname), "/search/Philly Cream Sonic Youth & Friends: 100% / #1?");
  assert.equal(spotify.search, "");
  assert.equal(spotify.hash, "");
  assert.equal(apple.origin, "https://music.apple.com");
  assert.equal(apple.pathname, "/search");
  assert.deepEqual([...apple.searchParams.keys()], ["term"]);
  assert.equal(apple.searchParams.get("term"), "Philly Cream Sonic Youth & Friends: 100% / #1?");
  assert.equal(spotify_search_url({ title: "Kind Of Blue", artists: [{ name: "Miles Davis" }] }),
    "https://open.spotify.com/search/Miles%20Davis%20Kind%20Of%20Blue");
  assert.equal(spotify_search_url({ title: "Untitled Field Recording" }), "https://open.spotify.com/search/Untitled%20Field%20Recording");
  assert.equal(apple_music_search_url({ title: "  " }), null);
});

test("Discogs links open in place on discogs.com and in a new tab elsewhere", () => {
  const on_discogs = render_card(blank_document(), ITEM).querySelector("a.title");
  assert.equal(on_discogs.getAttribute("target"), null);
  const elsewhere = new JSDOM("<!doctype html>", { url: "http://localhost:5000/" }).window.document;
  const link = render_card(elsewhere, ITEM).querySelector("a.title");
  assert.equal(link.getAttribute("target"), "_blank");
  assert.equal(link.getAttribute("rel"), "noopener noreferrer");
});

test("artist rows (the web page's artists to explore)", () => {
  const document = blank_document();
  const row = render_artist({ id: 7, name: "Air", albums: [{ title: "Moon Safari" }, { title: "Talkie Walkie" }, { title: "10 000 Hz" }] }, { document });
  assert.equal(row.querySelector("a").getAttribute("href"), "https://www.discogs.com/artist/7");
  assert.equal(row.querySelector(".artist-albums").textContent, "Moon Safari, Talkie Walkie");
  assert.equal(render_artist({ name: " " }, { document }), null);
  assert.equal(render_artist({ name: "<b>x</b>" }, { document }).querySelectorAll("b").length, 0);
});

test("markup in API data is text, never elements", () => {
  const document = blank_document();
  const evil = "<img src=x onerror=alert(1)><b>Bold</b>";
  const card = render_card(document, {
    ...ITEM,
    title: evil,
    artist: "<i>x</i>",
    styles: ["<u>s</u>"],
    formats: ["<em>f</em>"],
    because: [{ title: "<script>1</script>", artist: "<b>a</b>" }],
    listen: [{ url: "https://example.com/", title: "<b>t</b>" }],
  }, { explain: true, on_not_interested: () => {} });
  assert.equal(card.querySelector(".title").textContent, evil);
  assert.equal(card.querySelectorAll("img, b, i, u, em, script").length, 0);
  assert.equal(card.querySelector(".because cite").textContent, "<script>1</script> (<b>a</b>)");
  assert.equal(card.querySelector("button.not-interested").getAttribute("aria-label"), `Not interested in ${evil}`);
});

test("missing or wrong fields cost a line, not the card", () => {
  const document = blank_document();
  const card = render_card(document, { title: 42, artists: "nope", year: "1998x", formats: null, styles: [1, "", " Dub "], url: null });
  assert.equal(card.querySelector(".title").tagName, "SPAN");
  assert.equal(card.querySelector(".title").textContent, "Untitled");
  assert.equal(card.querySelector(".artist"), null);
  assert.equal(card.querySelector(".details"), null);
  assert.deepEqual([...card.querySelectorAll(".styles li")].map((li) => li.textContent), ["Dub"]);
  assert.equal(render_card(document, null).querySelector(".title").textContent, "Untitled");
});

test("the not-interested button hands over the item and its card", () => {
  const document = blank_document();
  const calls = [];
  const card = render_card(document, ITEM, { on_not_interested: (item, element) => calls.push([item, element]) });
  card.querySelector("button.not-interested").click();
  assert.deepEqual(calls, [[ITEM, card]]);
  assert.equal(render_card(document, ITEM).querySelector("button.not-interested"), null);
});

test("line helpers", () => {
  assert.equal(artist_line({ artists: [{ name: "A" }, { name: "B" }, {}] }), "A, B");
  assert.equal(details_line({ year: 2001 }), "2001");
  assert.equal(details_line({ formats: ["CD"] }), "CD");
  assert.deepEqual(style_tags({ styles: [], genres: ["Jazz"] }), ["Jazz"]);
  assert.deepEqual(style_tags({ styles: ["a", "b", "c", "d", "e"] }), ["a", "b", "c", "d"]);
  assert.deepEqual(because_titles({ because: [{ title: "T" }, { title: "" }, null] }), ["T"]);
  assert.deepEqual(first_listen_link({ listen: [{ url: "ftp://x" }, { url: "https://y.example/" }] }), { url: "https://y.example/", title: null });
});

test("a list of cards", () => {
  const document = blank_document();
  const list = render_card_list(document, [ITEM, { ...ITEM, album_id: 4, title: "Other" }]);
  assert.equal(list.tagName, "OL");
  assert.deepEqual([...list.querySelectorAll(".title")].map((title) => title.textContent), ["Mezzanine", "Other"]);
});
