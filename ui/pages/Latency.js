// The Latency page: each node's latency monitor (threshold, set with a confirmation, LATENCY DOCTOR), a chart per latency event, per-command percentiles over time, commandstats and errorstats; clicking a point opens what else happened then.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { Link, setParams } from '../lib/route.js';
import { useConfirmDialog, useLoad, useWidth } from '../lib/hooks.js';
import { rangeFromParams, resolveRange, stepFor } from '../lib/time.js';
import { formatNumber, formatTime } from '../lib/format.js';
import {
  COMMANDSTATS_COLUMNS, commandLatencyChart, correlationParams, formatMicros, formatMillis, latencyCharts, monitorNote, nextSort, readCorrelation,
  readSort, sortRows,
} from '../lib/latency.js';
import { Chart, paletteColor } from '../components/Chart.js';
import { cmpAddress } from '../lib/hotkeys.js';
import { RangePicker } from '../components/RangePicker.js';
import { CorrelationPanel } from '../components/Correlation.js';
import { Empty, ErrorBox, Loading } from '../components/States.js';

/** Commandstats rows put in the DOM. */
const TABLE_ROWS = 300;
/** LATENCY HISTOGRAM windows are one collection apart (5 s by default): narrower buckets would be mostly empty. */
const WINDOW_MIN_STEP = 10;

export function Latency({ route }) {
  const p = route.params;
  const range = rangeFromParams(p, '1h');
  const rangeKey = range.live ? range.id : `${range.from}-${range.to}`;
  const node = p.get('node') || 'all';
  const corr = readCorrelation(p);
  const sort = readSort(p.get('sort'), COMMANDSTATS_COLUMNS, { key: 'usecPerSec', desc: true });
  const every = range.live ? 10_000 : undefined;

  const [kick, setKick] = useState(0);
  const status = useLoad((signal) => api('/api/latency/status', { signal }), [kick], { everyMs: 10_000 });
  const nodeParam = node === 'all' ? 'all' : node;
  const events = useLoad((signal) => api('/api/latency', { params: { node: nodeParam, ...resolveRange(range) }, signal }), [rangeKey, node, kick], { everyMs: every });
  const stats = useLoad((signal) => api('/api/commandstats', { params: { node: nodeParam, ...resolveRange(range) }, signal }), [rangeKey, node], { everyMs: every });
  const charts = useMemo(() => latencyCharts(events.data), [events.data]);

  const statusNodes = [...(status.data?.nodes ?? [])].sort((a, b) => cmpAddress(a.node, b.node));
  const commands = stats.data?.commands ?? [];
  const cmd = p.get('cmd') || [...commands].sort((a, b) => b.usecPerSec - a.usecPerSec)[0]?.cmd || '';
  const pick = (n, ts) => setParams(correlationParams(n, ts));

  return html`<section class="page latency-page" data-testid="latency">
    <div class="page-head">
      <h1>Latency</h1>
      <label class="ctl-group"><span class="ctl-label">Node</span>
        <select value=${node} onChange=${(e) => setParams({ node: e.currentTarget.value === 'all' ? null : e.currentTarget.value })} data-testid="lat-node">
          <option value="all">all nodes</option>
          ${node !== 'all' && !statusNodes.some((n) => n.node === node) ? html`<option value=${node}>${node}</option>` : null}
          ${statusNodes.map((n) => html`<option value=${n.node}>${n.node}</option>`)}
        </select>
      </label>
      <span class="spacer"></span>
      <${RangePicker} range=${range} />
    </div>
    <${MonitorPanel} status=${status} nodes=${statusNodes} node=${node} onChanged=${() => setKick((k) => k + 1)} />
    ${corr ? html`<${CorrelationPanel} corr=${corr} />` : null}
    <h2>Latency events <span class="muted">recorded by the server's latency monitor; click a point to see what else happened</span></h2>
    <${EventCharts} res=${events} charts=${charts} status=${status.data} node=${node} onPick=${pick} />
    <h2>Per-command latency</h2>
    <${CommandLatency} cmd=${cmd} commands=${commands} node=${node} range=${range} rangeKey=${rangeKey} onPick=${pick} />
    <div class="lat-tables">
      <div>
        <h2>Command statistics <span class="muted">averaged over the range, summed over ${node === 'all' ? 'all nodes' : node}</span></h2>
        <${StatsTable} res=${stats} sort=${sort} selected=${cmd} />
      </div>
      <div>
        <h2>Errors <span class="muted">error replies by prefix</span></h2>
        <${ErrorsTable} res=${stats} />
      </div>
    </div>
  </section>`;
}

