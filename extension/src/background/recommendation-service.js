// What the service worker does for each message: builds the API request from
// the user's settings and "not interested" list, answers from the cache when it
// can, and hands back {ok: true, items, query, unknown_ids} or {ok: false, error}.
import { call_api } from "./api-client.js";
import { positive_id } from "../shared/discogs-urls.js";
import { MAX_RESULTS, normalize_api_base_url } from "../shared/settings.js";
import { without_excluded } from "../shared/not-interested.js";

// Unknown ids are worth remembering too: asking again within minutes gives the same 404.
const CACHEABLE_FAILURES = new Set([404]);

function id_list(values) {
  return Array.isArray(values) ? [...new Set(values.map(positive_id).filter((id) => id !== null))] : [];
}

function items_of(list) {
  return Array.isArray(list) ? list.filter((item) => item && typeof item === "object") : [];
}

function invalid(message) {
  return { ok: false, error: { status: 0, code: "invalid_request", message } };
}

export function create_recommendation_service({ load_settings, load_excluded_ids, cache, fetch_impl = globalThis.fetch }) {
  async function cached_call(settings, path, options = {}) {
    const key = JSON.stringify([settings.api_base_url, options.method ?? "GET", path, options.body ?? null]);
    const hit = await cache.get(key);
    if (hit) return hit;
    const answer = await call_api(settings.api_base_url, path, { ...options, fetch_impl });
    if (answer.ok || CACHEABLE_FAILURES.has(answer.error.status)) await cache.set(key, answer);
    return answer;
  }

  // The GET endpoints take no exclude list, so excluded cards are filtered out
  // here; asking for a few more keeps the panel full afterwards.
  function k_with_room_for(settings, excluded_ids) {
    return Math.min(MAX_RESULTS, settings.results_count + excluded_ids.length);
  }

  function finish(answer, list_name, settings, excluded_ids) {
    if (!answer.ok) return answer;
    return {
      ok: true,
      items: without_excluded(items_of(answer.data[list_name]), excluded_ids).slice(0, settings.results_count),
      query: answer.data.query && typeof answer.data.query === "object" ? answer.data.query : null,
      unknown_ids: id_list(answer.data.unknown_ids),
    };
  }

  return {
    async neighbours({ kind, id }) {
      const album_id = positive_id(id);
      if (!["release", "master"].includes(kind) || album_id === null) return invalid("neighbours needs a release or master id");
      const [settings, excluded_ids] = await Promise.all([load_settings(), load_excluded_ids()]);
      const k = k_with_room_for(settings, excluded_ids);
      const answer = await cached_call(settings, `/api/v1/${kind}s/${album_id}/neighbours?k=${k}`);
      return finish(answer, "neighbours", settings, excluded_ids);
    },

    async recommend_for_ids({ release_ids, master_ids }) {
      const body_ids = { release_ids: id_list(release_ids), master_ids: id_list(master_ids) };
      if (body_ids.release_ids.length + body_ids.master_ids.length === 0) return invalid("recommendations need at least one id");
      const [settings, excluded_ids] = await Promise.all([load_settings(), load_excluded_ids()]);
      const body = { ...body_ids, k: settings.results_count, exclude_ids: excluded_ids };
      const answer = await cached_call(settings, "/api/v1/recommendations", { method: "POST", body });
      return finish(answer, "recommendations", settings, excluded_ids);
    },

    async recommend_for_user({ username }) {
      if (typeof username !== "string" || username.trim() === "") return invalid("recommendations for a user need a username");
      const [settings, excluded_ids] = await Promise.all([load_settings(), load_excluded_ids()]);
      const k = k_with_room_for(settings, excluded_ids);
      const path = `/api/v1/users/${encodeURIComponent(username.trim())}/recommendations?k=${k}`;
      return finish(await cached_call(settings, path), "recommendations", settings, excluded_ids);
    },

    /** Used by the options page's "Test connection": never cached. */
    async check_api({ api_base_url }) {
      const settings = await load_settings();
      const base = api_base_url === undefined ? settings.api_base_url : normalize_api_base_url(api_base_url);
      if (!base) return invalid("That is not an http(s) URL.");
      const answer = await call_api(base, "/healthz", { fetch_impl, timeout_ms: 5000 });
      if (!answer.ok) return answer;
      return answer.data.status === "ok"
        ? { ok: true }
        : { ok: false, error: { status: 200, code: "unhealthy", message: "The API answered but is not healthy." } };
    },
  };
}
