// Time ranges shared by every page: presets that follow now (live) or a fixed from/to, both kept in the URL.
export const RANGES = [
  { id: '5m', seconds: 300, label: '5m' },
  { id: '1h', seconds: 3600, label: '1h' },
  { id: '6h', seconds: 6 * 3600, label: '6h' },
  { id: '24h', seconds: 86400, label: '24h' },
  { id: '7d', seconds: 7 * 86400, label: '7d' },
];

/** Accepts unix seconds or an ISO date; returns unix seconds or undefined. */
export function parseTimeParam(v) {
  if (v === null || v === undefined || v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t / 1000;
}

/**
 * The range a page shows, from its URL parameters: from+to give a fixed window; otherwise range=<preset>
 * (default def) is a live window ending now.
 */
export function rangeFromParams(params, def = '1h') {
  const from = parseTimeParam(params.get('from'));
  const to = parseTimeParam(params.get('to'));
  if (from !== undefined && to !== undefined && from < to) return { live: false, from, to, id: 'custom' };
  const preset = RANGES.find((r) => r.id === params.get('range')) ?? RANGES.find((r) => r.id === def);
  return { live: true, id: preset.id, seconds: preset.seconds };
}

/** {from, to} in unix seconds for a range at time now (seconds). */
export function resolveRange(range, now = Date.now() / 1000) {
  if (!range.live) return { from: range.from, to: range.to };
  const to = Math.ceil(now);
  return { from: to - range.seconds, to };
}

/** Bucket width in seconds so a chart `pixels` wide gets about one bucket per pixel, never below the collection interval. */
export function stepFor(from, to, pixels, minStep = 1) {
  const raw = (to - from) / Math.max(50, pixels);
  const nice = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  const s = nice.find((n) => n >= raw) ?? Math.ceil(raw / 86400) * 86400;
  return Math.max(minStep, s);
}
