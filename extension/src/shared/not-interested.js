// Albums the user marked "not interested": hidden from then on and sent to
// the API as exclude_ids. Kept in storage.local because the list can outgrow
// storage.sync's small quota.
import { ext } from "./browser-api.js";
import { positive_id } from "./discogs-urls.js";

const STORAGE_KEY = "not_interested_ids";
// Oldest entries fall off so the exclude list sent with each request stays small.
const MAX_REMEMBERED = 1000;

/** The id that stands for a card: its master when it has one, else its release. */
export function exclusion_id(item) {
  return positive_id(item?.master_id) ?? positive_id(item?.release_id);
}

export function is_excluded(item, excluded_ids) {
  const excluded = excluded_ids instanceof Set ? excluded_ids : new Set(excluded_ids);
  const master_id = positive_id(item?.master_id);
  const release_id = positive_id(item?.release_id);
  return (master_id !== null && excluded.has(master_id)) || (release_id !== null && excluded.has(release_id));
}

export function without_excluded(items, excluded_ids) {
  const excluded = new Set(excluded_ids);
  return items.filter((item) => !is_excluded(item, excluded));
}

export function with_added_id(ids, id) {
  return [...ids.filter((known) => known !== id), id].slice(-MAX_REMEMBERED);
}

export async function load_not_interested_ids() {
  try {
    const stored = await ext.storage.local.get(STORAGE_KEY);
    const ids = Array.isArray(stored[STORAGE_KEY]) ? stored[STORAGE_KEY] : [];
    return ids.map(positive_id).filter((id) => id !== null);
  } catch {
    return [];
  }
}

export async function mark_not_interested(item) {
  const id = exclusion_id(item);
  if (id === null) return;
  const ids = await load_not_interested_ids();
  await ext.storage.local.set({ [STORAGE_KEY]: with_added_id(ids, id) });
}

export async function forget_not_interested() {
  await ext.storage.local.remove(STORAGE_KEY);
}
