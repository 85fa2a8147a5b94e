// The web page: four ways in (username, export upload, release URL, a Spotify, Apple
// Music or Last.fm file), one result area with loading, error, empty and result states.
import * as api from "./api.js";
import { render_artist, render_card } from "./shared/card-rendering.js";
import { parse_reference } from "./discogs-url.js";
import { clear, element } from "./dom.js";

const USERNAME = /^[A-Za-z0-9._-]{1,64}$/;
const TABS = ["user", "export", "release", "library"];
const $ = (id) => document.getElementById(id);

let in_flight = null; // the AbortController of the request on screen

// -- tabs -------------------------------------------------------------------------------

function select_tab(name, { focus = false } = {}) {
  for (const tab of TABS) {
    const selected = tab === name;
    const button = $(`tab-${tab}`);
    button.setAttribute("aria-selected", String(selected));
    button.tabIndex = selected ? 0 : -1;
    $(`panel-${tab}`).hidden = !selected;
    if (selected && focus) button.focus();
  }
}

function wire_tabs() {
  TABS.forEach((tab, index) => {
    const button = $(`tab-${tab}`);
    button.addEventListener("click", () => select_tab(tab));
    button.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      event.preventDefault();
      select_tab(TABS[(index + step + TABS.length) % TABS.length], { focus: true });
    });
  });
}

// -- result states ------------------------------------------------------------------------

function reset_results() {
  for (const id of ["cards", "artists", "problems-list", "unmatched-list"]) clear($(id));
  for (const id of ["summary", "artists-section", "problems", "unmatched"]) $(id).hidden = true;
}

function show_status(kind, message, detail = null) {
  const status = $("status");
  clear(status);
  status.className = `status status-${kind}`;
  status.hidden = false;
  if (kind === "loading") status.append(element("span", { className: "spinner", attributes: { "aria-hidden": "true" } }));
  status.append(element("p", { className: "status-message", text: message }));
  if (detail) status.append(element("p", { className: "status-detail", text: detail }));
}

function hide_status() {
  $("status").hidden = true;
}

function set_summary(parts) {
  const text = parts.filter(Boolean).join(" \u00b7 ");
  $("summary").textContent = text;
  $("summary").hidden = !text;
}

function plural(count, word) {
  return `${count.toLocaleString("en")} ${word}${count === 1 ? "" : "s"}`;
}

