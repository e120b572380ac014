// The UI's only door to the server: JSON requests to /api with errors turned into ApiError.
export class ApiError extends Error {
  /** details: the whole {error: {...}} object, for answers that say more (a 428's confirm text and target). */
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** A token given in the page URL (?token=...) when Skyscope is bound beyond loopback; kept for every call. */
const token = (() => {
  try {
    const t = new URLSearchParams(location.search).get('token');
    if (t) sessionStorage.setItem('skyscope.token', t);
    return t || sessionStorage.getItem('skyscope.token') || undefined;
  } catch {
    return undefined;
  }
})();

export function withToken(path) {
  if (!token) return path;
  return path + (path.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(token);
}

/** GET or POST path (with params as a query string); resolves to parsed JSON or throws ApiError. */
export async function api(path, { params, method = 'GET', body, signal } = {}) {
  let url = path;
  if (params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
    const s = q.toString();
    if (s) url += '?' + s;
  }
  let res;
  try {
    res = await fetch(withToken(url), {
      method,
      signal,
      headers: body !== undefined ? { 'content-type': 'application/json' } : undefined,
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'unreachable', 'Skyscope is not answering. Is it still running? Retrying…');
  }
  let json;
  try {
    json = await res.json();
  } catch {
    throw new ApiError(res.status, 'bad_response', `${res.status} ${res.statusText}: the server did not answer with JSON`);
  }
  if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? 'error', json?.error?.message ?? res.statusText, json?.error);
  return json;
}

let metricsCache;
/** The metric catalog, fetched once per page load: it only changes with a new Skyscope version. */
export function getCatalog() {
  metricsCache ??= api('/api/metrics').then((r) => {
    const byName = new Map(r.metrics.map((m) => [m.name, m]));
    return { list: r.metrics, byName };
  }).catch((e) => {
    metricsCache = undefined;
    throw e;
  });
  return metricsCache;
}
