// Events on a time axis: one lane per node, a coloured marker per event; hover tells what happened, click selects it.
import { useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { formatTime } from '../lib/format.js';
import { useWidth } from '../lib/hooks.js';

/** Every event type the collector records, in the order the legend and filters show them. */
export const EVENT_TYPES = [
  { type: 'node_down', label: 'node down' },
  { type: 'node_up', label: 'node up' },
  { type: 'failover', label: 'failover' },
  { type: 'role_change', label: 'role change' },
  { type: 'restart', label: 'restart' },
  { type: 'config_change', label: 'config change' },
  { type: 'slot_move', label: 'slot move' },
  { type: 'node_added', label: 'node added' },
  { type: 'node_removed', label: 'node removed' },
  { type: 'source_error', label: 'source error' },
  { type: 'commandlog_lost', label: 'log entries lost' },
];

export function eventLabel(type) {
  return EVENT_TYPES.find((t) => t.type === type)?.label ?? String(type).replace(/_/g, ' ');
}

/** A badge in the type's colour; the same colour as its markers on the timeline and on charts. */
export function EventBadge({ type }) {
  return html`<span class=${'ev-badge ev-t-' + type} data-type=${type}>${eventLabel(type)}</span>`;
}

/** Which type a group of overlapping markers shows: the one most worth noticing. */
const SEVERITY = ['node_down', 'failover', 'role_change', 'restart', 'source_error', 'commandlog_lost', 'node_removed', 'slot_move', 'config_change', 'node_added', 'node_up'];
const severity = (t) => {
  const i = SEVERITY.indexOf(t);
  return i < 0 ? SEVERITY.length : i;
};
/** Markers closer than this many pixels become one marker with a count. */
const MERGE_PX = 9;
const LABEL_PX = 170;
const TIP_ROWS = 8;

/**
 * Events of one lane (sorted by time) grouped so that none hide behind another: a flapping node over
 * 24 h is one marker "12" rather than twelve markers on the same pixel.
 */
function groupMarkers(list, x) {
  const groups = [];
  for (const e of list) {
    const px = x(e.ts);
    const g = groups[groups.length - 1];
    if (g && px - g.px0 < MERGE_PX) {
      g.events.push(e);
      g.px = (g.px0 + px) / 2;
    } else groups.push({ px0: px, px, events: [e] });
  }
  for (const g of groups) {
    g.lead = g.events.reduce((a, b) => (severity(b.type) < severity(a.type) ? b : a));
  }
  return groups;
}

const TICK_STEPS = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 2 * 86400, 7 * 86400];

