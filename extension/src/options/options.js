// The options page: API base URL, Discogs username, number of results and a
// switch per page type. A new API origin asks for its host permission here,
// inside the Save click, because browsers only prompt during a user gesture.
import { ext } from "../shared/browser-api.js";
import { MESSAGE, ask_service_worker } from "../shared/messages.js";
import {
  DEFAULT_API_BASE_URL,
  api_origin_pattern,
  load_settings,
  normalize_api_base_url,
  normalize_results_count,
  normalize_username,
  page_type_enabled,
  save_settings,
} from "../shared/settings.js";
import { forget_not_interested, load_not_interested_ids } from "../shared/not-interested.js";
import { element } from "../shared/dom-building.js";
import { DISCOGS_HOST_PATTERN } from "../shared/discogs-urls.js";
import { PAGE_TYPES } from "../content/page-types/index.js";

const form = document.getElementById("options-form");
const api_input = document.getElementById("api-base-url");
const username_input = document.getElementById("discogs-username");
const results_input = document.getElementById("results-count");
const switches = document.getElementById("page-switches");
const status = document.getElementById("status");
const not_interested_count = document.getElementById("not-interested-count");

let saved_api_base_url = DEFAULT_API_BASE_URL;

function say(text, tone = "info") {
  status.textContent = text;
  status.dataset.tone = tone;
}

function render_switches(settings) {
  for (const page_type of PAGE_TYPES) {
    const checkbox = element(document, "input", {
      attributes: { type: "checkbox", name: "page_switch", value: page_type.name, id: `page-switch-${page_type.name}` },
    });
    checkbox.checked = page_type_enabled(settings, page_type.name);
    switches.append(element(document, "label", { attributes: { for: checkbox.id } }, [checkbox, page_type.label]));
  }
}

function form_values(api_base_url) {
  const page_switches = {};
  for (const checkbox of switches.querySelectorAll('input[name="page_switch"]')) {
    page_switches[checkbox.value] = checkbox.checked;
  }
  return {
    api_base_url,
    discogs_username: normalize_username(username_input.value),
    results_count: normalize_results_count(results_input.value),
    page_switches,
  };
}

function needed_origins(api_base_url) {
  return [api_origin_pattern(api_base_url), DISCOGS_HOST_PATTERN];
}

/** Says so when the browser does not (or no longer) allow what the saved settings need. */
async function warn_about_missing_access(api_base_url) {
  const granted = await ext.permissions.contains({ origins: needed_origins(api_base_url) }).catch(() => true);
  if (!granted) say("The browser does not allow the extension to reach Discogs and this server yet: press Save to allow it.", "error");
}

/** Gives back the permission for an API origin we no longer use, unless the manifest grants it anyway. */
async function drop_unused_permission(old_base_url, new_base_url) {
  const old_pattern = api_origin_pattern(old_base_url);
  const manifest_patterns = ext.runtime.getManifest().host_permissions ?? [];
  if (old_pattern === api_origin_pattern(new_base_url) || manifest_patterns.includes(old_pattern)) return;
  await ext.permissions.remove({ origins: [old_pattern] }).catch(() => {});
}

async function save(access_request, values) {
  let granted = false;
  try {
    granted = await access_request;
  } catch {
    granted = false;
  }
  await save_settings(values);
  if (granted) await drop_unused_permission(saved_api_base_url, values.api_base_url);
  saved_api_base_url = values.api_base_url;
  api_input.value = values.api_base_url;
  results_input.value = values.results_count;
  username_input.value = values.discogs_username;
  if (granted) say("Saved.");
  else say(`Saved, but the browser did not allow access to ${new URL(values.api_base_url).origin} and Discogs: recommendations will fail until it does.`, "error");
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const api_base_url = normalize_api_base_url(api_input.value || DEFAULT_API_BASE_URL);
  if (!api_base_url) {
    say("The API base URL must be an http:// or https:// address.", "error");
    return;
  }
  // Asked before anything is awaited: the prompt needs the click's user gesture.
  // Origins that are already granted answer true without a prompt. Discogs is
  // asked for too because Firefox lets users withdraw manifest host permissions.
  const access_request = ext.permissions.request({ origins: needed_origins(api_base_url) });
  save(access_request, form_values(api_base_url)).catch((error) => say(`Could not save: ${error?.message ?? error}`, "error"));
});

document.getElementById("check-api").addEventListener("click", async () => {
  const api_base_url = normalize_api_base_url(api_input.value || DEFAULT_API_BASE_URL);
  if (!api_base_url) {
    say("The API base URL must be an http:// or https:// address.", "error");
    return;
  }
  say("Checking…");
  const answer = await ask_service_worker({ type: MESSAGE.CHECK_API, api_base_url });
  if (answer.ok) say(`Connected to ${api_base_url}.`);
  else say(`No answer from ${api_base_url}: ${answer.error?.message ?? "unknown error"} (save first if the browser has not allowed this server yet)`, "error");
});

async function show_not_interested_count() {
  const count = (await load_not_interested_ids()).length;
  not_interested_count.textContent = count === 1 ? "1 album is hidden as not interested." : `${count} albums are hidden as not interested.`;
  document.getElementById("forget-not-interested").disabled = count === 0;
}

document.getElementById("forget-not-interested").addEventListener("click", async () => {
  await forget_not_interested();
  await show_not_interested_count();
});

async function main() {
  const settings = await load_settings();
  saved_api_base_url = settings.api_base_url;
  api_input.value = settings.api_base_url;
  username_input.value = settings.discogs_username;
  results_input.value = settings.results_count;
  render_switches(settings);
  await show_not_interested_count();
  await warn_about_missing_access(settings.api_base_url);
  document.body.dataset.ready = "true";
}

main().catch((error) => say(`Could not load the options: ${error?.message ?? error}`, "error"));
