import { test } from "node:test";
import assert from "node:assert/strict";
import { create_recommendation_service } from "../src/background/recommendation-service.js";
import { create_answer_cache } from "../src/background/answer-cache.js";
import { normalize_settings } from "../src/shared/settings.js";

function item(album_id, master_id, release_id) {
  return { album_id, master_id, release_id, title: `Album ${album_id}` };
}

function service_with({ settings = {}, excluded = [], answers = {} } = {}) {
  const requests = [];
  const fetch_impl = async (url, options) => {
    requests.push({ url, method: options.method, body: options.body ? JSON.parse(options.body) : undefined });
    const path = new URL(url).pathname;
    const [status, body] = answers[path] ?? [404, { error: { status: 404, code: "not_found", message: "nope" } }];
    return new Response(JSON.stringify(body), { status });
  };
  const service = create_recommendation_service({
    load_settings: async () => normalize_settings({ api_base_url: "http://api.test:5000", ...settings }),
    load_excluded_ids: async () => excluded,
    cache: create_answer_cache(),
    fetch_impl,
  });
  return { service, requests };
}

const NEIGHBOURS = [item(1, 11, 101), item(2, 12, 102), item(3, null, 103), item(4, 14, 104)];

test("neighbours: k is the results count plus room for excluded cards, which are filtered out", async () => {
  const { service, requests } = service_with({
    settings: { results_count: 2 },
    excluded: [11],
    answers: { "/api/v1/releases/1021/neighbours": [200, { neighbours: NEIGHBOURS, query: item(9, 90, 1021) }] },
  });
  const answer = await service.neighbours({ kind: "release", id: 1021 });
  assert.equal(requests[0].url, "http://api.test:5000/api/v1/releases/1021/neighbours?k=3");
  assert.deepEqual(answer.items.map((entry) => entry.album_id), [2, 3]);
  assert.equal(answer.query.album_id, 9);
});

test("answers are cached: the same question twice is one request", async () => {
  const { service, requests } = service_with({
    answers: { "/api/v1/masters/7/neighbours": [200, { neighbours: NEIGHBOURS }] },
  });
  await service.neighbours({ kind: "master", id: 7 });
  await service.neighbours({ kind: "master", id: 7 });
  assert.equal(requests.length, 1);
});

test("unknown ids (404) are cached too, but unreachable servers are not", async () => {
  const { service, requests } = service_with();
  assert.equal((await service.neighbours({ kind: "release", id: 5 })).error.code, "not_found");
  await service.neighbours({ kind: "release", id: 5 });
  assert.equal(requests.length, 1);

  let calls = 0;
  const down = create_recommendation_service({
    load_settings: async () => normalize_settings({}),
    load_excluded_ids: async () => [],
    cache: create_answer_cache(),
    fetch_impl: async () => {
      calls += 1;
      throw new TypeError("Failed to fetch");
    },
  });
  assert.equal((await down.neighbours({ kind: "release", id: 5 })).error.code, "unreachable");
  await down.neighbours({ kind: "release", id: 5 });
  assert.equal(calls, 2);
});

test("recommendations for ids: POST with k and exclude_ids, ids cleaned", async () => {
  const { service, requests } = service_with({
    settings: { results_count: 5 },
    excluded: [12],
    answers: { "/api/v1/recommendations": [200, { recommendations: NEIGHBOURS, artists: [], unknown_ids: [77] }] },
  });
  const answer = await service.recommend_for_ids({ release_ids: [1, "2", 2, -3, "x"], master_ids: [9] });
  assert.deepEqual(requests[0].body, { release_ids: [1, 2], master_ids: [9], k: 5, exclude_ids: [12] });
  assert.equal(requests[0].method, "POST");
  assert.deepEqual(answer.items.map((entry) => entry.album_id), [1, 3, 4]);
  assert.deepEqual(answer.unknown_ids, [77]);
});

test("recommendations for ids need at least one id", async () => {
  const { service, requests } = service_with();
  assert.equal((await service.recommend_for_ids({ release_ids: [], master_ids: [] })).error.code, "invalid_request");
  assert.equal(requests.length, 0);
});

test("recommendations for a user: the username is URL-encoded", async () => {
  const { service, requests } = service_with({
    answers: { "/api/v1/users/a%20b%2Fc/recommendations": [200, { recommendations: [item(1, 2, 3)] }] },
  });
  const answer = await service.recommend_for_user({ username: "a b/c" });
  assert.equal(requests[0].url, "http://api.test:5000/api/v1/users/a%20b%2Fc/recommendations?k=12");
  assert.equal(answer.items.length, 1);
});

test("bad messages are refused without a request", async () => {
  const { service, requests } = service_with();
  assert.equal((await service.neighbours({ kind: "artist", id: 1 })).ok, false);
  assert.equal((await service.neighbours({ kind: "release", id: "x" })).ok, false);
  assert.equal((await service.recommend_for_user({ username: " " })).ok, false);
  assert.equal(requests.length, 0);
});

test("check_api asks /healthz of the given URL, uncached", async () => {
  const { service, requests } = service_with({ answers: { "/healthz": [200, { status: "ok" }] } });
  assert.deepEqual(await service.check_api({ api_base_url: "http://api.test:5000/api/v1" }), { ok: true });
  assert.deepEqual(await service.check_api({}), { ok: true });
  assert.equal(requests.length, 2);
  assert.equal((await service.check_api({ api_base_url: "ftp://x" })).error.code, "invalid_request");
});