/** Tick times aligned to local clock boundaries, about one per 120 px of a typical width. */
function ticks(from, to, maxTicks = 8) {
  const span = to - from;
  const step = TICK_STEPS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / 86400) * 86400;
  const tz = new Date(from * 1000).getTimezoneOffset() * 60;
  const out = [];
  for (let t = Math.ceil((from - tz) / step) * step + tz; t <= to; t += step) out.push(t);
  const showDate = step >= 86400 || new Date(from * 1000).toDateString() !== new Date(to * 1000).toDateString();
  return out.map((t) => {
    const d = new Date(t * 1000);
    const hm = formatTime(t, { date: 'never' }).slice(0, 5);
    const midnight = d.getHours() === 0 && d.getMinutes() === 0;
    const day = `${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    return { t, label: step >= 86400 ? day : showDate && midnight ? day : hm };
  });
}

/**
 * events: [{id, ts, node, type, message}]; lanes: node addresses (a lane per node even without events,
 * so a quiet node is visibly quiet); selected: an event id.
 */
export function EventTimeline({ events, from, to, lanes, selected, onSelect, onLane }) {
  const [hover, setHover] = useState(null);
  const box = useRef(null);
  const width = useWidth(box);
  const track = Math.max(100, (width || 1000) - LABEL_PX);
  const span = Math.max(1, to - from);
  const pct = (ts) => Math.min(100, Math.max(0, ((ts - from) / span) * 100));
  const byLane = new Map(lanes.map((l) => [l, []]));
  for (const e of events) {
    if (e.ts < from || e.ts > to) continue;
    if (!byLane.has(e.node)) byLane.set(e.node, []);
    byLane.get(e.node).push(e);
  }
  for (const list of byLane.values()) list.sort((a, b) => a.ts - b.ts);

  const show = (g, ev) => {
    const r = box.current?.getBoundingClientRect();
    const m = ev.currentTarget.getBoundingClientRect();
    if (!r) return;
    const x = m.left + m.width / 2 - r.left;
    // Anchored by its right edge near the right end, so it keeps its natural width instead of squeezing.
    setHover({ g, x, y: m.bottom - r.top + 4, right: x > r.width * 0.6 ? r.width - x : undefined, left: x < r.width * 0.3 });
  };

  const tickList = ticks(from, to);
  return html`<div class="timeline" ref=${box} data-testid="event-timeline" onMouseLeave=${() => setHover(null)}>
    <div class="tl-grid">${tickList.map((k) => html`<span style=${{ left: pct(k.t) + '%' }}></span>`)}</div>
    ${[...byLane.entries()].map(
      ([node, list]) => html`<div class="tl-lane" data-lane=${node}>
        <button type="button" class="tl-label mono" title=${onLane ? `Only ${node}` : node} onClick=${() => onLane?.(node)}>${node}</button>
        <div class="tl-track">
          ${groupMarkers(list, (ts) => (pct(ts) / 100) * track).map((g) => {
            const e = g.lead;
            const n = g.events.length;
            const sel = g.events.some((x) => x.id === selected);
            return html`<button type="button" key=${e.id} class=${'tl-mark ev-t-' + e.type + (n > 1 ? ' many' : '') + (sel ? ' sel' : '')}
              style=${{ left: ((g.px / track) * 100).toFixed(3) + '%' }} data-testid="timeline-marker" data-type=${e.type} data-node=${e.node} data-count=${n}
              data-types=${[...new Set(g.events.map((x) => x.type))].join(' ')}
              aria-label=${n > 1 ? `${n} events on ${e.node} around ${formatTime(e.ts, { date: 'always' })}, including ${eventLabel(e.type)}` : `${formatTime(e.ts, { date: 'always' })} ${e.node} ${eventLabel(e.type)}: ${e.message}`}
              onMouseEnter=${(ev) => show(g, ev)} onFocus=${(ev) => show(g, ev)} onBlur=${() => setHover(null)}
              onClick=${() => onSelect?.(e.id)}>${n > 1 ? n : null}</button>`;
          })}
        </div>
      </div>`,
    )}
    ${byLane.size === 0 ? html`<div class="tl-lane"><span class="tl-label muted">no nodes</span><div class="tl-track"></div></div>` : null}
    <div class="tl-axis">
      <span class="tl-label"></span>
      <div class="tl-track">
        ${tickList.map((k) => html`<span class="tl-tick" style=${{ left: pct(k.t) + '%' }}>${k.label}</span>`)}
      </div>
    </div>
    ${hover
      ? html`<div class=${'tl-tip' + (hover.right !== undefined ? ' right' : hover.left ? ' left' : '')} role="tooltip"
          style=${hover.right !== undefined ? { right: hover.right - 8 + 'px', top: hover.y + 'px' } : { left: hover.x - (hover.left ? 8 : 0) + 'px', top: hover.y + 'px' }}>
          <div class="mono muted">${hover.g.lead.node}${hover.g.events.length > 1 ? ` · ${hover.g.events.length} events` : ''}</div>
          ${hover.g.events.slice(-TIP_ROWS).reverse().map(
            (e) => html`<div class="tl-tip-row">
              <span class="mono">${formatTime(e.ts, { date: 'always' })}</span> <${EventBadge} type=${e.type} />
              <div class="tl-tip-msg">${e.message}</div>
            </div>`,
          )}
          ${hover.g.events.length > TIP_ROWS ? html`<div class="muted">… ${hover.g.events.length - TIP_ROWS} earlier; narrow the range to tell them apart</div>` : null}
        </div>`
      : null}
  </div>`;
}
