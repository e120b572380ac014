// A share 0..1 as a small bar and a percentage: hot slots, balance, hot keys.
import { html } from '../lib/html.js';
import { trimZeros } from './Chart.js';

export function pct(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return trimZeros((v * 100).toFixed(v >= 0.1 ? 1 : 2)) + '%';
}

/** The bar is relative to `scale` (the largest share shown), so small shares stay visible. */
export function ShareBar({ share, scale = 1, color }) {
  const w = Math.max(0, Math.min(1, (share ?? 0) / scale)) * 100;
  return html`<span class="share"><span class="share-bar"><span style=${`width:${w}%${color ? `;background:${color}` : ''}`}></span></span><span class="num share-pct">${pct(share)}</span></span>`;
}
