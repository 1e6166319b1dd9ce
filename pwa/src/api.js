// The REST client: every call goes to the network (the service worker never caches /api/),
// with the bearer token and the UI language; errors carry the server's {detail, code}, the
// detail already in that language.
import { language } from "./i18n.js";

let token = null;
let onUnauthorized = () => {};

export function setToken(value) {
  token = value;
}
export const getToken = () => token;
export function whenUnauthorized(callback) {
  onUnauthorized = callback;
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.detail || `HTTP ${status}`);
    this.status = status;
    this.detail = body?.detail || `HTTP ${status}`;
    this.code = body?.code || "error";
    this.errors = body?.errors || [];
  }
}

// The request never got an answer: no signal, server down, or cut off mid-request.
export class NetworkError extends Error {}

export async function api(path, { method = "GET", json, body, raw = false } = {}) {
  const headers = { Accept: "application/json", "Accept-Language": language() };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  }
  let response;
  try {
    // credentials omitted: the token is the credential, so no cookie and no CSRF dance.
    response = await fetch(`/api/v1${path}`, { method, headers, body, credentials: "omit" });
  } catch (error) {
    throw new NetworkError(error.message);
  }
  if (!response.ok) {
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    const error = new ApiError(response.status, data);
    if (response.status === 401 && token && !path.startsWith("/auth/")) onUnauthorized(error);
    throw error;
  }
  if (raw) return response;
  return response.status === 204 ? null : response.json();
}

// The query string of an object, leaving out empty values.
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

// Photos are behind auth: fetched with the token, shown through a blob: URL.
export async function photoObjectUrl(url) {
  const response = await api(url.replace(/^\/api\/v1/, ""), { raw: true });
  return URL.createObjectURL(await response.blob());
}
