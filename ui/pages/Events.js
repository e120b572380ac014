// The events page: what happened to which node and when (down/up, failover, role change, restart, config, slot moves), on a timeline and in a table.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { setParams } from '../lib/route.js';
import { useLoad, useTick } from '../lib/hooks.js';
import { useLive } from '../lib/live.js';
import { rangeFromParams, resolveRange } from '../lib/time.js';
import { formatAgo, formatTime } from '../lib/format.js';
import { RangePicker } from '../components/RangePicker.js';
import { EVENT_TYPES, EventBadge, EventTimeline, eventLabel } from '../components/EventTimeline.js';
import { Empty, ErrorBox, Loading } from '../components/States.js';

/** The API returns the oldest events first up to its limit; a range with more than this says so. */
const LIMIT = 20_000;
/** Rows put in the DOM; a flapping node can log thousands of events. */
const TABLE_ROWS = 1000;

// Two sources of one node can fail in the same millisecond (node down): the message tells their events apart.
const idOf = (e) => `${e.ts}|${e.node}|${e.type}|${e.message ?? ''}`;
const csv = (s) => (s ? s.split(',').filter(Boolean) : []);

export function Events({ route }) {
  const p = route.params;
  const range = rangeFromParams(p, '24h');
  const rangeKey = range.live ? range.id : `${range.from}-${range.to}`;
  const nodeFilter = csv(p.get('node'));
  const typeFilter = csv(p.get('type'));
  const [selected, setSelected] = useState(null);
  const [live, setLive] = useState([]);
  const tableBox = useRef(null);
  // A live window slides: re-render every few seconds so old events leave and the axis moves.
  useTick(5000);
  // Events come on the live stream whatever the metric filter; one tiny metric keeps it from carrying every sample.
  const stream = useLive({ metrics: ['skyscope_node_up'], nodes: 'all', enabled: range.live }, undefined, (evs) => {
    setLive((old) => [...old, ...evs].slice(-LIMIT));
  });

  const loaded = useLoad(
    async (signal) => {
      const r = resolveRange(range);
      const res = await api('/api/events', { params: { from: r.from, to: r.to, limit: LIMIT }, signal });
      return { events: res.events, full: res.events.length >= LIMIT };
    },
    // After the stream reconnects, reload: events that happened while it was down never arrive on it.
    [rangeKey, stream.reconnects],
    { everyMs: range.live ? 60_000 : undefined },
  );
  const nodes = useLoad((signal) => api('/api/nodes', { signal }), [], { everyMs: 15_000 });

  // Live events are kept apart from the loaded list and dropped once a reload includes them.
  useEffect(() => {
    if (!loaded.data) return;
    // Keep only what is newer than the reload: an event that arrived while it was on its way stays (duplicates are dropped by id below).
    const newest = loaded.data.events.reduce((m, e) => Math.max(m, e.ts), 0);
    setLive((old) => old.filter((e) => e.ts >= newest));
  }, [loaded.data]);

  const { from, to } = resolveRange(range);
  const all = useMemo(() => {
    const seen = new Set();
    const out = [];
    for (const e of [...(loaded.data?.events ?? []), ...live]) {
      const id = idOf(e);
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ ...e, id });
    }
    return out;
  }, [loaded.data, live]);
  const inRange = all.filter((e) => e.ts >= from - 1 && e.ts <= to + 1);
  const shown = inRange.filter((e) => (nodeFilter.length === 0 || nodeFilter.includes(e.node)) && (typeFilter.length === 0 || typeFilter.includes(e.type)));
  const newestFirst = [...shown].sort((a, b) => b.ts - a.ts || (a.node < b.node ? -1 : 1));

  const lanes = useMemo(() => {
    const s = new Set((nodes.data?.nodes ?? []).map((n) => n.address));
    for (const e of inRange) s.add(e.node);
    const list = [...s].sort();
    return nodeFilter.length ? list.filter((n) => nodeFilter.includes(n)) : list;
  }, [nodes.data, inRange.length, nodeFilter.join(',')]);

  const counts = new Map();
  for (const e of inRange) if (nodeFilter.length === 0 || nodeFilter.includes(e.node)) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  const types = [...EVENT_TYPES.map((t) => t.type), ...[...counts.keys()].filter((t) => !EVENT_TYPES.some((x) => x.type === t))];

  const select = (id) => {
    setSelected(id);
    // The row may be below the fold; bring it into view without moving the timeline off screen.
    requestAnimationFrame(() => tableBox.current?.querySelector(`tr[data-id="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'nearest' }));
  };
  const toggleType = (t) => {
    const next = typeFilter.includes(t) ? typeFilter.filter((x) => x !== t) : [...typeFilter, t];
    setParams({ type: next.join(',') }, { replace: true });
  };
  const allNodes = useMemo(() => {
    const s = new Set((nodes.data?.nodes ?? []).map((n) => n.address));
    for (const e of inRange) s.add(e.node);
    return [...s].sort();
  }, [nodes.data, inRange.length]);

  return html`<section class="page events-page">
    <div class="page-head">
      <h1>Events</h1>
      <span class="muted" data-testid="event-count">${loaded.data ? `${shown.length} ${shown.length === 1 ? 'event' : 'events'}${shown.length !== inRange.length ? ` of ${inRange.length}` : ''}` : ''}</span>
      <span class="spacer"></span>
      <${RangePicker} range=${range} />
    </div>
    <div class="explore-filters">
      <label class="ctl-group"><span class="ctl-label">Node</span>
        <select value=${nodeFilter.length === 1 ? nodeFilter[0] : nodeFilter.length ? '__many' : ''} data-testid="event-node"
          onChange=${(e) => setParams({ node: e.currentTarget.value === '__many' ? p.get('node') : e.currentTarget.value }, { replace: true })}>
          <option value="">all nodes</option>
          ${nodeFilter.length > 1 ? html`<option value="__many">${nodeFilter.length} nodes</option>` : null}
          ${allNodes.map((n) => html`<option value=${n}>${n}</option>`)}
        </select>
      </label>
      <div class="ctl-group" role="group" aria-label="Event types">
        <span class="ctl-label">Type</span>
        ${types.map(
          (t) => html`<button type="button" class=${'chip ev-chip ev-t-' + t + (typeFilter.includes(t) ? ' on' : '')} aria-pressed=${typeFilter.includes(t)}
            onClick=${() => toggleType(t)} data-type=${t}><span class="ev-dot"></span>${eventLabel(t)}<span class="muted">${counts.get(t) ?? 0}</span></button>`,
        )}
      </div>
      ${nodeFilter.length || typeFilter.length
        ? html`<button type="button" class="link" onClick=${() => setParams({ node: null, type: null }, { replace: true })}>clear filters</button>`
        : null}
    </div>
    ${loaded.error ? html`<${ErrorBox} error=${loaded.error} stale=${!!loaded.data} />` : null}
    ${loaded.data?.full ? html`<div class="state error"><strong>More than ${LIMIT.toLocaleString()} events in this range</strong><div class="hint">Only the oldest ${LIMIT.toLocaleString()} are shown; pick a shorter range.</div></div>` : null}
    ${!loaded.data && !loaded.error
      ? html`<${Loading} what="Loading events" />`
      : html`<div class="panel timeline-panel">
          <${EventTimeline} events=${shown} from=${from} to=${to} lanes=${lanes} selected=${selected} onSelect=${select}
            onLane=${(n) => setParams({ node: nodeFilter.length === 1 && nodeFilter[0] === n ? null : n }, { replace: true })} />
        </div>
        ${newestFirst.length === 0
          ? html`<${Empty} title=${inRange.length ? 'No events match these filters' : `No events ${range.live ? `in the last ${range.id}` : 'in this range'}`}>
              Skyscope records an event when a node goes down or comes back up, a replica is promoted (failover), a node changes role,
              a server restarts (new run id), a setting such as maxmemory changes, a node joins or leaves the cluster, slots move between shards, or a collector
              keeps failing. ${inRange.length ? 'Clear the filters to see the others.' : 'None of that happened here.'}${range.live ? ' New events appear here as they happen.' : ''}
            </${Empty}>`
          : html`<div class="events-table-box" ref=${tableBox}>
              <table class="grid events-table" data-testid="events-table">
                <thead><tr><th>Time</th><th></th><th>Node</th><th>Type</th><th>Message</th></tr></thead>
                <tbody>
                  ${newestFirst.slice(0, TABLE_ROWS).map(
                    (e) => html`<tr key=${e.id} data-id=${e.id} data-type=${e.type} class=${e.id === selected ? 'selected' : ''} onClick=${() => setSelected(e.id)} data-testid="event-row">
                      <td class="mono nowrap">${formatTime(e.ts, { date: 'always' })}</td>
                      <td class="muted nowrap">${formatAgo(e.ts)}</td>
                      <td class="mono nowrap"><a href="#" onClick=${(ev) => {
                        ev.preventDefault();
                        ev.stopPropagation();
                        setParams({ node: e.node }, { replace: true });
                      }} title=${'Only ' + e.node}>${e.node}</a></td>
                      <td><${EventBadge} type=${e.type} /></td>
                      <td class="event-message">${e.message}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>
              ${newestFirst.length > TABLE_ROWS ? html`<div class="muted sql-more">Showing the newest ${TABLE_ROWS} of ${newestFirst.length} events; filter by node or type to see the rest.</div>` : null}
            </div>`}`}
  </section>`;
}
