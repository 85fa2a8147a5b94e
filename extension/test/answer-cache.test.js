import { test } from "node:test";
import assert from "node:assert/strict";
import { create_answer_cache } from "../src/background/answer-cache.js";

// Behaves like chrome.storage.session for get/set/remove.
function memory_storage_area() {
  const data = {};
  return {
    data,
    async get(key) {
      if (key === null) return { ...data };
      return key in data ? { [key]: data[key] } : {};
    },
    async set(items) {
      Object.assign(data, structuredClone(items));
    },
    async remove(keys) {
      for (const key of [keys].flat()) delete data[key];
    },
  };
}

test("answers are kept for the TTL and then dropped", async () => {
  let now = 1000;
  const cache = create_answer_cache({ ttl_ms: 100, now: () => now });
  await cache.set("k", { ok: true });
  assert.deepEqual(await cache.get("k"), { ok: true });
  now += 99;
  assert.deepEqual(await cache.get("k"), { ok: true });
  now += 1;
  assert.equal(await cache.get("k"), null);
});

test("answers outlive the worker through the session storage area", async () => {
  let now = 0;
  const storage_area = memory_storage_area();
  await create_answer_cache({ ttl_ms: 100, storage_area, now: () => now }).set("k", { ok: true, items: [1] });
  const restarted = create_answer_cache({ ttl_ms: 100, storage_area, now: () => now });
  assert.deepEqual(await restarted.get("k"), { ok: true, items: [1] });
});

test("stale stored answers are pruned on the next write", async () => {
  let now = 0;
  const storage_area = memory_storage_area();
  const cache = create_answer_cache({ ttl_ms: 100, storage_area, now: () => now });
  await cache.set("old", 1);
  now = 500;
  await cache.set("new", 2);
  assert.deepEqual(Object.keys(storage_area.data), ["answer:new"]);
});

test("a broken storage area only costs cache hits", async () => {
  const broken = { get: async () => { throw new Error("x"); }, set: async () => { throw new Error("x"); }, remove: async () => {} };
  const cache = create_answer_cache({ storage_area: broken });
  await cache.set("k", 1);
  assert.equal(await cache.get("k"), 1);
  assert.equal(await create_answer_cache({ storage_area: broken }).get("k"), null);
});
