// Slot heatmap helpers: the colour scale (viridis: perceptual, sequential, readable on both themes), grid sizing, slot ranges.

/** Total hash slots in a Valkey/Redis cluster. */
export const SLOTS = 16384;

/** Viridis at 11 evenly spaced stops (matplotlib's values); dark-to-bright, so "more" always reads as "brighter". */
export const VIRIDIS = ['#440154', '#482475', '#414487', '#355f8d', '#2a788e', '#21918c', '#22a884', '#44bf70', '#7ad151', '#bddf26', '#fde725'];

function hexToRgb(h) {
  const n = parseInt(h.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** 256 entries of [r, g, b], linearly interpolated between the stops; built once. */
const LUT = (() => {
  const stops = VIRIDIS.map(hexToRgb);
  const out = [];
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(t));
    const f = t - k;
    out.push(stops[k].map((c, j) => Math.round(c + (stops[k + 1][j] - c) * f)));
  }
  return out;
})();

/** The colour for t in 0..1 as [r, g, b]. */
export function colorAt(t) {
  const i = Math.max(0, Math.min(255, Math.round((Number.isFinite(t) ? t : 0) * 255)));
  return LUT[i];
}

export function cssColorAt(t) {
  const [r, g, b] = colorAt(t);
  return `rgb(${r},${g},${b})`;
}

/** A CSS linear-gradient of the scale, left (low) to right (high), for the legend. */
export function cssGradient() {
  return `linear-gradient(to right, ${VIRIDIS.join(', ')})`;
}

/**
 * Position of v on the colour scale, 0..1. 'sqrt' spreads the low end: one hot slot would otherwise leave every other
 * row at the bottom colour. Values outside [min, max] are clamped; a flat range maps to the top when non-zero.
 */
export function scaleValue(v, min, max, scale = 'sqrt') {
  if (v === null || v === undefined || !Number.isFinite(v)) return undefined;
  if (!(max > min)) return max > 0 ? 1 : 0;
  const t = Math.max(0, Math.min(1, (v - min) / (max - min)));
  return scale === 'linear' ? t : Math.sqrt(t);
}

/** The value at scale position t (inverse of scaleValue): for legend ticks. */
export function valueAt(t, min, max, scale = 'sqrt') {
  const f = scale === 'linear' ? t : t * t;
  return min + (max - min) * f;
}

/**
 * Rows and columns for a canvas of this CSS pixel size: about 3 px per row and 4 px per column, so every cell stays
 * visible and the request stays small (128 x 300 for a 384 x 1200 canvas).
 */
export function heatGrid(width, height) {
  const rows = Math.max(16, Math.min(1024, Math.round(height / 3)));
  const cols = Math.max(10, Math.min(1000, Math.floor(width / 4)));
  return { rows, cols };
}

/** "100-200" (or "100") from the URL -> {from, to} within 0..16383, else undefined. */
export function parseSlotRange(s) {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(s ?? '');
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from > to || to >= SLOTS) return undefined;
  return { from, to };
}

export function slotRangeText(from, to) {
  return from === to ? `slot ${from}` : `slots ${from}–${to}`;
}

/** Index of the row ({slotFrom, slotTo}, ascending) holding slot, or -1. */
export function rowOfSlot(rows, slot) {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = rows[mid];
    if (slot < r.slotFrom) hi = mid - 1;
    else if (slot > r.slotTo) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Smallest and largest non-null value of a values[row][col] grid; undefined when there is none. */
export function valueExtent(values) {
  let min = Infinity;
  let max = -Infinity;
  for (const row of values) {
    for (const v of row) {
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return min <= max ? { min, max } : undefined;
}