function number(value) {
  return Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

async function run(loading_message, task, render) {
  in_flight?.abort();
  const controller = new AbortController();
  in_flight = controller;
  reset_results();
  show_status("loading", loading_message);
  $("results").setAttribute("aria-busy", "true");
  try {
    const answer = await task(controller.signal);
    if (controller !== in_flight) return;
    hide_status();
    render(answer);
  } catch (error) {
    if (error?.name === "AbortError" || controller !== in_flight) return;
    show_status("error", error?.message || "Something went wrong.", hint_for(error));
  } finally {
    if (controller === in_flight) $("results").setAttribute("aria-busy", "false");
  }
}

function hint_for(error) {
  switch (error?.code) {
    case "collection_private": return "If it is yours: open \u201cPrivate collection?\u201d above and paste your personal token.";
    case "discogs_token_rejected": return "Check the token at discogs.com \u203a Settings \u203a Developers, or leave the field empty.";
    case "discogs_rate_limited": return "Discogs limits how fast collections can be read. Wait a minute and try again.";
    case "discogs_unavailable":
    case "discogs_timeout": return "Discogs is not answering right now. You can upload your collection export instead.";
    case "no_index": return "The server has no index yet; its operator needs to build one.";
    case "invalid_library": return "Upload the file as the service gave it: Spotify's zip or one of its JSON files, Apple Music Library Tracks.json or Library.xml, or a Last.fm scrobbles CSV.";
    default: return null;
  }
}

// -- rendering ------------------------------------------------------------------------------

function render_items(items, explain) {
  const list = Array.isArray(items) ? items : [];
  $("cards").append(...list.map((item) => render_card(item, { explain })));
  return list.length;
}

function render_artists(artists, heading = "Artists you own nothing by") {
  $("artists-heading").textContent = heading;
  const rows = (Array.isArray(artists) ? artists : []).map(render_artist).filter(Boolean).slice(0, 10);
  if (!rows.length) return;
  $("artists").append(...rows);
  $("artists-section").hidden = false;
}

function text_of(value, fallback = "") {
  return typeof value === "string" ? value : fallback;
}

// Export rows name their line; library rows say where ("line 12", "item 7").
function render_problems(rows, total, what = "the export") {
  const list = Array.isArray(rows) ? rows : [];
  if (!list.length) return;
  $("problems-summary").textContent = `${plural(number(total) || list.length, "row")} of ${what} had a problem`;
  $("problems-list").append(...list.map((row) => element("li", {}, [
    element("span", { className: "line", text: row?.where === undefined ? `Line ${number(row?.line)}` : capitalised(text_of(row.where, "?")) }),
    element("span", { text: ` ${text_of(row?.reason, "unreadable")}${row?.skipped ? " (skipped)" : ""}` }),
  ])));
  $("problems").hidden = false;
}

function capitalised(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

function render_unmatched(rows, total) {
  const list = Array.isArray(rows) ? rows : [];
  if (!list.length) return;
  $("unmatched-summary").textContent = `Not in this index: ${(number(total) || list.length).toLocaleString("en")}, most played first`;
  $("unmatched-list").append(...list.map((row) => {
    const name = text_of(row?.album) || text_of(row?.track);
    const plays = number(row?.plays);
    return element("li", {}, [
      element("span", { className: "line", text: text_of(row?.artist, "?") }),
      element("span", { text: ` \u2013 ${name}${plays ? ` (${plural(plays, "play")})` : ""}` }),
    ]);
  }));
  $("unmatched").hidden = false;
}

function profile_words(answer) {
  const profile = answer?.profile ?? {};
  const albums = number(profile.albums);
  const unknown = number(profile.unknown);
  return [
    `${plural(albums, "album")} in this index`,
    unknown ? `${unknown.toLocaleString("en")} not in it yet` : null,
  ];
}

function render_recommendations(answer, source_words, { library = false } = {}) {
  const count = render_items(answer?.recommendations, true);
  set_summary(library ? source_words : [...source_words, ...profile_words(answer)]);
  render_artists(answer?.artists, library ? "Artists you have not played" : undefined);
  render_problems(answer?.export?.malformed_rows, answer?.export?.malformed);
  if (count === 0) {
    const albums = number(answer?.profile?.albums);
    show_status("empty", albums === 0
      ? "None of these records are in this index yet, so there is nothing to go on."
      : "No recommendations: everything close to these records is already in the collection.",
    albums === 0 ? "The index is built from the Discogs dumps the server was given; a bigger index knows more records." : null);
  }
}

// -- the three ways in -----------------------------------------------------------------------

function field_error(input, message) {
  show_status("error", message);
  reset_results();
  input.focus();
}

function submit_user(event) {
  event.preventDefault();
  const input = $("username");
  const username = input.value.trim();
  if (!USERNAME.test(username)) {
    field_error(input, username ? "That is not a Discogs username: use the name in discogs.com/user/NAME." : "Enter a Discogs username.");
    return;
  }
  const token = $("token").value.trim();
  history.replaceState(null, "", `?user=${encodeURIComponent(username)}`);
  run(`Reading the collection of ${username} from Discogs\u2026 a large collection takes a minute.`,
    (signal) => api.user_recommendations(username, { token, signal }),
    (answer) => {
      const collection = answer?.collection ?? {};
      render_recommendations(answer, [
        `${username}: ${plural(number(collection.releases), "record")} in the collection`,
        number(collection.wantlist) ? `${number(collection.wantlist).toLocaleString("en")} wanted` : null,
      ]);
    });
}

function submit_export(event) {
  event.preventDefault();
  const input = $("export-file");
  const file = input.files?.[0];
  if (!file) {
    field_error(input, "Choose the CSV file discogs.com exported first.");
    return;
  }
  run(`Reading ${file.name}\u2026`, (signal) => api.export_recommendations(file, { signal }), (answer) => {
    const summary = answer?.export ?? {};
    const kind = summary.kind === "wantlist" ? "wantlist" : "collection";
    render_recommendations(answer, [`${file.name}: ${plural(number(summary.rows), "row")} of a ${kind} export`]);
  });
}

function submit_release(event) {
  event.preventDefault();
  const input = $("release-url");
  const reference = parse_reference(input.value);
  if (!reference) {
    field_error(input, "Paste the address of a Discogs release or master page, e.g. https://www.discogs.com/release/1.");
    return;
  }
  history.replaceState(null, "", `?${reference.kind}=${reference.id}`);
  run(`Finding albums like ${reference.kind} ${reference.id}\u2026`, (signal) => api.neighbours(reference, { signal }), (answer) => {
    const count = render_items(answer?.neighbours, false);
    const query = answer?.query ?? {};
    const title = typeof query.title === "string" && query.title ? query.title : `${reference.kind} ${reference.id}`;
    const artist = typeof query.artist === "string" && query.artist ? ` by ${query.artist}` : "";
    set_summary([`Albums like ${title}${artist}`]);
    if (count === 0) show_status("empty", "No similar albums in this index.");
  });
}

function submit_library(event) {
  event.preventDefault();
  const input = $("library-file");
  const file = input.files?.[0];
  if (!file) {
    field_error(input, "Choose the file Spotify, Apple Music or Last.fm gave you first.");
    return;
  }
  run(`Reading ${file.name}\u2026 a long listening history takes a moment.`,
    (signal) => api.library_recommendations(file, { signal }), (answer) => {
      const library = answer?.library ?? {};
      const albums = number(library.albums_read);
      const tracks = number(library.tracks_read);
      render_recommendations(answer, [
        `${file.name}: ${[albums ? plural(albums, "album") : null, tracks ? plural(tracks, "track") : null]
          .filter(Boolean).join(" and ") || "nothing"} read`,
        `${plural(number(library.matched), "album")} matched`,
      ], { library: true });
      render_problems(library.problem_rows, library.problems, "the file");
      render_unmatched(library.unmatched, library.unmatched_count);
    });
}

function wire_drop_zone(zone_id = "drop-zone", input_id = "export-file", text_id = "drop-text",
  empty_text = "or drop the CSV here") {
  const zone = $(zone_id);
  const input = $(input_id);
  const show_name = () => {
    $(text_id).textContent = input.files?.[0] ? input.files[0].name : empty_text;
  };
  input.addEventListener("change", show_name);
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    if (event.dataTransfer?.files?.length) {
      input.files = event.dataTransfer.files;
      show_name();
    }
  });
}

// A shared link (?user=NAME, ?release=ID, ?master=ID) runs its query on load.
function start_from_address() {
  const params = new URLSearchParams(location.search);
  if (params.get("user")) {
    $("username").value = params.get("user");
    select_tab("user");
    $("panel-user").requestSubmit();
  } else if (params.get("release") || params.get("master")) {
    $("release-url").value = params.get("release") ?? `[m${params.get("master")}]`;
    select_tab("release");
    $("panel-release").requestSubmit();
  }
}

wire_tabs();
wire_drop_zone();
wire_drop_zone("library-drop-zone", "library-file", "library-drop-text", "or drop the file here");
$("panel-user").addEventListener("submit", submit_user);
$("panel-export").addEventListener("submit", submit_export);
$("panel-release").addEventListener("submit", submit_release);
$("panel-library").addEventListener("submit", submit_library);
start_from_address();