/** Every node's monitor: threshold (or off and why it is worth turning on), the events it tracks, LATENCY DOCTOR, and the threshold control. */
function MonitorPanel({ status, nodes, node, onChanged }) {
  const [doctor, setDoctor] = useState({});
  const { data, error } = status;
  if (!data) {
    if (error) return html`<${ErrorBox} error=${error}>The latency monitor status (<code>/api/latency/status</code>) is unavailable; retrying every 10 s.</${ErrorBox}>`;
    return html`<${Loading} what="Reading each node's latency monitor" />`;
  }
  if (nodes.length === 0)
    return html`<${Empty} title="No nodes yet">Skyscope has not discovered any server: start it with a redis:// or rediss:// URL of any node, or see the <${Link} href="/">overview</${Link}> for connection errors.</${Empty}>`;
  const runDoctor = async (n) => {
    setDoctor((d) => ({ ...d, [n]: { busy: true } }));
    try {
      const r = await api('/api/latency/doctor', { params: { node: n } });
      setDoctor((d) => ({ ...d, [n]: { text: r.text } }));
    } catch (e) {
      setDoctor((d) => ({ ...d, [n]: { error: e } }));
    }
  };
  const off = nodes.filter((n) => !n.error && n.thresholdMs === 0);
  return html`<div class="panel lat-monitor" data-testid="lat-monitor">
    <table class="grid lat-monitor-table">
      <thead><tr><th>Node</th><th>Monitor</th><th>Events tracked</th><th>Histograms</th><th></th></tr></thead>
      <tbody>${nodes.map((n) => {
        const note = monitorNote(n);
        const d = doctor[n.node];
        return html`<tr data-testid="lat-node-row" data-node=${n.node} data-threshold=${n.thresholdMs}>
            <td class="mono nowrap">${n.node}</td>
            <td class="nowrap">${monitorState(n)}</td>
            <td>${(n.events ?? []).length ? (n.events ?? []).map((e) => html`<span class="chip lat-ev" title=${`latest ${formatMillis(e.latestMs)}, server max ${formatMillis(e.maxMs)}`}>${e.event}</span>`) : html`<span class="muted">none yet</span>`}</td>
            <td>${n.histogram ? 'per command (LATENCY HISTOGRAM)' : html`<span class="muted">not available</span>`}</td>
            <td class="nowrap"><button type="button" onClick=${() => runDoctor(n.node)} disabled=${d?.busy} data-testid="lat-doctor-btn" title="Ask the server for LATENCY DOCTOR's report (read live)">${d?.busy ? 'Asking…' : 'Doctor'}</button></td>
          </tr>
          ${note ? html`<tr class="cl-notes"><td></td><td colspan="4"><div class=${note.level} data-testid="lat-note">${note.text}</div></td></tr>` : null}
          ${d && (d.text !== undefined || d.error)
            ? html`<tr class="lat-doctor-row"><td colspan="5">
                <div class="lat-doctor-head"><strong>LATENCY DOCTOR</strong> <span class="mono muted">${n.node}</span><span class="spacer"></span>
                  <button type="button" class="icon" aria-label="Close the report" onClick=${() => setDoctor((x) => ({ ...x, [n.node]: undefined }))}>×</button></div>
                ${d.error ? html`<div class="bad">${d.error.message}</div>` : html`<pre class="lat-doctor" data-testid="lat-doctor" data-node=${n.node}>${d.text}</pre>`}
              </td></tr>`
            : null}`;
      })}</tbody>
    </table>
    <${ThresholdControl} nodes=${nodes} node=${node} readOnly=${data.readOnly} off=${off.length} onChanged=${onChanged} />
    ${error ? html`<${ErrorBox} error=${error} stale />` : null}
  </div>`;
}

