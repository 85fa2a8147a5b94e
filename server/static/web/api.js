// Calls to this server's /api/v1, with the error shape turned into an Error a
// person can read: {"error": {"status", "code", "message"}}.

export class ApiError extends Error {
  constructor(message, { status = 0, code = "network" } = {}) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const K = 24;

async function call(url, options = {}) {
  let response;
  try {
    response = await fetch(url, { ...options, headers: { Accept: "application/json", ...(options.headers ?? {}) } });
  } catch (error) {
    if (error?.name === "AbortError") throw error;
    throw new ApiError("Cannot reach the recommendation server. Check that it is running and try again.");
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const message = typeof body?.error?.message === "string" ? body.error.message : `The server answered ${response.status}.`;
    throw new ApiError(message, { status: response.status, code: body?.error?.code ?? "http_error" });
  }
  if (!body || typeof body !== "object") throw new ApiError("The server sent an answer that is not JSON.");
  return body;
}

export function user_recommendations(username, { token = "", signal } = {}) {
  const headers = token ? { "X-Discogs-Token": token } : {};
  return call(`/api/v1/users/${encodeURIComponent(username)}/recommendations?k=${K}`, { headers, signal });
}

export function export_recommendations(file, { signal } = {}) {
  const form = new FormData();
  form.append("file", file, file.name || "export.csv");
  return call(`/api/v1/recommendations/from-export?k=${K}`, { method: "POST", body: form, signal });
}

export function library_recommendations(file, { signal } = {}) {
  const form = new FormData();
  form.append("file", file, file.name || "library");
  return call(`/api/v1/recommendations/from-library?k=${K}`, { method: "POST", body: form, signal });
}

export function neighbours({ kind, id }, { signal } = {}) {
  return call(`/api/v1/${kind}s/${id}/neighbours?k=${K}`, { signal });
}
