// The one time-series chart (uPlot): themed axes, formatted values, event markers, drag-to-select, synced cursors, cheap live updates.
import uPlot from 'uplot';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { formatTime, formatValue, trimZeros } from '../lib/format.js';

/** Line colours by series index: mid-tone hues that stay readable on both the dark and the light background. */
export const PALETTE = ['#4c9be8', '#e8832a', '#37a85a', '#d0569f', '#9a78e0', '#c9a227', '#23aaa0', '#e05a5a', '#7f93ad', '#b07a45', '#5fb8e6', '#8aa833'];

export function paletteColor(i) {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** Theme colours read from the CSS variables; shared by every chart and refreshed when the theme changes. */
const theme = {};
function readTheme() {
  const cs = getComputedStyle(document.documentElement);
  for (const name of ['text', 'muted', 'grid', 'border', 'panel', 'good', 'warn', 'bad', 'accent']) theme[name] = cs.getPropertyValue('--' + name).trim();
}
// Registered once, before any chart's own listener, so charts redraw with the new colours even if none was mounted at the switch.
if (typeof document !== 'undefined') addEventListener('skyscope-theme', readTheme);

/** Event marker colour: the ones that mean trouble in red, recoveries in green, everything else amber. */
function eventColor(type) {
  if (type === 'node_down' || type === 'failover') return theme.bad;
  if (type === 'node_up') return theme.good;
  return theme.warn;
}

export { trimZeros };

const pad2 = (n) => String(n).padStart(2, '0');

/** x tick labels in local 24 h time, seconds only when ticks are closer than a minute, the date when a day starts. */
function timeTicks(u, splits, ai, space, incr) {
  let prevDay;
  const width = u.over?.clientWidth ?? 0;
  return splits.map((v, i) => {
    // A label centred on a tick at the right edge would be cut off by the panel: leave that one out.
    if (width > 0 && u.valToPos(v, 'x') > width - (incr < 60 ? 24 : 16)) return '';
    const d = new Date(v * 1000);
    const day = `${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
    const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
    const newDay = prevDay !== undefined && prevDay !== day;
    prevDay = day;
    if (incr >= 86400) return day;
    if (incr < 60) return `${hm}:${pad2(d.getSeconds())}`;
    return newDay || (i === 0 && u.scales.x.max - u.scales.x.min > 86400) ? `${day} ${hm}` : hm;
  });
}

/** Tick steps: whole numbers for counts, powers of two for bytes (1 MiB, 2 MiB, not 977 KiB); otherwise uPlot's own. */
const wholeIncrs = [];
for (let e = 0; e < 16; e++) for (const m of [1, 2, 5]) wholeIncrs.push(m * 10 ** e);
const byteIncrs = [];
for (let k = 0; k < 6; k++) for (const m of [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]) byteIncrs.push(m * 1024 ** k);

function yIncrs(unit, integer) {
  if (unit === 'bytes') return byteIncrs;
  if (integer) return wholeIncrs;
  return undefined;
}

/** Pixels an axis needs for its longest label (uPlot cannot measure before drawing). */
function axisSize(u, values) {
  if (!values) return 40;
  let n = 0;
  for (const v of values) if (v && v.length > n) n = v.length;
  // At least half a time label wide, so the first x label is never cut at the left.
  return Math.max(34, Math.ceil(n * 6.4) + 14);
}

/** y range: include 0 for non-negative data so small wiggles do not look like cliffs; never empty. */
function yRange(u, min, max) {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  let lo = Math.min(0, min);
  let hi = max;
  if (hi <= lo) hi = lo + (Math.abs(lo) || 1);
  return [lo, hi + (hi - lo) * 0.06];
}

/** The nearest event marker to a canvas x position, within a few pixels. */
function eventNear(u, events, left) {
  let best;
  let bestD = 6;
  for (const e of events) {
    const x = u.valToPos(e.ts, 'x');
    const d = Math.abs(x - left);
    if (d <= bestD) {
      best = e;
      bestD = d;
    }
  }
  return best;
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

/** Tooltip text for the cursor position: time, event (if near), then values, largest first. */
function tooltipHtml(u, idx, unit, kind, ev) {
  const x = u.data[0][idx];
  const rows = [];
  for (let i = 1; i < u.series.length; i++) {
    const s = u.series[i];
    if (!s.show) continue;
    const v = u.data[i][idx];
    rows.push({ label: s.label, color: s._color, v });
  }
  rows.sort((a, b) => (b.v ?? -Infinity) - (a.v ?? -Infinity));
  // Gaps say nothing at this instant: list only the series that have a value (or a hint when none has).
  const withValue = rows.filter((r) => r.v !== null && r.v !== undefined);
  const shown = withValue.slice(0, 12);
  let out = `<div class="ct-time">${escapeHtml(formatTime(x))}</div>`;
  if (ev) out += `<div class="ct-event" style="color:${eventColor(ev.type)}">${escapeHtml(formatTime(ev.ts, { date: 'never' }))} ${escapeHtml(ev.node ?? '')} ${escapeHtml(ev.message ?? ev.type)}</div>`;
  for (const r of shown) {
    out += `<div class="ct-row"><span class="ct-sw" style="background:${r.color}"></span><span class="ct-label">${escapeHtml(r.label)}</span><span class="ct-val">${escapeHtml(trimZeros(formatValue(r.v, unit, kind)))}</span></div>`;
  }
  if (withValue.length === 0) out += `<div class="ct-more">no data here</div>`;
  else if (withValue.length > shown.length) out += `<div class="ct-more">+${withValue.length - shown.length} more</div>`;
  return out;
}

/**
 * A time-series chart in a panel.
 * data: uPlot columnar [xs (unix s), ys1, ys2, ...] (null = gap); series: [{label, color?}] one per y column.
 * events: [{ts, type, message, node}] drawn as vertical markers. onSelectRange(from, to) after a drag across
 * the plot (null on double-click); the chart never zooms itself. syncKey: charts with the same key share a cursor.
 * Optional: metric (data-metric), value (text in the header), hint (header tooltip), legend (false hides it),
 * integer (y ticks at whole numbers, for counts), points (dots only, no lines: for sparse samples such as latency spikes),
 * onPick(ts, series) after a click without a drag: the time of the sample nearest the pointer and the index of its series.
 */
export function Chart({
  title,
  unit,
  kind,
  data,
  series = [],
  height = 180,
  events = [],
  onSelectRange,
  syncKey,
  loading,
  error,
  emptyText = 'No data in this range',
  metric,
  value,
  hint,
  legend = true,
  integer,
  points,
  onPick,
}) {
  const wrapRef = useRef(null);
  const plotRef = useRef(null);
  const tipRef = useRef(null);
  const uRef = useRef(null);
  const live = useRef({});
  const [hidden, setHidden] = useState(() => new Set());
  // Everything hooks read after the chart is built; updated on each render so callbacks see current props.
  live.current.events = events || [];
  live.current.onSelectRange = onSelectRange;
  live.current.onPick = onPick;
  live.current.unit = unit;
  live.current.kind = kind;

  const ncols = data && data.length > 0 ? data.length - 1 : series.length;
  const cols = [];
  for (let i = 0; i < ncols; i++) {
    const s = series[i] || {};
    cols.push({ label: s.label ?? `series ${i + 1}`, color: s.color ?? paletteColor(i) });
  }
  const buildKey = JSON.stringify([cols, unit, kind, height, syncKey, !!integer, !!points]);
  const xs = data && data[0] ? data[0] : [];
  const hasValues = hasAnyValue(data);

  // While the first data is loading there is nothing to draw: building uPlot (and its empty axes) for every chart
  // of a page at once would only delay the chart whose data lands first. Once built, a chart keeps its plot
  // through later reloads (range, aggregation) rather than vanishing until the new data lands.
  const built = useRef(false);
  if (hasValues || !loading) built.current = true;
  const ready = built.current;

  // Build (or rebuild) the uPlot instance when the shape changes; plain data changes go through setData below.
  useLayoutEffect(() => {
    const el = plotRef.current;
    if (!el || !ready) return;
    // getComputedStyle forces a style pass: read the theme once, then again only when it changes (the listener above).
    if (!theme.text) readTheme();
    const width = Math.max(100, el.clientWidth);
    const opts = makeOptions({ cols, unit, kind, integer, points, height, width, syncKey, live, wrapRef, tipRef });
    const u = new uPlot(opts, emptyOrData(data, ncols), el);
    uRef.current = u;
    // Tests find a sample's pixel through the instance (a point to click); nothing else reads it.
    if (wrapRef.current) wrapRef.current.uplot = u;
    // A click that did not drag picks the sample nearest the pointer (uPlot binds no click on the plot itself).
    let downAt = null;
    const onDown = (e) => {
      downAt = e.button === 0 ? [e.clientX, e.clientY] : null;
    };
    const onClick = (e) => {
      const still = downAt && Math.abs(e.clientX - downAt[0]) < 4 && Math.abs(e.clientY - downAt[1]) < 4;
      downAt = null;
      if (!still || !live.current.onPick) return;
      const s = nearestSample(u);
      if (s) live.current.onPick(s.ts, s.series);
    };
    u.over.addEventListener('mousedown', onDown);
    u.over.addEventListener('click', onClick);
    setHidden(new Set());
    const ro = new ResizeObserver(() => {
      const w = Math.max(100, el.clientWidth);
      if (w !== u.width) u.setSize({ width: w, height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.over.removeEventListener('mousedown', onDown);
      u.over.removeEventListener('click', onClick);
      u.destroy();
      uRef.current = null;
    };
  }, [buildKey, ready]);

  // New data: setData keeps the instance, so a live update costs one redraw.
  useEffect(() => {
    const u = uRef.current;
    if (u && u.data !== data) u.setData(emptyOrData(data, ncols));
  }, [data]);

  useEffect(() => {
    uRef.current?.redraw(false, false);
  }, [events]);

  useEffect(() => {
    const onTheme = () => uRef.current?.redraw(false, true);
    addEventListener('skyscope-theme', onTheme);
    return () => removeEventListener('skyscope-theme', onTheme);
  }, []);

  const toggle = (i) => {
    const u = uRef.current;
    if (!u) return;
    const next = new Set(hidden);
    if (next.has(i)) next.delete(i);
    else next.add(i);
    u.setSeries(i + 1, { show: !next.has(i) });
    setHidden(next);
  };

  let overlay = null;
  if (!hasValues) {
    if (error) overlay = html`<div class="chart-state error" role="alert">${error.message || String(error)}</div>`;
    else if (loading) overlay = html`<div class="chart-state"><span class="spinner"></span>Loading…</div>`;
    else overlay = html`<div class="chart-state">${emptyText}</div>`;
  }

  return html`<div class=${'chart-panel' + (onPick ? ' pickable' : '')} data-testid="chart" data-metric=${metric ?? title} data-points=${xs.length} data-series=${ncols} ref=${wrapRef}>
    <div class="chart-title" title=${hint}>
      <span class="chart-name">${title}</span>
      ${loading && hasValues ? html`<span class="spinner small" title="Refreshing"></span>` : null}
      ${error && hasValues ? html`<span class="bad chart-stale" title=${error.message || String(error)}>stale</span>` : null}
      <span class="spacer"></span>
      ${value !== undefined && value !== null ? html`<span class="chart-value num">${value}</span>` : null}
    </div>
    <div class="chart-plot" style=${`height:${height}px`}>
      <div class="chart-canvas" ref=${plotRef}></div>
      ${overlay}
      <div class="chart-tip" ref=${tipRef} hidden></div>
    </div>
    ${legend
      ? html`<div class="chart-legend">
          ${cols.map((c, i) => html`<button type="button" class=${'chart-key' + (hidden.has(i) ? ' off' : '')} onClick=${() => toggle(i)} title=${`Show / hide ${c.label}`}>
            <span class="ct-sw" style=${`background:${c.color}`}></span>${c.label}</button>`)}
        </div>`
      : null}
  </div>`;
}

function hasAnyValue(data) {
  if (!data || data.length < 2 || !data[0] || data[0].length === 0) return false;
  for (let c = 1; c < data.length; c++) {
    const col = data[c];
    // Scan from the end: live data is most likely to have its newest values filled.
    for (let i = col.length - 1; i >= 0; i--) if (col[i] !== null && col[i] !== undefined) return true;
  }
  return false;
}

/** uPlot needs one column per series, even before the first data arrives. */
function emptyOrData(data, ncols) {
  if (data && data.length === ncols + 1) return data;
  const out = [data?.[0] ?? []];
  for (let i = 0; i < ncols; i++) out.push(data?.[i + 1] ?? new Array(out[0].length).fill(null));
  return out;
}

/**
 * The sample nearest the pointer over every shown series (uPlot's per-series nearest non-null index), by pixel
 * distance: {ts, series} or null when no series has a sample near.
 */
function nearestSample(u) {
  const { left, top, idxs } = u.cursor;
  if (left === undefined || left < 0) return null;
  let best = null;
  let bestD = Infinity;
  for (let i = 1; i < u.series.length; i++) {
    if (!u.series[i].show) continue;
    const j = idxs?.[i] ?? u.cursor.idx;
    if (j === null || j === undefined) continue;
    const v = u.data[i][j];
    if (v === null || v === undefined) continue;
    const dx = u.valToPos(u.data[0][j], 'x') - left;
    const dy = u.valToPos(v, 'y') - (top ?? 0);
    const d = dx * dx + dy * dy;
    if (d < bestD) {
      bestD = d;
      best = { ts: u.data[0][j], series: i - 1 };
    }
  }
  return best;
}

function makeOptions({ cols, unit, kind, integer, points, height, width, syncKey, live, wrapRef, tipRef }) {
  const fmt = (v) => formatValue(v, live.current.unit, live.current.kind);
  const single = cols.length === 1;
  let hovered = false;
  // Synced charts replay each other's drags; only the chart the drag started in reports the selection.
  let dragOrigin = false;
  return {
    width,
    height,
    legend: { show: false },
    padding: [6, 8, 0, 0],
    scales: { x: { time: true }, y: { range: yRange } },
    series: [
      {},
      ...cols.map((c) => ({
        label: c.label,
        stroke: c.color,
        _color: c.color,
        width: 1.25,
        fill: single && !points ? c.color + '1c' : undefined,
        spanGaps: false,
        ...(points ? { paths: () => null, points: { show: true, size: 7, width: 1, fill: c.color } } : { points: { size: 4, space: 8 } }),
        value: (u, v) => fmt(v),
      })),
    ],
    axes: [
      {
        stroke: () => theme.muted,
        grid: { stroke: () => theme.grid, width: 1 },
        ticks: { stroke: () => theme.grid, width: 1, size: 4 },
        font: '11px system-ui, sans-serif',
        space: 70,
        size: 24,
        values: timeTicks,
      },
      {
        stroke: () => theme.muted,
        grid: { stroke: () => theme.grid, width: 1 },
        ticks: { show: false },
        font: '11px system-ui, sans-serif',
        values: (u, splits) => splits.map((v) => trimZeros(formatValue(v, unit, kind))),
        incrs: yIncrs(unit, integer),
        size: axisSize,
        space: 28,
        gap: 4,
      },
    ],
    cursor: {
      sync: syncKey ? { key: syncKey, setSeries: false } : undefined,
      drag: { x: true, y: false, setScale: false },
      y: false,
      points: { size: 6 },
      bind: {
        // Double-click belongs to the page (e.g. back to the live range), not to uPlot's own auto-zoom.
        dblclick: () => (e) => {
          live.current.onSelectRange?.(null);
          return null;
        },
        mousedown: (u, t, h) => (e) => {
          if (e.button === 0) dragOrigin = true;
          return h(e);
        },
        mouseenter: (u, t, h) => (e) => {
          hovered = true;
          return h(e);
        },
        mouseleave: (u, t, h) => (e) => {
          hovered = false;
          if (tipRef.current) tipRef.current.hidden = true;
          return h(e);
        },
      },
    },
    hooks: {
      draw: [
        (u) => {
          drawEvents(u, live.current.events);
          const el = wrapRef.current;
          if (el) {
            el.dataset.points = String(u.data[0].length);
            el.dataset.last = String(u.data[0][u.data[0].length - 1] ?? '');
            if (u.data[0].length > 0 && u.series.length > 1) el.dataset.drawn = '1';
          }
        },
      ],
      setSelect: [
        (u) => {
          const { left, width: w } = u.select;
          const mine = dragOrigin;
          dragOrigin = false;
          if (w < 4) return;
          if (!mine) {
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            return;
          }
          const from = u.posToVal(left, 'x');
          const to = u.posToVal(left + w, 'x');
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          live.current.onSelectRange?.(Math.floor(from), Math.ceil(to));
        },
      ],
      setCursor: [
        (u) => {
          const tip = tipRef.current;
          if (!tip) return;
          const { idx, left } = u.cursor;
          if (!hovered || idx === null || idx === undefined || left === undefined || left < 0) {
            tip.hidden = true;
            return;
          }
          const ev = eventNear(u, live.current.events, left);
          tip.innerHTML = tooltipHtml(u, idx, live.current.unit, live.current.kind, ev);
          tip.hidden = false;
          // Keep the tooltip inside the panel: left of the cursor on the right half.
          const x = u.over.offsetLeft + left;
          const right = left > u.over.clientWidth / 2;
          tip.style.left = right ? '' : x + 12 + 'px';
          tip.style.right = right ? u.width - x + 12 + 'px' : '';
        },
      ],
    },
  };
}

/** Vertical event markers across the plot, with a small cap so they are visible even over dense lines. */
function drawEvents(u, events) {
  if (!events || events.length === 0) return;
  const { left, top, width, height } = u.bbox;
  const ctx = u.ctx;
  const min = u.scales.x.min;
  const max = u.scales.x.max;
  if (min === null || max === null || min === undefined) return;
  ctx.save();
  ctx.lineWidth = Math.max(1, devicePixelRatio);
  ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
  for (const e of events) {
    if (e.ts < min || e.ts > max) continue;
    const x = Math.round(u.valToPos(e.ts, 'x', true)) + 0.5;
    if (x < left || x > left + width) continue;
    const c = eventColor(e.type);
    ctx.strokeStyle = c;
    ctx.globalAlpha = 0.85;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.fillStyle = c;
    ctx.globalAlpha = 1;
    ctx.beginPath();
    ctx.moveTo(x - 4 * devicePixelRatio, top);
    ctx.lineTo(x + 4 * devicePixelRatio, top);
    ctx.lineTo(x, top + 5 * devicePixelRatio);
    ctx.fill();
  }
  ctx.restore();
}