function monitorState(n) {
  if (n.error) return html`<span class="bad">unreadable</span>`;
  if (n.sourceState === 'unsupported') return html`<span class="bad">unsupported</span>`;
  if (n.thresholdMs === null || n.thresholdMs === undefined) return html`<span class="muted">not read yet</span>`;
  if (n.thresholdMs > 0) return html`on, threshold <strong>${formatMillis(n.thresholdMs)}</strong>`;
  return html`<span class="warn">off</span>`;
}

/** Sets latency-monitor-threshold on one node or all, after a confirmation naming them; refused (and said why) under --read-only. */
function ThresholdControl({ nodes, node, readOnly, off, onChanged }) {
  const [form, setForm] = useState({ target: node, ms: '100' });
  const [confirming, setConfirming] = useState(false);
  const [state, setState] = useState({ busy: false });
  useEffect(() => setForm((f) => ({ ...f, target: node })), [node]);
  const targets = form.target === 'all' ? nodes.map((n) => n.node) : [form.target];
  const ms = Number(form.ms);
  const valid = form.ms !== '' && Number.isInteger(ms) && ms >= 0;
  const apply = async () => {
    setState({ busy: true });
    try {
      const r = await api('/api/latency/threshold', { method: 'PUT', body: { node: form.target, ms } });
      const failed = (r.nodes ?? []).filter((x) => x.error);
      setState({ busy: false, done: r.nodes, failed });
      onChanged();
    } catch (e) {
      setState({ busy: false, error: e });
    }
    setConfirming(false);
  };
  return html`<div class="lat-threshold" data-testid="lat-threshold">
    <form class="ctl-group" onSubmit=${(e) => {
      e.preventDefault();
      if (valid && !readOnly) setConfirming(true);
    }}>
      <span class="ctl-label">Set threshold</span>
      <input type="number" min="0" step="1" value=${form.ms} onInput=${(e) => setForm({ ...form, ms: e.currentTarget.value })} class="hk-num" data-testid="lat-threshold-ms" disabled=${readOnly} aria-label="Threshold in milliseconds" /> ms
      <span class="ctl-label">on</span>
      <select value=${form.target} onChange=${(e) => setForm({ ...form, target: e.currentTarget.value })} data-testid="lat-threshold-node" disabled=${readOnly}>
        <option value="all">all ${nodes.length} node${nodes.length === 1 ? '' : 's'}</option>
        ${nodes.map((n) => html`<option value=${n.node}>${n.node}</option>`)}
      </select>
      <button type="submit" data-testid="lat-threshold-btn" disabled=${readOnly || !valid || state.busy}
        title=${readOnly ? 'Skyscope runs with --read-only: it changes no server setting' : 'CONFIG SET latency-monitor-threshold'}>Set…</button>
    </form>
    ${readOnly
      ? html`<span class="muted" data-testid="lat-threshold-ro">Skyscope runs with <code>--read-only</code>, so it changes no server setting; run <code>CONFIG SET latency-monitor-threshold 100</code> yourself, or restart Skyscope without --read-only.</span>`
      : html`<span class="muted">${off > 0 ? `${off} node${off === 1 ? ' has' : 's have'} the monitor off. ` : ''}0 turns the monitor off; the server keeps the setting until it restarts (CONFIG REWRITE saves it).</span>`}
    ${state.error ? html`<span class="bad" data-testid="lat-threshold-error">${state.error.message}</span>` : null}
    ${state.failed?.length ? html`<span class="bad" data-testid="lat-threshold-error">${state.failed.map((x) => `${x.node}: ${x.error}`).join('; ')}</span>` : null}
    ${confirming
      ? html`<${ConfirmThreshold} ms=${ms} targets=${targets} busy=${state.busy} onClose=${() => setConfirming(false)} onConfirm=${apply} />`
      : null}
  </div>`;
}

