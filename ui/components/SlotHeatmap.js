// The slot heatmap: slot ranges (rows) x time (columns) painted on a canvas, owner bands on the y axis, hover tooltip, click to pick a range.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { formatTime } from '../lib/format.js';
import { cssColorAt, cssGradient, rowOfSlot, scaleValue, slotRangeText, valueAt, valueExtent } from '../lib/heatmap.js';

/** Width of the y axis (owner bands with their node and slot range), in CSS pixels; the page subtracts it to size the grid. */
export const HEATMAP_GUTTER = 168;

/** 256 ready-made fillStyle strings, so painting 40k cells does not build 40k colour strings. */
const FILLS = Array.from({ length: 256 }, (_, i) => cssColorAt(i / 255));

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue('--' + name).trim();
}

/** Tick step (seconds) so labels sit about 110 px apart. */
function tickStep(span, width) {
  const target = span / Math.max(1, width / 110);
  const steps = [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];
  return steps.find((s) => s >= target) ?? steps[steps.length - 1];
}

function tickLabel(t, step) {
  const d = new Date(t * 1000);
  const p = (n) => String(n).padStart(2, '0');
  if (step >= 86400) return `${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  if (step < 60) return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return `${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * data: a /api/slots/heatmap reply. fmt(v): a value as text in the metric's unit. colorOf(node): the owner's colour.
 * selected: {from, to} slot range to outline. onSelect({from, to, node}) on click. scale: 'sqrt' | 'linear', onScale(s).
 */
export function SlotHeatmap({ data, fmt, colorOf, selected, onSelect, scale = 'sqrt', onScale, height = 384, unitText }) {
  const plotRef = useRef(null);
  const canvasRef = useRef(null);
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState(null);
  const [themeTick, setThemeTick] = useState(0);

  useLayoutEffect(() => {
    const el = plotRef.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const f = () => setThemeTick((n) => n + 1);
    addEventListener('skyscope-theme', f);
    return () => removeEventListener('skyscope-theme', f);
  }, []);

  const rows = data?.rows ?? [];
  const xs = data?.x ?? [];
  const s0 = rows.length ? rows[0].slotFrom : 0;
  const s1 = rows.length ? rows[rows.length - 1].slotTo + 1 : 1;
  const yOf = (slot) => ((slot - s0) / (s1 - s0)) * height;
  const span = data ? Math.max(1, data.to - data.from) : 1;
  const extent = data ? valueExtent(data.values) : undefined;
  const min = extent ? Math.min(extent.min, 0) : 0;
  const max = extent ? Math.max(extent.max, data.max ?? 0) : 0;

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !width) return;
    const dpr = devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = cssVar('panel-2');
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (!data || rows.length === 0) {
      delete canvas.dataset.drawn;
      return;
    }
    const W = canvas.width;
    const xPix = (t) => Math.round(((t - data.from) / span) * W);
    let painted = 0;
    rows.forEach((row, r) => {
      const y0 = Math.round(yOf(row.slotFrom) * dpr);
      const y1 = Math.round(yOf(row.slotTo + 1) * dpr);
      const vals = data.values[r] ?? [];
      for (let c = 0; c < xs.length; c++) {
        const t = scaleValue(vals[c], min, max, scale);
        if (t === undefined) continue;
        const x0 = Math.max(0, xPix(xs[c]));
        const x1 = Math.min(W, xPix(xs[c] + data.step));
        ctx.fillStyle = FILLS[Math.round(t * 255)];
        ctx.fillRect(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0));
        painted++;
      }
    });
    // Owner boundaries across the plot, so a band on the y axis lines up with its rows.
    ctx.fillStyle = cssVar('panel');
    for (const b of data.bands ?? []) {
      if (b.slotFrom <= s0) continue;
      ctx.fillRect(0, Math.round(yOf(b.slotFrom) * dpr) - Math.round(dpr / 2), W, Math.max(1, Math.round(dpr)));
    }
    if (selected && selected.to >= s0 && selected.from < s1) {
      // Lines just outside the chosen rows (a row may be 3 px: an outline on top would hide it), light next to the
      // rows and dark beyond, so they show over the darkest and the brightest colours in either theme.
      const y0 = Math.round(yOf(Math.max(s0, selected.from)) * dpr);
      const y1 = Math.round(yOf(Math.min(s1, selected.to + 1)) * dpr);
      const t = Math.max(1, Math.round(dpr));
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, y0 - t, W, t);
      ctx.fillRect(0, y1, W, t);
      ctx.fillStyle = '#000';
      ctx.fillRect(0, y0 - 2 * t, W, t);
      ctx.fillRect(0, y1 + t, W, t);
    }
    canvas.dataset.drawn = xs.length > 0 ? '1' : '0';
    canvas.dataset.cells = String(painted);
  }, [data, width, height, scale, selected?.from, selected?.to, themeTick]);

  const cellAt = (e) => {
    if (!data || rows.length === 0) return null;
    const rect = canvasRef.current.getBoundingClientRect();
    const px = e.clientX - rect.left;
    const py = e.clientY - rect.top;
    if (px < 0 || py < 0 || px >= rect.width || py >= rect.height) return null;
    const slot = Math.min(s1 - 1, s0 + Math.floor((py / rect.height) * (s1 - s0)));
    const r = rowOfSlot(rows, slot);
    if (r < 0) return null;
    const t = data.from + (px / rect.width) * span;
    let c = -1;
    for (let i = 0; i < xs.length; i++) if (xs[i] <= t && t < xs[i] + data.step) c = i;
    return { r, c, t, px, py, w: rect.width };
  };

  const onMove = (e) => setHover(cellAt(e));
  const onClick = (e) => {
    const cell = cellAt(e);
    if (!cell) return;
    const row = rows[cell.r];
    onSelect?.({ from: row.slotFrom, to: row.slotTo, node: row.node });
  };

  let tip = null;
  if (hover && rows[hover.r]) {
    const row = rows[hover.r];
    const v = hover.c >= 0 ? data.values[hover.r]?.[hover.c] : null;
    const t0 = hover.c >= 0 ? xs[hover.c] : hover.t;
    const right = hover.px > hover.w / 2;
    const style = `top:${Math.min(hover.py + 12, height - 90)}px;${right ? `right:${hover.w - hover.px + 14}px` : `left:${hover.px + 14}px`}`;
    tip = html`<div class="hm-tip" style=${style} data-testid="heatmap-tip" data-slots=${`${row.slotFrom}-${row.slotTo}`} data-node=${row.node ?? ''}>
      <div class="hm-tip-head">${slotRangeText(row.slotFrom, row.slotTo)}</div>
      <div class="ct-row"><span class="ct-sw" style=${`background:${colorOf(row.node)}`}></span><span class="ct-label mono">${row.node ?? 'no owner'}</span></div>
      <div class="ct-time">${hover.c >= 0 ? `${formatTime(t0)} – ${formatTime(t0 + data.step, { date: 'never' })}` : formatTime(Math.round(hover.t))}</div>
      <div class="hm-tip-val">${v === null || v === undefined ? html`<span class="muted">no data</span>` : fmt(v)}</div>
      <div class="ct-more">click for this range's chart</div>
    </div>`;
  }

  const ticks = [];
  if (data && width > 0) {
    const step = tickStep(span, width);
    const tz = new Date(data.from * 1000).getTimezoneOffset() * 60;
    for (let t = Math.ceil((data.from - tz) / step) * step + tz; t <= data.to; t += step) {
      const x = ((t - data.from) / span) * width;
      if (x < 16 || x > width - 16) continue;
      ticks.push({ x, label: tickLabel(t, step) });
    }
  }

  return html`<div class="heatmap" data-testid="heatmap">
    <div class="hm-body" style=${`height:${height}px; grid-template-columns:${HEATMAP_GUTTER}px minmax(0, 1fr)`}>
      <div class="hm-gutter" aria-label="Slot ranges by owner">
        ${(data?.bands ?? []).map((b) => {
          const top = yOf(Math.max(s0, b.slotFrom));
          const h = yOf(Math.min(s1, b.slotTo + 1)) - top;
          if (h <= 0) return null;
          return html`<div class="hm-band" style=${`top:${top}px;height:${h}px;--c:${colorOf(b.node)}`} data-node=${b.node ?? ''}
            title=${`${b.node ?? 'no owner'}: ${slotRangeText(b.slotFrom, b.slotTo)}`}>
            ${h >= 14 ? html`<span class="hm-band-node mono">${b.node ?? 'no owner'}</span>` : null}
            ${h >= 28 ? html`<span class="hm-band-slots">${b.slotFrom}–${b.slotTo}</span>` : null}
          </div>`;
        })}
      </div>
      <div class="hm-plot" ref=${plotRef}>
        <canvas ref=${canvasRef} data-testid="heatmap-canvas" style=${`width:100%;height:${height}px`}
          onMouseMove=${onMove} onMouseLeave=${() => setHover(null)} onClick=${onClick}></canvas>
        ${tip}
      </div>
    </div>
    <div class="hm-xaxis" style=${`margin-left:${HEATMAP_GUTTER}px`}>
      ${ticks.map((t) => html`<span class="hm-tick" style=${`left:${t.x}px`}>${t.label}</span>`)}
    </div>
    <div class="hm-legend" data-testid="heatmap-legend">
      <span class="hm-legend-val num" data-testid="legend-min">${extent ? fmt(min) : '–'}</span>
      <span class="hm-ramp" style=${`background:${cssGradient()}`} title=${`${scale === 'sqrt' ? 'Square-root' : 'Linear'} scale`}>
        ${extent ? html`<span class="hm-ramp-mid">${fmt(valueAt(0.5, min, max, scale))}</span>` : null}
      </span>
      <span class="hm-legend-val num" data-testid="legend-max">${extent ? fmt(max) : '–'}</span>
      <span class="muted">${unitText}</span>
      <span class="hm-nodata" title="Grey cells: no sample for that range and time"><span class="hm-nodata-sw"></span>no data</span>
      <span class="spacer"></span>
      <span class="ctl-group view-toggle" title="Square root spreads the quiet slots apart when one slot dominates">
        <span class="ctl-label">scale</span>
        ${['sqrt', 'linear'].map((s) => html`<button type="button" class=${scale === s ? 'on' : ''} data-scale=${s} onClick=${() => onScale?.(s)}>${s}</button>`)}
      </span>
    </div>
  </div>`;
}
