// The Cluster page: topology shard by shard, slot-stats status, the slot heatmap with drill-down, hot slots and balance.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { Link, href, setParams } from '../lib/route.js';
import { rangeFromParams, resolveRange, stepFor } from '../lib/time.js';
import { formatBytes, formatNumber, formatSeconds, formatValue, formatAgo } from '../lib/format.js';
import { useLoad, useWidth } from '../lib/hooks.js';
import { heatGrid, parseSlotRange, slotRangeText, SLOTS } from '../lib/heatmap.js';
import { Chart, paletteColor, trimZeros } from '../components/Chart.js';
import { RangePicker } from '../components/RangePicker.js';
import { HEATMAP_GUTTER, SlotHeatmap } from '../components/SlotHeatmap.js';
import { ShareBar, pct } from '../components/ShareBar.js';
import { SlotHotKeys } from '../components/SlotHotKeys.js';
import { Empty, ErrorBox, Loading } from '../components/States.js';

/**
 * The slot metrics. rate(v): a per-second value (heatmap, chart) as text; total(v): a window total (hot slots, balance).
 * CPU arrives as µs of CPU per second: shown as a share of one core, like the dashboard's CPU chart.
 * chart: how the drill-down chart shows the series (factor applied to values, catalog-style unit and kind).
 */
const METRICS = [
  {
    id: 'cpu', label: 'CPU', title: 'CPU time', needsStats: true,
    rate: (v) => trimZeros(formatValue(v / 1e6, 'ratio')) + ' of a core',
    total: (v) => formatSeconds(v / 1e6) + ' CPU',
    unitText: 'share of one core (µs of CPU per second)',
    chart: { factor: 1e-6, unit: 'ratio', kind: 'gauge', title: 'CPU (share of one core)' },
  },
  {
    id: 'net_in', label: 'Net in', title: 'Network in', needsStats: true,
    rate: (v) => formatBytes(v) + '/s', total: (v) => formatBytes(v),
    unitText: 'bytes per second received',
    chart: { factor: 1, unit: 'bytes', kind: 'counter', title: 'Network in' },
  },
  {
    id: 'net_out', label: 'Net out', title: 'Network out', needsStats: true,
    rate: (v) => formatBytes(v) + '/s', total: (v) => formatBytes(v),
    unitText: 'bytes per second sent',
    chart: { factor: 1, unit: 'bytes', kind: 'counter', title: 'Network out' },
  },
  {
    id: 'keys', label: 'Keys', title: 'Keys', needsStats: false,
    rate: (v) => formatNumber(Math.round(v)) + ' keys', total: (v) => formatNumber(Math.round(v)) + ' keys',
    unitText: 'keys per slot range',
    chart: { factor: 1, unit: 'count', kind: 'gauge', title: 'Keys', integer: true },
  },
];

/** Canvas height: 16384 slots in 128 rows of 3 px. */
const HEATMAP_HEIGHT = 384;
const LIVE_REFRESH_MS = 10_000;
const TOPOLOGY_REFRESH_MS = 5_000;

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** "host:port" strings compared by host, then port as a number (7010 after 7002). */
function cmpAddress(a, b) {
  const [ha, pa] = String(a).split(/:(?=\d+$)/);
  const [hb, pb] = String(b).split(/:(?=\d+$)/);
  return cmp(ha, hb) || Number(pa) - Number(pb);
}

/** Shards in slot order (the first slot they serve), shards without slots last; nodes primary first. */
function orderShards(shards = []) {
  const first = (s) => (s.slots?.length ? s.slots[0][0] : SLOTS);
  return [...shards]
    .sort((a, b) => first(a) - first(b) || cmp(a.id, b.id))
    .map((s) => ({ ...s, nodes: [...s.nodes].sort((a, b) => (a.role === 'primary' ? 0 : 1) - (b.role === 'primary' ? 0 : 1) || cmpAddress(a.address, b.address)) }));
}

/** A node is in trouble when Skyscope cannot reach it, the cluster marks it failed, or its link is down. */
function nodeTrouble(n) {
  if (n.state === 'down') return 'down';
  if ((n.flags ?? []).some((f) => f === 'fail' || f === 'fail?' || f === 'pfail')) return 'failed';
  if (n.health && n.health !== 'online') return n.health;
  if (n.linkState === 'disconnected') return 'link down';
  if (n.state === 'connecting') return 'connecting';
  return null;
}