function ConfirmThreshold({ ms, targets, busy, onClose, onConfirm }) {
  const yes = useConfirmDialog(onClose);
  return html`<div class="modal-back" onClick=${onClose}>
    <div class="modal confirm-modal" role="dialog" aria-modal="true" aria-label="Set the latency monitor threshold" data-testid="lat-confirm" onClick=${(e) => e.stopPropagation()}>
      <h2>${ms === 0 ? 'Turn the latency monitor off?' : `Set latency-monitor-threshold to ${ms} ms?`}</h2>
      <p>${ms === 0
        ? 'The server stops recording latency events; what it recorded so far stays until LATENCY RESET.'
        : `The server then records every event (command, fork, AOF write, expire cycle...) that takes ${ms} ms or longer. It costs nearly nothing: one sample per event and second, only when an event is that slow.`}</p>
      <p>On ${targets.length} node${targets.length === 1 ? '' : 's'}:</p>
      <ul class="mono confirm-list">${targets.map((n) => html`<li>${n}</li>`)}</ul>
      <div class="confirm-actions">
        <button type="button" onClick=${onClose}>Cancel</button>
        <button type="button" class="primary" ref=${yes} onClick=${onConfirm} disabled=${busy} data-testid="lat-confirm-yes">${busy ? 'Setting…' : 'Set threshold'}</button>
      </div>
    </div>
  </div>`;
}

/** One chart per latency event (a dot per sample, one colour per node), with latest / server max / all-time max per node. */
function EventCharts({ res, charts, status, node, onPick }) {
  const { data, error, loading } = res;
  if (!data) {
    if (error) return html`<${ErrorBox} error=${error} />`;
    return html`<${Loading} what="Loading latency events" />`;
  }
  const monitored = (status?.nodes ?? []).filter((n) => node === 'all' || n.node === node);
  if (charts.length === 0) {
    const anyOn = monitored.some((n) => n.thresholdMs > 0);
    const allOff = monitored.length > 0 && monitored.every((n) => n.thresholdMs === 0);
    return html`<${Empty} title="No latency events in this range">
      ${anyOn
        ? 'Nothing was slower than the monitor threshold: the servers had no latency spike (that they measure) in this range.'
        : allOff
          ? 'The latency monitor is off on these nodes, so the servers record no events. Set a threshold above (e.g. 100 ms): it costs nearly nothing.'
          : 'The monitor settings have not been read yet (or could not be): see the table above.'}
    </${Empty}>`;
  }
  return html`${error ? html`<${ErrorBox} error=${error} stale />` : null}
    <div class="charts lat-charts">
      ${charts.map((c) => html`<${EventChart} key=${c.event} chart=${c} status=${status} loading=${loading} onPick=${onPick} />`)}
    </div>`;
}

