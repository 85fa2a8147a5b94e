// The extension's only network client. Chrome runs this as a service worker,
// Firefox as an event page (background scripts); the code is the same.
import { ext } from "../shared/browser-api.js";
import { MESSAGE, failure } from "../shared/messages.js";
import { load_settings } from "../shared/settings.js";
import { load_not_interested_ids } from "../shared/not-interested.js";
import { create_answer_cache } from "./answer-cache.js";
import { create_recommendation_service } from "./recommendation-service.js";

const service = create_recommendation_service({
  load_settings,
  load_excluded_ids: load_not_interested_ids,
  cache: create_answer_cache({ storage_area: ext.storage.session ?? null }),
  fetch_impl: (...args) => fetch(...args),
});

const HANDLERS = {
  [MESSAGE.NEIGHBOURS]: (message) => service.neighbours(message),
  [MESSAGE.RECOMMEND_FOR_IDS]: (message) => service.recommend_for_ids(message),
  [MESSAGE.RECOMMEND_FOR_USER]: (message) => service.recommend_for_user(message),
  [MESSAGE.CHECK_API]: (message) => service.check_api(message),
  [MESSAGE.OPEN_OPTIONS]: async () => {
    await ext.runtime.openOptionsPage();
    return { ok: true };
  },
};

ext.runtime.onMessage.addListener((message, sender, send_response) => {
  const handler = HANDLERS[message?.type];
  // Only our own pages and content scripts may ask (web pages cannot reach
  // runtime messaging without externally_connectable, this is a second lock).
  if (!handler || sender.id !== ext.runtime.id) return false;
  handler(message)
    .catch((error) => failure("extension_error", String(error?.message ?? error)))
    .then(send_response);
  // Chrome keeps the channel open for an asynchronous answer only when the
  // listener returns true (it ignores returned promises).
  return true;
});
