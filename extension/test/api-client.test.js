import { test } from "node:test";
import assert from "node:assert/strict";
import { api_url, call_api } from "../src/background/api-client.js";

function answering(status, body) {
  const calls = [];
  const fetch_impl = async (url, options) => {
    calls.push({ url, options });
    return new Response(typeof body === "string" ? body : JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  };
  return { calls, fetch_impl };
}

test("URLs join without double slashes", () => {
  assert.equal(api_url("http://localhost:5000/", "/healthz"), "http://localhost:5000/healthz");
  assert.equal(api_url("https://x.example/base", "/api/v1/recommendations"), "https://x.example/base/api/v1/recommendations");
});

test("a JSON answer comes back as data; POST bodies go as JSON without cookies", async () => {
  const { calls, fetch_impl } = answering(200, { recommendations: [] });
  const answer = await call_api("http://localhost:5000", "/api/v1/recommendations", { method: "POST", body: { release_ids: [1] }, fetch_impl });
  assert.deepEqual(answer, { ok: true, data: { recommendations: [] } });
  assert.equal(calls[0].options.method, "POST");
  assert.equal(calls[0].options.body, '{"release_ids":[1]}');
  assert.equal(calls[0].options.headers["Content-Type"], "application/json");
  assert.equal(calls[0].options.credentials, "omit");
});

test("the API's error shape is kept", async () => {
  const { fetch_impl } = answering(404, { error: { status: 404, code: "not_found", message: "release 9 is not in the index" } });
  assert.deepEqual(await call_api("http://a", "/x", { fetch_impl }), {
    ok: false,
    error: { status: 404, code: "not_found", message: "release 9 is not in the index" },
  });
});

test("errors without the shape still get a code", async () => {
  assert.equal((await call_api("http://a", "/x", answering(404, "<html>"))).error.code, "not_found");
  const server_error = await call_api("http://a", "/x", answering(502, "Bad Gateway"));
  assert.equal(server_error.error.code, "http_error");
  assert.equal(server_error.error.status, 502);
  const not_json = await call_api("http://a", "/x", answering(200, "<html>"));
  assert.equal(not_json.error.code, "bad_response");
});

test("a server that cannot be reached or does not answer in time", async () => {
  const refused = await call_api("http://a", "/x", { fetch_impl: async () => { throw new TypeError("Failed to fetch"); } });
  assert.deepEqual(refused.error, { status: 0, code: "unreachable", message: "The API could not be reached." });
  const slow = await call_api("http://a", "/x", {
    timeout_ms: 10,
    // AbortSignal.timeout's timer does not keep Node alive; this one does until the abort.
    fetch_impl: (url, { signal }) => new Promise((resolve, reject) => {
      const keep_alive = setTimeout(() => reject(new Error("never aborted")), 5000);
      signal.addEventListener("abort", () => {
        clearTimeout(keep_alive);
        reject(signal.reason);
      });
    }),
  });
  assert.equal(slow.error.code, "timeout");
});