function EventChart({ chart, status, loading, onPick }) {
  const rows = chart.nodes.map((n, i) => {
    const st = (status?.nodes ?? []).find((x) => x.node === n);
    return { node: n, color: paletteColor(i), ev: st?.events?.find((e) => e.event === chart.event) };
  });
  let max = null;
  for (let c = 1; c < chart.data.length; c++) for (const v of chart.data[c]) if (v !== null && (max === null || v > max)) max = v;
  return html`<div class="lat-event" data-testid="lat-event" data-event=${chart.event}>
    <${Chart} title=${chart.event} metric=${'latency-' + chart.event} unit="seconds" kind="gauge" data=${toSeconds(chart.data)}
      series=${chart.nodes.map((n, i) => ({ label: n, color: paletteColor(i) }))} height=${140} points loading=${loading} syncKey="latency"
      value=${max !== null ? html`<span class="muted">max </span>${formatMillis(max)}` : null} legend=${chart.nodes.length > 1}
      hint="Each dot is one sample of the latency monitor: the worst latency of this event in that second"
      onPick=${(ts, i) => onPick(chart.nodes[i], ts)} />
    <table class="grid lat-event-table">
      <thead><tr><th>Node</th><th>Latest</th><th class="num">Server max</th><th class="num">All-time max</th><th class="num">Stored</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr data-testid="lat-event-row" data-node=${r.node}>
        <td class="mono nowrap"><span class="ct-sw" style=${`background:${r.color}`}></span> ${r.node}</td>
        <td class="nowrap">${r.ev ? html`${formatMillis(r.ev.latestMs)} <span class="muted">${formatTime(r.ev.latestTs)}</span>` : '–'}</td>
        <td class="num" title="The server's max since its last LATENCY RESET">${formatMillis(r.ev?.maxMs)}</td>
        <td class="num" title="The max over what Skyscope stored">${formatMillis(r.ev?.allTimeMaxMs)}</td>
        <td class="num">${r.ev ? formatNumber(r.ev.stored) : '–'}</td>
      </tr>`)}</tbody>
    </table>
  </div>`;
}

/** The monitor's milliseconds as seconds, the Chart component's duration unit. */
function toSeconds(data) {
  return [data[0], ...data.slice(1).map((col) => col.map((v) => (v === null ? null : v / 1000)))];
}

/** p50/p99/p99.9 of one command: over each collection window (LATENCY HISTOGRAM deltas) and since the stats were reset (latencystats). */
function CommandLatency({ cmd, commands, node, range, rangeKey, onPick }) {
  const box = useRef(null);
  const width = useWidth(box);
  const { from, to } = resolveRange(range);
  const plot = Math.max(200, width / 2 - 80);
  const stepWindow = width ? stepFor(from, to, plot, WINDOW_MIN_STEP) : 0;
  const stepReset = width ? stepFor(from, to, plot, 1) : 0;
  const load = (metric, step) => (signal) =>
    !cmd || !step
      ? Promise.resolve(null)
      : api('/api/series', { params: { metric: `${metric}{cmd="${cmd.replace(/["\\]/g, '\\$&')}"}`, node, ...resolveRange(range), step, agg: 'max' }, signal });
  const every = range.live ? 10_000 : undefined;
  const win = useLoad(load('valkey_command_window_latency_seconds', stepWindow), [cmd, node, rangeKey, stepWindow], { everyMs: every });
  const reset = useLoad(load('valkey_command_latency_seconds', stepReset), [cmd, node, rangeKey, stepReset], { everyMs: every });
  const names = [...new Set([...commands.map((c) => c.cmd), ...(cmd ? [cmd] : [])])].sort();
  const chart = (res, title, metric, hint, empty) => {
    const c = commandLatencyChart(res.data);
    return html`<${Chart} title=${title} metric=${metric} unit="seconds" kind="gauge" data=${c.data} series=${c.series} height=${170}
      loading=${res.loading || !res.data} error=${res.error} hint=${hint} emptyText=${empty} syncKey="latency-cmd"
      onPick=${(ts, i) => c.series[i] && onPick(c.series[i].node, ts)} />`;
  };
  return html`<div class="lat-cmd" ref=${box} data-testid="lat-cmd" data-cmd=${cmd}>
    <div class="ctl-group lat-cmd-pick">
      <span class="ctl-label">Command</span>
      <select value=${cmd} onChange=${(e) => setParams({ cmd: e.currentTarget.value }, { replace: true })} data-testid="lat-cmd-select">
        ${names.length === 0 ? html`<option value="">no command seen yet</option>` : null}
        ${names.map((n) => html`<option value=${n}>${n}</option>`)}
      </select>
      <span class="muted">or click a row of the command statistics below</span>
    </div>
    ${cmd
      ? html`<div class="charts">
          ${chart(win, `${cmd}: per collection window (p50 / p99 / p99.9)`, 'valkey_command_window_latency_seconds',
            'From LATENCY HISTOGRAM: the percentiles of the calls in each collection window (Valkey 8+ and Redis 7+ keep per-command histograms)',
            'No histogram windows for this command in this range (the server may not keep LATENCY HISTOGRAM, or the command was not called)')}
          ${chart(reset, `${cmd}: since the stats were reset`, 'valkey_command_latency_seconds',
            'From INFO latencystats: the percentiles over every call since CONFIG RESETSTAT or the server start',
            'No latencystats for this command in this range (latency-tracking may be off)')}
        </div>`
      : html`<${Empty} title="No command statistics yet">Commands appear here once the servers have served some.</${Empty}>`}
  </div>`;
}