function rangesText(slots) {
  if (!slots?.length) return 'no slots';
  return slots.map(([a, b]) => (a === b ? String(a) : `${a}–${b}`)).join(', ');
}

export function Slots({ route }) {
  const p = route.params;
  const metric = METRICS.find((m) => m.id === p.get('metric')) ?? METRICS[0];
  const range = rangeFromParams(p, '1h');
  const rangeKey = range.live ? range.id : `${range.from}-${range.to}`;
  const scale = p.get('scale') === 'linear' ? 'linear' : 'sqrt';
  const selected = parseSlotRange(p.get('slots'));
  const lastLive = useRef('1h');
  if (range.live) lastLive.current = range.id;

  const topo = useLoad((signal) => api('/api/topology', { signal }), [], { everyMs: TOPOLOGY_REFRESH_MS });
  const statusLoad = useLoad((signal) => api('/api/slots/status', { signal }), [], { everyMs: 30_000 });
  // The enable call answers with the new status: it stands until the next poll brings a newer one.
  const [override, setOverride] = useState();
  const status = override && override.base === statusLoad.data ? override.status : statusLoad.data;
  const setStatusOverride = (s) => setOverride({ status: s, base: statusLoad.data });

  const shards = useMemo(() => orderShards(topo.data?.shards), [topo.data]);
  const colorOf = useMemo(() => {
    const index = new Map();
    shards.forEach((s, i) => s.nodes.forEach((n) => index.set(n.address, i)));
    return (node) => (node && index.has(node) ? paletteColor(index.get(node)) : 'var(--muted)');
  }, [shards]);

  const primaryAddresses = useMemo(() => new Set(shards.flatMap((s) => s.nodes.filter((n) => n.role === 'primary').map((n) => n.address))), [shards]);

  const heatRef = useRef(null);
  const heatWidth = useWidth(heatRef);
  const { rows, cols } = heatGrid(Math.max(0, heatWidth - HEATMAP_GUTTER), HEATMAP_HEIGHT);
  const live = range.live ? { everyMs: LIVE_REFRESH_MS } : {};
  const windowNow = () => resolveRange(range);

  const heat = useLoad(
    (signal) => (heatWidth > 0 ? api('/api/slots/heatmap', { params: { metric: metric.id, ...windowNow(), rows, cols }, signal }) : Promise.resolve(undefined)),
    [metric.id, rangeKey, rows, cols > 0 ? cols : 0],
    live,
  );
  const hot = useLoad((signal) => api('/api/slots/hot', { params: { metric: metric.id, ...windowNow(), limit: 20 }, signal }), [metric.id, rangeKey], live);
  const balance = useLoad((signal) => api('/api/slots/balance', { params: { metric: metric.id, ...windowNow() }, signal }), [metric.id, rangeKey], live);

  const zoom = (from, to) => {
    if (from === null || from === undefined) setParams({ from: null, to: null, range: lastLive.current });
    else setParams({ from, to, range: null });
  };
  const select = (sel) => setParams({ slots: sel ? (sel.from === sel.to ? String(sel.from) : `${sel.from}-${sel.to}`) : null });
  // The metric of the data on screen (a new metric's data may still be loading): units always match the values.
  const heatMetric = METRICS.find((m) => m.id === heat.data?.metric) ?? metric;

  return html`<section class="page slots" data-testid="slots">
    <div class="page-head">
      <h1>Cluster</h1>
      <${RangePicker} range=${range} />
      ${!range.live
        ? html`<button type="button" data-testid="back-live" onClick=${() => zoom(null)}>↺ Back to live ${lastLive.current}</button>`
        : null}
      <span class="spacer"></span>
      <span class="muted">${topo.data ? `topology as of ${formatAgo(topo.data.updatedAt)}` : ''}</span>
      ${topo.loading || heat.loading ? html`<span class="spinner small"></span>` : null}
    </div>

    <${Topology} load=${topo} shards=${shards} colorOf=${colorOf} />

    <h2 class="section-head">Slot load</h2>
    <${StatsNotice} status=${status} error=${statusLoad.error} onChanged=${setStatusOverride} primaryAddresses=${primaryAddresses} />
    <div class="slots-controls">
      <span class="ctl-group view-toggle metric-pick" data-testid="metric-pick">
        <span class="ctl-label">metric</span>
        ${METRICS.map((m) => html`<button type="button" class=${m.id === metric.id ? 'on' : ''} data-metric=${m.id}
          title=${m.needsStats ? `${m.title} per slot (needs cluster-slot-stats-enabled)` : 'Keys per slot (always collected)'}
          onClick=${() => setParams({ metric: m.id === 'cpu' ? null : m.id })}>${m.label}</button>`)}
      </span>
      <span class="muted step-info">${heat.data ? `${heat.data.rows.length} rows × ${heat.data.x.length} columns · step ${trimZeros(formatSeconds(heat.data.step))} · ${heat.data.source}${range.live ? ' · refreshed every 10 s' : ''}` : ''}</span>
    </div>
    <div class="panel heatmap-panel" ref=${heatRef}>
      <${HeatmapBody} heat=${heat} status=${status} metric=${heatMetric} range=${range} scale=${scale} selected=${selected}
        colorOf=${colorOf} onSelect=${select} onBackLive=${() => zoom(null)} />
    </div>

    ${selected
      ? html`<${DrillDown} key=${`${selected.from}-${selected.to}`} selected=${selected} metric=${metric} range=${range} rangeKey=${rangeKey}
          shards=${shards} colorOf=${colorOf} onClose=${() => select(null)} onZoom=${zoom} />`
      : null}

    <div class="slots-tables">
      <${HotSlots} load=${hot} metric=${metric} colorOf=${colorOf} selected=${selected} onSelect=${select} />
      <${Balance} load=${balance} metric=${metric} colorOf=${colorOf} />
    </div>
  </section>`;
}

