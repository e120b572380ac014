// A tiny inline trend line (SVG, no uPlot): cheap enough for a hundred table rows at once.
import { html } from '../lib/html.js';

/**
 * values: numbers or null (gaps). The line is scaled to its own min..max so a flat-but-noisy
 * metric still shows its shape; a constant one is drawn as a flat line through the middle.
 */
export function Sparkline({ values, width = 120, height = 22, title, loading }) {
  const box = `0 0 ${width} ${height}`;
  if (!values || values.length === 0 || values.every((v) => v === null || v === undefined)) {
    return html`<svg class=${'spark' + (loading ? ' spark-loading' : ' spark-empty')} width=${width} height=${height} viewBox=${box} data-testid="sparkline" data-points="0">
      <title>${loading ? 'loading…' : 'no data in this range'}</title>
      <line x1="0" y1=${height / 2} x2=${width} y2=${height / 2} />
    </svg>`;
  }
  let min = Infinity;
  let max = -Infinity;
  let points = 0;
  for (const v of values) {
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    points++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const pad = 2;
  const n = values.length;
  const x = (i) => (n === 1 ? width / 2 : (i / (n - 1)) * width);
  const y = (v) => (max === min ? height / 2 : pad + (1 - (v - min) / (max - min)) * (height - 2 * pad));
  // Gaps stay gaps: a new "M" after every null, so a node that was down does not look flat.
  let d = '';
  let pen = false;
  const lone = [];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined || !Number.isFinite(v)) {
      pen = false;
      continue;
    }
    const next = values[i + 1];
    const isolated = !pen && (next === null || next === undefined);
    if (isolated) lone.push([x(i), y(v)]);
    d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  }
  return html`<svg class="spark" width=${width} height=${height} viewBox=${box} preserveAspectRatio="none" data-testid="sparkline" data-points=${points}>
    ${title ? html`<title>${title}</title>` : null}
    <path d=${d} />
    ${lone.map(([cx, cy]) => html`<circle cx=${cx} cy=${cy} r="1.5" />`)}
  </svg>`;
}
