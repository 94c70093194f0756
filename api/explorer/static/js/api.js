// Calls to the public JSON API (same origin only) and its problem+json answers.

/** An answer of the API that is not a success: the RFC 9457 problem, or a stand-in. */
export class Problem extends Error {
  constructor(status, body) {
    super(body.detail || body.title || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** The URL of an API path with query parameters (arrays repeat the parameter). */
export function apiUrl(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of [value].flat()) {
      if (item !== undefined && item !== null && item !== "") query.append(key, item);
    }
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** GET an API path; the parsed JSON, or a thrown Problem (network failures included). */
export async function getJson(path, params = {}, signal = undefined) {
  let response;
  try {
    response = await fetch(apiUrl(path, params), { headers: { Accept: "application/json" }, signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new Problem(0, { title: "The server cannot be reached", detail: String(error.message) });
  }
  const type = response.headers.get("Content-Type") || "";
  const body = type.includes("json") ? await response.json().catch(() => ({})) : {};
  if (!response.ok) {
    throw new Problem(response.status, { title: response.statusText, ...body });
  }
  return body;
}

/** Path segments of an entity id: each part encoded, the slashes kept (`country/DZA`). */
export function idPath(id) {
  return id.split("/").map(encodeURIComponent).join("/");
}