/** One card per shard: the primary and its replicas with state, health, link, memory, ops/s, offset and lag. */
function Topology({ load, shards, colorOf }) {
  const { data, error } = load;
  if (!data) {
    if (error) return html`<${ErrorBox} error=${error}>The topology comes from <code>/api/topology</code>; retrying every 5 s.</${ErrorBox}>`;
    return html`<${Loading} what="Loading topology" />`;
  }
  const failing = (data.targets ?? []).filter((t) => t.lastError);
  return html`<div data-testid="topology">
    <${ErrorBox} error=${error} stale />
    ${failing.map((t) => html`<div class="state error" role="alert"><strong>${t.url}: ${t.lastError}</strong><div class="hint">Check the URL, that the server is reachable, and the credentials.</div></div>`)}
    ${shards.length === 0
      ? html`<${Empty} title="No shards discovered yet">Skyscope is still connecting to its targets; see the <${Link} href="/">overview</${Link}>.</${Empty}>`
      : html`<div class="shards">${shards.map((s, i) => html`<${ShardCard} key=${s.id} shard=${s} index=${i} color=${colorOf(s.nodes[0]?.address)} />`)}</div>`}
  </div>`;
}

function ShardCard({ shard, index, color }) {
  const troubled = shard.nodes.some((n) => nodeTrouble(n));
  const primary = shard.nodes.find((n) => n.role === 'primary');
  return html`<div class=${'shard panel' + (troubled ? ' troubled' : '')} data-testid="shard" data-shard=${shard.id} data-slots=${shard.slotCount}>
    <div class="shard-head">
      <span class="ct-sw" style=${`background:${color}`}></span>
      <strong>Shard ${index + 1}</strong>
      <span class="mono muted" title=${shard.id}>${shard.id.length > 12 ? shard.id.slice(0, 10) + '…' : shard.id}</span>
      <span class="spacer"></span>
      <span class="num"><strong>${formatNumber(shard.slotCount)}</strong> <span class="muted">slots (${((shard.slotCount / SLOTS) * 100).toFixed(1)}%)</span></span>
    </div>
    <${SlotStrip} slots=${shard.slots} color=${color} />
    <div class="shard-ranges muted" title=${rangesText(shard.slots)}>${rangesText(shard.slots)}</div>
    ${!primary ? html`<div class="bad shard-warn">No primary: these slots are not served. Check the failover (cluster-node-timeout, replicas up).</div>` : null}
    <table class="grid shard-nodes">
      <thead><tr><th>Node</th><th>Role</th><th>State</th><th>Health</th><th>Link</th><th class="num">Memory</th><th class="num">Ops/s</th><th class="num">Repl. offset</th><th class="num">Lag</th></tr></thead>
      <tbody>
        ${shard.nodes.map((n) => {
          const trouble = nodeTrouble(n);
          const stateCls = n.state === 'up' ? 'good' : n.state === 'down' ? 'bad' : 'warn';
          return html`<tr class=${trouble ? 'flagged' : ''} data-node=${n.address} data-role=${n.role} data-state=${n.state} data-trouble=${trouble ?? ''}>
            <td class="mono nowrap"><${Link} href=${href('/dashboard', { node: n.address })} title="Open this node on the dashboard">${n.address}</${Link}></td>
            <td><span class=${'role-tag ' + n.role}>${n.role}</span></td>
            <td class="nowrap"><span class=${'node-state ' + stateCls}>● ${n.state}</span>${trouble && trouble !== n.state ? html` <span class="bad">${trouble}</span>` : null}</td>
            <td class=${n.health && n.health !== 'online' ? 'bad' : 'muted'}>${n.health ?? '–'}</td>
            <td class=${n.linkState === 'disconnected' ? 'bad' : 'muted'}>${n.linkState ?? '–'}</td>
            <td class="num">${formatBytes(n.memoryBytes)}</td>
            <td class="num">${formatNumber(n.opsPerSec)}</td>
            <td class="num muted">${n.replicationOffset ?? '–'}</td>
            <td class=${'num' + (n.lagBytes > 0 ? ' warn' : '')}>${n.role === 'replica' ? formatBytes(n.lagBytes) : html`<span class="muted">–</span>`}</td>
          </tr>`;
        })}
      </tbody>
    </table>
  </div>`;
}

