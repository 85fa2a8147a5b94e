// Keeps API answers for a few minutes. Service workers are stopped after about
// 30 idle seconds, so entries also go to storage.session (memory only, cleared
// with the browser) to outlive the worker.

const DEFAULT_TTL_MS = 5 * 60 * 1000;
const KEY_PREFIX = "answer:";
const MAX_MEMORY_ENTRIES = 200;

export function create_answer_cache({ ttl_ms = DEFAULT_TTL_MS, storage_area = null, now = () => Date.now() } = {}) {
  const memory = new Map();

  const fresh = (entry) => entry && typeof entry.stored_at === "number" && now() - entry.stored_at < ttl_ms;

  async function stored_entry(key) {
    if (!storage_area) return null;
    try {
      return (await storage_area.get(KEY_PREFIX + key))[KEY_PREFIX + key] ?? null;
    } catch {
      return null;
    }
  }

  async function prune() {
    for (const [key, entry] of memory) {
      if (!fresh(entry)) memory.delete(key);
    }
    while (memory.size > MAX_MEMORY_ENTRIES) memory.delete(memory.keys().next().value);
    if (!storage_area) return;
    try {
      const everything = await storage_area.get(null);
      const stale = Object.keys(everything).filter((key) => key.startsWith(KEY_PREFIX) && !fresh(everything[key]));
      if (stale.length) await storage_area.remove(stale);
    } catch {
      // A full or unavailable session store only costs cache hits.
    }
  }

  return {
    async get(key) {
      const entry = memory.get(key) ?? (await stored_entry(key));
      if (!fresh(entry)) {
        memory.delete(key);
        return null;
      }
      memory.set(key, entry);
      return entry.value;
    },

    async set(key, value) {
      const entry = { stored_at: now(), value };
      memory.set(key, entry);
      if (storage_area) {
        try {
          await storage_area.set({ [KEY_PREFIX + key]: entry });
        } catch {
          // Memory still holds it.
        }
      }
      await prune();
    },
  };
}
