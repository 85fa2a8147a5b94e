// Calls the discogs-recs HTTP API and turns every outcome into
// {ok: true, data} or {ok: false, error: {status, code, message}}: the shape of
// the API's own error bodies, with status 0 for answers that never arrived.

const TIMEOUT_MS = 15000;

export function api_url(api_base_url, path) {
  return `${api_base_url.replace(/\/+$/, "")}${path}`;
}

function error_from_body(body, status) {
  const error = body && typeof body === "object" ? body.error : null;
  return {
    status,
    code: typeof error?.code === "string" ? error.code : status === 404 ? "not_found" : "http_error",
    message: typeof error?.message === "string" ? error.message : `The API answered with HTTP ${status}.`,
  };
}

export async function call_api(api_base_url, path, { method = "GET", body, fetch_impl = globalThis.fetch, timeout_ms = TIMEOUT_MS } = {}) {
  let response;
  try {
    response = await fetch_impl(api_url(api_base_url, path), {
      method,
      headers: body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      // Nothing but the ids in the request leaves the browser: no cookies, no referrer.
      credentials: "omit",
      referrerPolicy: "no-referrer",
      signal: AbortSignal.timeout(timeout_ms),
    });
  } catch (error) {
    const timed_out = error?.name === "TimeoutError";
    return {
      ok: false,
      error: {
        status: 0,
        code: timed_out ? "timeout" : "unreachable",
        message: timed_out ? "The API did not answer in time." : "The API could not be reached.",
      },
    };
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (!response.ok) return { ok: false, error: error_from_body(payload, response.status) };
  if (!payload || typeof payload !== "object") {
    return { ok: false, error: { status: response.status, code: "bad_response", message: "The API answer was not JSON." } };
  }
  return { ok: true, data: payload };
}