/** The shard's slot ranges drawn over 0..16383. */
function SlotStrip({ slots, color }) {
  return html`<div class="slot-strip" title=${rangesText(slots)}>
    ${(slots ?? []).map(([a, b]) => html`<span style=${`left:${(a / SLOTS) * 100}%;width:${Math.max(0.3, ((b - a + 1) / SLOTS) * 100)}%;background:${color}`}></span>`)}
  </div>`;
}

/** Whether slot statistics are there, and the way to turn CPU/network per slot on (with a confirmation). */
function StatsNotice({ status, error, onChanged, primaryAddresses }) {
  const [confirming, setConfirming] = useState(false);
  if (!status) return error ? html`<${ErrorBox} error=${error}>Slot statistics status (<code>/api/slots/status</code>) is unavailable; retrying.</${ErrorBox}>` : null;
  if (!status.available) {
    return html`<div class="notice warn" data-testid="stats-notice" data-kind="unavailable">
      <strong>Slot statistics are not available here.</strong>
      ${status.reason ? html` <span>${status.reason}</span>` : null}
      <div class="muted">They need Valkey 8.0 or newer in cluster mode (the <code>CLUSTER SLOT-STATS</code> command). The topology above still works; the heatmap stays empty.</div>
    </div>`;
  }
  if (status.cpuNet !== 'off' && status.cpuNet !== 'mixed') return null;
  // Only primaries serve slots (the list may name replicas too once the topology knows them).
  const primaries = (status.nodes ?? []).filter((n) => n.supported && (primaryAddresses.size === 0 || primaryAddresses.has(n.address)));
  const toEnable = primaries.filter((n) => n.cpuNet !== true);
  const n = toEnable.length || primaries.length;
  return html`<div class="notice" data-testid="stats-notice" data-kind=${status.cpuNet}>
    <div>
      <strong>CPU and network per slot are ${status.cpuNet === 'off' ? 'off' : `on for ${primaries.length - toEnable.length} of ${primaries.length} primaries`}.</strong>${' '}
      They need <code>cluster-slot-stats-enabled yes</code> on every primary; key counts per slot work without it.
      ${status.reason ? html` <span class="muted">${status.reason}</span>` : null}
    </div>
    ${status.readOnly
      ? html`<div class="muted" data-testid="read-only-note">Skyscope runs with <code>--read-only</code>, so it does not change server settings. Run <code>CONFIG SET cluster-slot-stats-enabled yes</code> on each primary, or restart Skyscope without <code>--read-only</code>.</div>`
      : html`<button type="button" class="primary" data-testid="enable-stats" onClick=${() => setConfirming(true)}>Enable on ${n} primar${n === 1 ? 'y' : 'ies'}</button>`}
    ${confirming ? html`<${EnableDialog} nodes=${toEnable.length ? toEnable : primaries} onClose=${() => setConfirming(false)} onDone=${(s) => { onChanged(s); setConfirming(false); }} />` : null}
  </div>`;
}

