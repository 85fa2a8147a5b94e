// Message types between the content scripts / popup / options page and the
// service worker, which is the only part of the extension that uses the network.
import { ext } from "./browser-api.js";

export const MESSAGE = Object.freeze({
  NEIGHBOURS: "discogs-recs:neighbours",
  RECOMMEND_FOR_IDS: "discogs-recs:recommend-for-ids",
  RECOMMEND_FOR_USER: "discogs-recs:recommend-for-user",
  CHECK_API: "discogs-recs:check-api",
  OPEN_OPTIONS: "discogs-recs:open-options",
  PAGE_IDS: "discogs-recs:page-ids",
});

export function failure(code, message, status = 0) {
  return { ok: false, error: { status, code, message } };
}

/**
 * Sends a message to the service worker and never throws: a reloaded or
 * removed extension ("Extension context invalidated") turns into a failure
 * answer, so pages never see an uncaught error.
 */
export async function ask_service_worker(message) {
  try {
    const answer = await ext.runtime.sendMessage(message);
    return answer && typeof answer === "object" ? answer : failure("no_answer", "The extension did not answer.");
  } catch (error) {
    return failure("extension_unavailable", String(error?.message ?? error));
  }
}
