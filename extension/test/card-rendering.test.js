import { test } from "node:test";
import assert from "node:assert/strict";
import {
  artist_line,
  because_titles,
  details_line,
  first_listen_link,
  render_card,
  render_card_list,
  style_tags,
} from "../src/shared/card-rendering.js";
import { blank_document } from "./support/fixture-dom.js";

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

test("the because line only when the page asks for it", () => {
  const document = blank_document();
  assert.equal(render_card(document, ITEM).querySelector(".because"), null);
  const because = render_card(document, ITEM, { because_label: "Because you own" }).querySelector(".because");
  assert.equal(because.textContent, "Because you own Moon Safari (Air), Dummy (Portishead) and 1 more");
  const two = render_card(document, { ...ITEM, because: ITEM.because.slice(0, 2) }, { because_label: "Because you own" });
  assert.equal(two.querySelector(".because").textContent, "Because you own Moon Safari (Air) and Dummy (Portishead)");
});

test("a listen link when the API gives a safe one, opened without opener", () => {
  const document = blank_document();
  const listen = render_card(document, ITEM).querySelector("a.listen");
  assert.equal(listen.getAttribute("href"), "https://www.youtube.com/watch?v=abc");
  assert.equal(listen.getAttribute("rel"), "noopener noreferrer");
  assert.equal(render_card(document, { ...ITEM, listen: [] }).querySelector("a.listen"), null);
  assert.equal(render_card(document, { ...ITEM, listen: [{ url: "javascript:alert(1)" }] }).querySelector("a.listen"), null);
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
  }, { because_label: "Because you own", on_not_interested: () => {} });
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