function EnableDialog({ nodes, onClose, onDone }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState();
  const confirmRef = useRef(null);
  useEffect(() => {
    confirmRef.current?.focus();
    const onKey = (e) => {
      if (e.key === 'Escape') onClose();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onDone(await api('/api/slots/enable', { method: 'POST', body: {} }));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return html`<div class="modal-back" onClick=${onClose}>
    <div class="modal confirm-modal" role="dialog" aria-modal="true" aria-label="Enable slot statistics" data-testid="confirm-enable" onClick=${(e) => e.stopPropagation()}>
      <h2>Enable CPU and network per slot?</h2>
      <p>Skyscope will run <code>CONFIG SET cluster-slot-stats-enabled yes</code> on ${nodes.length} primar${nodes.length === 1 ? 'y' : 'ies'}:</p>
      <ul class="mono confirm-list">${nodes.map((n) => html`<li>${n.address}</li>`)}</ul>
      <p class="muted">The servers then time every command per slot: a small CPU cost on busy servers. The change is not written to their config files; it lasts until they restart. Turn it off again with <code>CONFIG SET cluster-slot-stats-enabled no</code>.</p>
      ${error ? html`<div class="bad" role="alert">${error.message}</div>` : null}
      <div class="confirm-actions">
        <button type="button" onClick=${onClose} disabled=${busy}>Cancel</button>
        <button type="button" class="primary" ref=${confirmRef} onClick=${run} disabled=${busy} data-testid="confirm-enable-yes">${busy ? 'Enabling…' : `Enable on ${nodes.length}`}</button>
      </div>
    </div>
  </div>`;
}

function HeatmapBody({ heat, status, metric, range, scale, selected, colorOf, onSelect, onBackLive }) {
  const { data, error } = heat;
  const fmt = metric.rate;
  if (!data) {
    if (error) return html`<${ErrorBox} error=${error}>${error.status === 404 ? 'This Skyscope has no slot heatmap route yet.' : 'Retrying every 10 s while live; pick another range to try again.'}</${ErrorBox}>`;
    return html`<${Loading} what="Loading the slot heatmap" />`;
  }
  const hasValues = data.values.some((r) => r.some((v) => v !== null && v !== undefined));
  let empty = null;
  if (!hasValues) {
    if (status && !status.available) empty = html`<${Empty} title="No slot statistics">This cluster does not answer <code>CLUSTER SLOT-STATS</code> (Valkey 8.0+ in cluster mode).</${Empty}>`;
    else if (metric.needsStats && status && status.cpuNet !== 'on')
      empty = html`<${Empty} title=${`No ${metric.title.toLowerCase()} per slot`}>cluster-slot-stats-enabled is off: enable it above, or pick <button type="button" class="link" onClick=${() => setParams({ metric: 'keys' })}>Keys</button>, which is always collected.</${Empty}>`;
    else if (range.live) empty = html`<${Empty} title="No slot statistics yet">They are collected every 10 s from every primary; the first column appears within 10 s of Skyscope starting.</${Empty}>`;
    else empty = html`<${Empty} title="No slot statistics in this range">Skyscope has nothing between these times. <button type="button" class="link" onClick=${onBackLive}>Back to live</button></${Empty}>`;
  }
  return html`<div class="heatmap-wrap">
    <${ErrorBox} error=${error} stale />
    ${empty}
    <${SlotHeatmap} data=${data} fmt=${fmt} colorOf=${colorOf} selected=${selected} onSelect=${onSelect} height=${HEATMAP_HEIGHT}
      scale=${scale} onScale=${(s) => setParams({ scale: s === 'sqrt' ? null : s })} unitText=${metric.unitText} />
  </div>`;
}

/** The chosen slot range over time, its owner(s) and where to look next. */
function DrillDown({ selected, metric, range, rangeKey, shards, colorOf, onClose, onZoom }) {
  const box = useRef(null);
  const width = useWidth(box);
  const r = resolveRange(range);
  // Slot statistics arrive every 10 s: a finer step would only draw gaps.
  const step = width > 0 ? stepFor(r.from, r.to, Math.max(200, width - 70), 10) : 0;
  const series = useLoad(
    (signal) => {
      if (!step) return Promise.resolve(undefined);
      const { from, to } = resolveRange(range);
      return api('/api/slots/series', { params: { metric: metric.id, slotFrom: selected.from, slotTo: selected.to, from, to, step }, signal });
    },
    [metric.id, rangeKey, selected.from, selected.to, step],
    range.live ? { everyMs: LIVE_REFRESH_MS } : {},
  );
  // Owners as of now: every shard that serves a slot of the range (a range may straddle a boundary or move).
  const owners = shards
    .filter((s) => s.slots.some(([a, b]) => a <= selected.to && b >= selected.from))
    .map((s) => s.nodes.find((n) => n.role === 'primary')?.address ?? s.nodes[0]?.address)
    .filter(Boolean);
  const c = metric.chart;
  const data = useMemo(() => {
    const d = series.data?.data;
    if (!d) return undefined;
    return c.factor === 1 ? d : [d[0], ...d.slice(1).map((col) => col.map((v) => (v === null ? null : v * c.factor)))];
  }, [series.data, c.factor]);
  const last = data?.[1] ? [...data[1]].reverse().find((v) => v !== null && v !== undefined) : undefined;
  return html`<div class="panel drill" data-testid="drilldown" data-slots=${`${selected.from}-${selected.to}`}>
    <div class="drill-head">
      <strong>${slotRangeText(selected.from, selected.to)}</strong>
      <span class="muted">${selected.to - selected.from + 1} slot${selected.to === selected.from ? '' : 's'}</span>
      <span>owned by ${owners.length === 0 ? html`<span class="muted">no node (not served)</span>` : owners.map((o, i) => html`${i > 0 ? ', ' : ''}<span class="ct-sw" style=${`background:${colorOf(o)}`}></span> <${Link} href=${href('/dashboard', { node: o })} class="mono" data-testid="owner-link" title="Open this node on the dashboard">${o}</${Link}>`)}</span>
      <span class="spacer"></span>
      <button type="button" class="icon" onClick=${onClose} title="Close" aria-label="Close the drill-down">×</button>
    </div>
    <div ref=${box}>
      <${Chart} title=${`${c.title}, ${slotRangeText(selected.from, selected.to)}`} metric=${`slots-${metric.id}`} unit=${c.unit} kind=${c.kind} integer=${c.integer}
        data=${data} series=${[{ label: slotRangeText(selected.from, selected.to), color: owners[0] ? colorOf(owners[0]) : undefined }]} height=${170}
        value=${last !== undefined ? trimZeros(formatValue(last, c.unit, c.kind)) : undefined}
        onSelectRange=${onZoom} loading=${series.loading && !series.data} error=${series.error} legend=${false}
        emptyText=${metric.needsStats ? 'No values for these slots in this range (is cluster-slot-stats-enabled on?)' : 'No values for these slots in this range'} />
    </div>
    <div class="muted drill-foot">
      ${series.data ? html`step ${trimZeros(formatSeconds(series.data.step))} from ${series.data.source}` : null}
    </div>
    <${SlotHotKeys} from=${selected.from} to=${selected.to} />
  </div>`;
}

/** The busiest slots over the window, with their share of the cluster and of their node. */
function HotSlots({ load, metric, colorOf, selected, onSelect }) {
  const { data, error } = load;
  const list = Array.isArray(data) ? data : data?.slots ?? [];
  let body;
  if (!data) body = error ? html`<${ErrorBox} error=${error}>Retrying with the next refresh.</${ErrorBox}>` : html`<${Loading} what="Loading hot slots" />`;
  else if (list.length === 0) body = html`<${Empty} title="No hot slots in this window">${metric.needsStats ? 'CPU and network per slot need cluster-slot-stats-enabled; keys per slot are always there.' : 'No slot has keys yet.'}</${Empty}>`;
  else
    body = html`<table class="grid hot-table" data-testid="hot-table">
      <thead><tr><th class="num">Slot</th><th>Owner</th><th class="num">${metric.id === 'keys' ? 'Keys (latest)' : `${metric.title} (total)`}</th><th>Share of cluster</th><th class="num">Of node</th></tr></thead>
      <tbody>
        ${list.map((h) => html`<tr class=${selected && selected.from === h.slot && selected.to === h.slot ? 'selected' : ''} data-slot=${h.slot} data-node=${h.node ?? ''}>
          <td class="num"><button type="button" class="link" onClick=${() => onSelect({ from: h.slot, to: h.slot })} title="Chart this slot">${h.slot}</button></td>
          <td class="mono nowrap"><span class="ct-sw" style=${`background:${colorOf(h.node)}`}></span> ${h.node ? html`<${Link} href=${href('/dashboard', { node: h.node })}>${h.node}</${Link}>` : html`<span class="muted">no owner</span>`}</td>
          <td class="num">${metric.total(h.value)}</td>
          <td class="share-cell"><${ShareBar} share=${h.share} /></td>
          <td class="num">${pct(h.nodeShare)}</td>
        </tr>`)}
      </tbody>
    </table>`;
  return html`<div class="slots-block">
    <h2>Hot slots <span class="muted">${metric.title.toLowerCase()}, this window</span></h2>
    ${data ? html`<${ErrorBox} error=${error} stale />` : null}
    ${body}
  </div>`;
}

/** Per-node load, the imbalance score and whether moving slots would help. */
function Balance({ load, metric, colorOf }) {
  const { data, error } = load;
  let body;
  if (!data) body = error ? html`<${ErrorBox} error=${error}>Retrying with the next refresh.</${ErrorBox}>` : html`<${Loading} what="Loading balance" />`;
  else if (!data.nodes?.length) body = html`<${Empty} title="Nothing to compare yet">No primary reported ${metric.title.toLowerCase()} per slot in this window.</${Empty}>`;
  else {
    const top = Math.max(...data.nodes.map((n) => n.share ?? 0), 0.0001);
    const score = data.imbalance;
    const scoreCls = score >= 0.5 ? 'bad' : score >= 0.2 ? 'warn' : 'good';
    body = html`<div class="balance" data-testid="balance">
      <div class="balance-score">
        <span class=${'balance-value num ' + scoreCls} data-testid="imbalance">${Number.isFinite(score) ? `+${(score * 100).toFixed(0)}%` : '–'}</span>
        <span class="muted">busiest primary over the mean</span>
      </div>
      <div class="balance-advice" data-testid="advice">${data.advice}</div>
      <table class="grid balance-table">
        <thead><tr><th>Primary</th><th>Share</th><th class="num">${metric.id === 'keys' ? 'Keys' : 'Total'}</th><th class="num">Slots</th></tr></thead>
        <tbody>
          ${[...data.nodes].sort((a, b) => (b.share ?? 0) - (a.share ?? 0)).map((n) => html`<tr data-node=${n.node}>
            <td class="mono nowrap"><${Link} href=${href('/dashboard', { node: n.node })}>${n.node}</${Link}></td>
            <td class="share-cell"><${ShareBar} share=${n.share} scale=${top} color=${colorOf(n.node)} /></td>
            <td class="num">${metric.total(n.value)}</td>
            <td class="num">${formatNumber(n.slots)}</td>
          </tr>`)}
        </tbody>
      </table>
    </div>`;
  }
  return html`<div class="slots-block">
    <h2>Balance <span class="muted">${metric.title.toLowerCase()} per primary</span></h2>
    ${data ? html`<${ErrorBox} error=${error} stale />` : null}
    ${body}
  </div>`;
}