function StatsTable({ res, sort, selected }) {
  const { data, error } = res;
  if (!data) {
    if (error) return html`<${ErrorBox} error=${error} />`;
    return html`<${Loading} what="Loading command statistics" />`;
  }
  if (data.commands.length === 0) return html`<${Empty} title="No commands in this range">The servers reported no command calls in this range.</${Empty}>`;
  const rows = sortRows(data.commands, sort.key, sort.desc);
  const fmt = (k, v) => (k === 'usecPerCall' ? formatMicros(v) : formatNumber(v));
  return html`${error ? html`<${ErrorBox} error=${error} stale />` : null}
    <div class="cl-table-box lat-table-box"><table class="grid lat-stats" data-testid="lat-stats">
      <thead><tr>${COMMANDSTATS_COLUMNS.map((c) => html`<th class=${'sortable' + (c.key === 'cmd' ? '' : ' num')} title=${c.title ?? ''} data-sort=${c.key}
        aria-sort=${sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : undefined}
        onClick=${() => setParams({ sort: nextSort(sort, c) }, { replace: true })}>${c.label}${sort.key === c.key ? (sort.desc ? ' ▾' : ' ▴') : ''}</th>`)}</tr></thead>
      <tbody>${rows.slice(0, TABLE_ROWS).map((r) => html`<tr class=${'lat-stats-row' + (r.cmd === selected ? ' selected' : '')} data-testid="lat-stats-row" data-cmd=${r.cmd}
          onClick=${() => setParams({ cmd: r.cmd }, { replace: true })} title="Show this command's latency above">
        ${COMMANDSTATS_COLUMNS.map((c) => (c.key === 'cmd' ? html`<td class="mono">${r.cmd}</td>` : html`<td class="num">${fmt(c.key, r[c.key])}</td>`))}
      </tr>`)}</tbody>
    </table></div>
    ${rows.length > TABLE_ROWS ? html`<div class="muted">The first ${TABLE_ROWS} of ${rows.length} commands in this order.</div>` : null}`;
}

function ErrorsTable({ res }) {
  const { data } = res;
  if (!data) return null;
  const errors = sortRows(data.errors ?? [], 'perSec', true);
  if (errors.length === 0) return html`<div class="muted" data-testid="lat-errors-empty">No error replies in this range.</div>`;
  return html`<table class="grid lat-errors" data-testid="lat-errors">
    <thead><tr><th>Error</th><th class="num">per second</th></tr></thead>
    <tbody>${errors.map((e) => html`<tr data-testid="lat-error-row" data-error=${e.error}><td class="mono">${e.error}</td><td class="num">${formatNumber(e.perSec)}</td></tr>`)}</tbody>
  </table>`;
}
