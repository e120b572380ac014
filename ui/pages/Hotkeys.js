// The Hot keys page: start a detection run (method, its cost, duration, top), follow it, read any stored run's keys per metric cluster-wide or per node, and a key's history across runs.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { Link, href, setParams } from '../lib/route.js';
import { useConfirmDialog, useLoad, useTick } from '../lib/hooks.js';
import { formatAgo, formatBytes, formatSeconds, formatTime } from '../lib/format.js';
import {
  READ_ONLY_METHODS, formatDetailValue, formatHotValue, groupByNode, historySeries, humanizeField, loadRun, methodLabel, metricInfo, metricsIn, rankClusterWide,
} from '../lib/hotkeys.js';
import { Chart, trimZeros } from '../components/Chart.js';
import { KeyText } from '../components/KeyText.js';
import { ShareBar, pct } from '../components/ShareBar.js';
import { Empty, ErrorBox, Loading } from '../components/States.js';

/** Rows put in the DOM per table; a run keeps up to `top` keys per node and metric, and a cluster can have many nodes. */
const TABLE_ROWS = 500;
const HISTORY_ROWS = 50;
const MAX_DURATION_S = 300;

const isHex = (s) => !!s && s.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(s);
const runIdOf = (s) => (/^\d+$/.test(s ?? '') && Number(s) > 0 ? Number(s) : undefined);
/** Nodes a run would look at: reachable primaries and standalone servers (replicas hold copies of the same keys). */
const targetsOf = (nodes) => (nodes ?? []).filter((n) => n.state === 'up' && n.role !== 'replica');

export function Hotkeys({ route }) {
  const p = route.params;
  const runParam = runIdOf(p.get('run'));
  const keyHex = isHex(p.get('key')) ? p.get('key').toLowerCase() : undefined;
  const view = p.get('view') === 'node' ? 'node' : 'cluster';

  const nodes = useLoad((signal) => api('/api/nodes', { signal }), [], { everyMs: 10_000 });
  // The method auto picks depends on which nodes are up and what they can do: ask again when that changes.
  const nodeSig = (nodes.data?.nodes ?? []).map((n) => `${n.address}/${n.state}/${n.role}/${(n.capabilities ?? []).length}`).join(',');
  const [kick, setKick] = useState(0);
  const refresh = () => setKick((k) => k + 1);
  // Polled every second while a run is in progress; otherwise only once just after a scheduled run should have started.
  const status = useLoad((signal) => api('/api/hotkeys/status', { signal }), [nodeSig, kick], {
    everyMs: (data, error) => {
      if (error) return 5000;
      if (data?.run?.state === 'running') return 1000;
      const next = data?.schedule?.next;
      return next ? Math.min(3_600_000, Math.max(1000, next - Date.now() + 1000)) : undefined;
    },
  });
  const progress = status.data?.run;
  const running = progress?.state === 'running';
  // The runs list is read again when a run ends (it then has an id), so the new run appears and becomes the default.
  const runsKey = progress ? `${progress.started}/${progress.state}/${progress.id ?? ''}` : '';
  const runs = useLoad((signal) => api('/api/hotkeys/runs', { params: { limit: 50 }, signal }), [runsKey]);
  const runId = runParam ?? runs.data?.runs?.[0]?.id;
  const run = useLoad(() => (runId ? loadRun(runId) : Promise.resolve(null)), [runId]);

  const [form, setForm] = useState({ method: 'auto', durationS: 30, top: 100 });
  const [confirming, setConfirming] = useState(false);
  const [action, setAction] = useState({ busy: false, error: undefined });
  const targets = targetsOf(nodes.data?.nodes);
  const chosen = form.method === 'auto' ? status.data?.auto : form.method;

  const start = async () => {
    setAction({ busy: true });
    try {
      await api('/api/hotkeys/runs', { method: 'POST', body: { method: form.method, durationS: Number(form.durationS), top: Number(form.top) } });
      setAction({ busy: false });
      // Show the new run when it ends: the default is the newest run.
      if (runParam) setParams({ run: null });
    } catch (e) {
      setAction({ busy: false, error: e });
    }
    setConfirming(false);
    refresh();
  };
  // Every method except the ones that only read the server's own results asks first, with its cost in view.
  const requestStart = () => (READ_ONLY_METHODS.has(chosen) ? start() : setConfirming(true));
  const cancel = async () => {
    setAction({ busy: true });
    try {
      await api('/api/hotkeys/runs/current', { method: 'DELETE' });
      setAction({ busy: false });
    } catch (e) {
      setAction({ busy: false, error: e });
    }
    refresh();
  };

  const noRuns = runs.data && runs.data.runs.length === 0 && !runParam;
  return html`<section class="page hotkeys-page" data-testid="hotkeys">
    <div class="page-head">
      <h1>Hot keys</h1>
      <span class="muted">which keys take the servers' time, network and accesses</span>
    </div>
    <${StartCard} status=${status} nodes=${nodes} targets=${targets} form=${form} setForm=${setForm} chosen=${chosen}
      action=${action} onStart=${requestStart} onCancel=${cancel} onScheduled=${refresh} />
    <div class="hk-layout">
      <div class="hk-main">
        ${keyHex ? html`<${KeyHistory} key=${keyHex} hex=${keyHex} version=${runsKey} />` : null}
        ${noRuns
          ? html`<${Empty} title="No hot-key runs yet">
              A run watches the servers for a while and keeps the keys that took the most CPU time, network or accesses, with their type,
              TTL, memory and slot; every run is stored, so you can come back to it and see when a key was hot.
              ${status.data && targets.length > 0 && !running ? html`<div class="hk-empty-start"><button type="button" class="primary" data-testid="hk-empty-start" onClick=${requestStart}>Start a ${form.durationS} s run</button></div>` : null}
            </${Empty}>`
          : html`<${RunView} runs=${runs} run=${run} runId=${runId} view=${view} metricParam=${p.get('metric')} keyHex=${keyHex} />`}
      </div>
      <aside class="hk-side">
        <${RunsList} runs=${runs} selected=${runId} />
      </aside>
    </div>
    ${confirming
      ? html`<${ConfirmStart} method=${chosen} cost=${status.data?.costs?.[chosen] ?? (chosen === status.data?.auto ? status.data?.cost : undefined)} form=${form} targets=${targets}
          busy=${action.busy} onClose=${() => setConfirming(false)} onConfirm=${start} />`
      : null}
  </section>`;
}

/** What auto would use and why, its cost, the inputs of a run, and the run in progress. */
function StartCard({ status, nodes, targets, form, setForm, chosen, action, onStart, onCancel, onScheduled }) {
  const { data, error } = status;
  if (!data) {
    if (error) return html`<${ErrorBox} error=${error}>Hot-key detection status (<code>/api/hotkeys/status</code>) is unavailable; retrying every 5 s.</${ErrorBox}>`;
    return html`<${Loading} what="Loading hot-key detection status" />`;
  }
  const progress = data.run;
  const running = progress?.state === 'running';
  const list = nodes.data?.nodes;
  let noNodes = null;
  if (list && targets.length === 0)
    noNodes = html`<${Empty} title=${list.length === 0 ? 'No nodes yet' : 'No node to look at'}>
      ${list.length === 0
        ? 'Skyscope has not discovered any server yet: start it with a redis:// or rediss:// URL of any node, or see the overview for connection errors.'
        : 'Every primary or standalone server is down or still connecting; a run needs at least one reachable one.'}
      ${' '}<${Link} href="/">Open the overview</${Link}></${Empty}>`;
  const set = (k) => (e) => setForm({ ...form, [k]: e.currentTarget.value });
  const cost = data.costs?.[chosen] ?? (chosen === data.auto ? data.cost : undefined);
  return html`<div class="panel hk-start" data-testid="hk-start">
    <div class="hk-auto">
      <span class="ctl-label">Auto uses</span>
      <span data-testid="hk-auto" data-method=${data.auto}>${data.why && data.why !== data.auto ? data.why : methodLabel(data.auto)}</span>
    </div>
    ${(data.notes ?? []).map((n) => html`<div class="muted" data-testid="hk-note">${n}</div>`)}
    <${Schedule} schedule=${data.schedule} />
    <${ScheduleEditor} schedule=${data.schedule} form=${form} onSaved=${onScheduled} />
    ${cost
      ? html`<div class="hk-cost" data-testid="hk-cost"><strong>Cost${form.method === 'auto' ? '' : ` of ${methodLabel(chosen)}`}:</strong> ${cost}</div>`
      : chosen && !READ_ONLY_METHODS.has(chosen)
        ? html`<div class="hk-cost" data-testid="hk-cost">${methodLabel(chosen)} loads the server while it runs.</div>`
        : null}
    <form class="hk-form" onSubmit=${(e) => {
      e.preventDefault();
      onStart();
    }}>
      <label class="ctl-group"><span class="ctl-label">Method</span>
        <select value=${form.method} onChange=${set('method')} data-testid="hk-method" disabled=${running}>
          <option value="auto">auto (${methodLabel(data.auto)})</option>
          ${(data.available ?? []).map((m) => html`<option value=${m}>${methodLabel(m)}</option>`)}
        </select>
      </label>
      <label class="ctl-group"><span class="ctl-label">Duration</span>
        <input type="number" min="1" max=${MAX_DURATION_S} step="1" required value=${form.durationS} onInput=${set('durationS')} data-testid="hk-duration" class="hk-num" disabled=${running} /> s
      </label>
      <label class="ctl-group" title="Keys kept per node and metric"><span class="ctl-label">Top</span>
        <input type="number" min="1" max="1000" step="1" required value=${form.top} onInput=${set('top')} data-testid="hk-top" class="hk-num" disabled=${running} /> keys
      </label>
      <button type="submit" class="primary" data-testid="hk-start-btn" disabled=${running || action.busy || (list && targets.length === 0)}>Start</button>
      ${status.loading ? html`<span class="spinner small"></span>` : null}
    </form>
    ${noNodes}
    ${running ? html`<${Progress} run=${progress} onCancel=${onCancel} busy=${action.busy} />` : html`<${LastRun} run=${progress} />`}
    <${ErrorBox} error=${action.error} />
    ${data && error ? html`<${ErrorBox} error=${error} stale />` : null}
  </div>`;
}

/** The unattended runs, when a schedule is set (--hotkeys-every or the API). */
function Schedule({ schedule: s }) {
  if (!s?.everyMs) return null;
  return html`<div class="muted" data-testid="hk-schedule">
    Scheduled: ${s.method === 'auto' ? 'auto' : methodLabel(s.method)} for ${s.durationS} s every ${trimZeros(formatSeconds(s.everyMs / 1000))}${s.next ? `, next at ${formatTime(s.next / 1000)}` : ''}${s.last?.outcome === 'skipped' ? ` (the last one was skipped: ${s.last.reason ?? 'no reason given'})` : ''}.
  </div>`;
}

const SCHEDULE_CHOICES = [
  ['', 'off'],
  ['900', 'every 15 min'],
  ['3600', 'every hour'],
  ['21600', 'every 6 hours'],
  ['86400', 'every day'],
];

/** Repeats the run described by the form (method, duration, top) on a schedule, or turns the schedule off. */
function ScheduleEditor({ schedule, form, onSaved }) {
  const current = schedule?.everyMs ? String(schedule.everyMs / 1000) : '';
  const [every, setEvery] = useState(current);
  const [state, setState] = useState({ busy: false, error: undefined });
  useEffect(() => setEvery(current), [current]);
  if (schedule === null || schedule === undefined) return null;
  const save = async () => {
    setState({ busy: true });
    try {
      await api('/api/hotkeys/schedule', { method: 'PUT', body: { everyS: every === '' ? null : Number(every), method: form.method, durationS: Number(form.durationS), top: Number(form.top) } });
      setState({ busy: false });
      onSaved();
    } catch (e) {
      setState({ busy: false, error: e });
    }
  };
  return html`<div class="hk-schedule-edit" data-testid="hk-schedule-edit">
    <label>Repeat this run <select value=${every} onChange=${(e) => setEvery(e.currentTarget.value)} data-testid="hk-schedule-every">
      ${SCHEDULE_CHOICES.map(([v, label]) => html`<option value=${v}>${label}</option>`)}
    </select></label>
    <button type="button" onClick=${save} disabled=${state.busy || (every === current && every === '')} data-testid="hk-schedule-save">Save schedule</button>
    <span class="muted">kept until Skyscope stops (<code>--hotkeys-every</code> sets one at start)</span>
    ${state.error ? html`<span class="bad" data-testid="hk-schedule-error">${state.error.message}</span>` : null}
  </div>`;
}

function Progress({ run, onCancel, busy }) {
  // Elapsed time moves between the 1 s polls.
  useTick(250);
  const elapsed = Math.max(0, Math.min(run.durationS, (Date.now() - run.started) / 1000));
  const over = elapsed >= run.durationS;
  return html`<div class="hk-progress" data-testid="hk-progress" data-method=${run.method}>
    <span class="spinner"></span>
    <strong>${methodLabel(run.method)}</strong>
    <span class="muted">on ${run.nodes.length} node${run.nodes.length === 1 ? '' : 's'}</span>
    <span class="mono hk-progress-nodes" title=${run.nodes.join('\n')}>${run.nodes.join(', ')}</span>
    <span class="hk-bar"><span style=${`width:${(elapsed / run.durationS) * 100}%`}></span></span>
    <span class="num" data-testid="hk-elapsed">${over ? 'reading key details…' : `${Math.floor(elapsed)} s / ${run.durationS} s`}</span>
    <button type="button" onClick=${onCancel} disabled=${busy} data-testid="hk-cancel" title="Stop now; what was found so far is kept">Cancel</button>
  </div>`;
}

/** How the last run ended, when that needs saying (a successful run speaks through its results). */
function LastRun({ run }) {
  if (!run || (run.state === 'done' && !run.error)) return null;
  const link = run.id ? html` <${Link} href=${href('/hotkeys', { run: run.id })}>run ${run.id}</${Link}>` : null;
  if (run.state === 'failed') return html`<div class="state error" role="alert" data-testid="hk-last"><strong>The last run failed: ${run.error ?? 'no reason given'}</strong>${link ? html`<div class="hint">What it found is in${link}.</div>` : null}</div>`;
  if (run.state === 'cancelled') return html`<div class="muted hk-last" data-testid="hk-last">The last run was cancelled; what it found so far is saved as${link ?? ' a run'}.</div>`;
  return html`<div class="warn hk-last" data-testid="hk-last">The last run${link} missed some nodes: ${run.error}</div>`;
}

function ConfirmStart({ method, cost, form, targets, busy, onClose, onConfirm }) {
  const yes = useConfirmDialog(onClose);
  return html`<div class="modal-back" onClick=${onClose}>
    <div class="modal confirm-modal" role="dialog" aria-modal="true" aria-label="Start a hot-key run" data-testid="hk-confirm" onClick=${(e) => e.stopPropagation()}>
      <h2>Run ${methodLabel(method)} for ${form.durationS} s?</h2>
      <p data-testid="hk-confirm-cost">${cost ?? `${methodLabel(method)} loads the server while it runs.`}</p>
      ${targets.length ? html`<p>On ${targets.length} node${targets.length === 1 ? '' : 's'}:</p><ul class="mono confirm-list">${targets.map((n) => html`<li>${n.address}</li>`)}</ul>` : null}
      <p class="muted">Cancel stops it at once; what it found so far is kept.</p>
      <div class="confirm-actions">
        <button type="button" onClick=${onClose} disabled=${busy}>Cancel</button>
        <button type="button" class="primary" ref=${yes} onClick=${onConfirm} disabled=${busy} data-testid="hk-confirm-yes">${busy ? 'Starting…' : 'Start'}</button>
      </div>
    </div>
  </div>`;
}

/** Stored runs, newest first; a click shows one (its id goes in the URL, so the view can be shared). */
function RunsList({ runs, selected }) {
  const { data, error } = runs;
  // Keeps the metric, view and open key: comparing runs is the point of picking another one.
  const pick = (e, id) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    setParams({ run: id });
  };
  let body;
  if (!data) body = error ? html`<${ErrorBox} error=${error} />` : html`<${Loading} what="Loading runs" />`;
  else if (data.runs.length === 0) body = html`<div class="muted">None in the last 7 days.</div>`;
  else
    body = html`<table class="grid hk-runs" data-testid="hk-runs">
      <thead><tr><th>Run</th><th>Started</th><th>Method</th><th class="num">Keys</th></tr></thead>
      <tbody>
        ${data.runs.map((r) => html`<tr key=${r.id} class=${r.id === selected ? 'selected' : ''} data-testid="hk-run-row" data-run=${r.id} data-status=${r.status}
            onClick=${(e) => pick(e, r.id)}>
          <td><a href=${href('/hotkeys', { run: r.id })} onClick=${(e) => pick(e, r.id)}>${r.id}</a></td>
          <td class="nowrap" title=${`${formatTime(r.started, { date: 'always' })}, ${formatAgo(r.started)}`}>${formatTime(r.started)}</td>
          <td>${methodLabel(r.method)}${r.status !== 'ok' ? html` <span class=${r.status === 'failed' ? 'bad' : 'warn'}>${r.status}</span>` : null}${r.trigger === 'schedule' ? html` <span class="badge">scheduled</span>` : null}</td>
          <td class="num">${r.keys}</td>
        </tr>`)}
      </tbody>
    </table>`;
  return html`<div class="hk-runs-box">
    <h2>Runs <span class="muted">last 7 days</span></h2>
    ${data ? html`<${ErrorBox} error=${error} stale />` : null}
    ${body}
  </div>`;
}

/** The selected run: what it was, its keys for one metric (cluster-wide or per node) and what it cost. */
function RunView({ runs, run, runId, view, metricParam, keyHex }) {
  if (!runId) {
    if (runs.error) return html`<${ErrorBox} error=${runs.error} />`;
    return html`<${Loading} what="Loading runs" />`;
  }
  const r = run.data;
  if (!r || r.id !== runId) {
    if (run.error) return html`<${ErrorBox} error=${run.error}><${Link} href="/hotkeys">Show the newest run</${Link}></${ErrorBox}>`;
    return html`<${Loading} what=${`Loading run ${runId}`} />`;
  }
  const metrics = metricsIn(r.rows);
  const metric = metrics.includes(metricParam) ? metricParam : metrics[0];
  const info = metricInfo(metric);
  const errors = r.detail?.errors && typeof r.detail.errors === 'object' && !Array.isArray(r.detail.errors) ? Object.entries(r.detail.errors) : [];
  return html`<div class="hk-run" data-testid="hk-run" data-run=${r.id} data-status=${r.status}>
    <div class="hk-run-head">
      <h2><${Link} href=${href('/hotkeys', { run: r.id })} data-testid="hk-run-link" title="A link to this run">Run ${r.id}</${Link}></h2>
      <span>${methodLabel(r.method)}</span>
      <span class=${r.status === 'ok' ? 'good' : r.status === 'failed' ? 'bad' : 'warn'} data-testid="hk-run-status">${r.status}</span>
      <span class="muted">${formatTime(r.started, { date: 'always' })} (${formatAgo(r.started)}) · ${formatSeconds(r.finished - r.started)} · ${r.trigger}</span>
    </div>
    ${errors.map(([node, msg]) => html`<div class="state error" role="alert"><strong><span class="mono">${node}</span>: ${String(msg)}</strong></div>`)}
    ${r.rows.length === 0
      ? html`<${Empty} title="This run found no keys">
          No command touched a key while it ran${errors.length ? ', or the nodes above could not be looked at' : ''}. Start another run while the workload is on.
        </${Empty}>`
      : html`<div class="hk-controls">
            <span class="ctl-group view-toggle metric-pick" data-testid="hk-metrics">
              <span class="ctl-label">metric</span>
              ${metrics.map((m) => html`<button type="button" class=${m === metric ? 'on' : ''} data-metric=${m} title=${metricInfo(m).unitText}
                onClick=${() => setParams({ metric: m === metrics[0] ? null : m }, { replace: true })}>${metricInfo(m).label}</button>`)}
            </span>
            <span class="ctl-group view-toggle" data-testid="hk-view">
              <button type="button" class=${view === 'cluster' ? 'on' : ''} data-view="cluster" title="Every node's keys in one ranking"
                onClick=${() => setParams({ view: null }, { replace: true })}>cluster-wide</button>
              <button type="button" class=${view === 'node' ? 'on' : ''} data-view="node" title="One ranking per node"
                onClick=${() => setParams({ view: 'node' }, { replace: true })}>per node</button>
            </span>
            <span class="muted">${info.unitText}</span>
          </div>
          <${KeyTables} rows=${r.rows} metric=${metric} view=${view} keyHex=${keyHex} />`}
    <${RunDetail} detail=${r.detail} />
  </div>`;
}

function KeyTables({ rows, metric, view, keyHex }) {
  const ranked = useMemo(() => (view === 'cluster' ? rankClusterWide(rows, metric) : null), [rows, metric, view]);
  const groups = useMemo(() => (view === 'node' ? groupByNode(rows, metric) : null), [rows, metric, view]);
  if (ranked) return html`<${KeyTable} rows=${ranked} metric=${metric} shareOf="cluster" keyHex=${keyHex} />`;
  return html`<div class="hk-groups">
    ${groups.map((g) => html`<div class="hk-group" data-testid="hk-node-group" data-node=${g.node}>
      <h3 class="mono">${g.node} <span class="muted">${g.rows.length} key${g.rows.length === 1 ? '' : 's'}</span></h3>
      <${KeyTable} rows=${g.rows} metric=${metric} shareOf="node" keyHex=${keyHex} />
    </div>`)}
  </div>`;
}

function KeyTable({ rows, metric, shareOf, keyHex }) {
  const open = (hex) => setParams({ key: hex === keyHex ? null : hex });
  return html`<div class="table-scroll">
    <table class="grid hk-table" data-testid="hk-table" data-metric=${metric}>
      <thead><tr>
        <th class="num">#</th><th>Key</th><th class="num">Value</th><th>Share of ${shareOf}</th>
        <th>Type</th><th class="num">TTL</th><th class="num">Memory</th><th class="num">Slot</th><th>Node</th>
      </tr></thead>
      <tbody>
        ${rows.slice(0, TABLE_ROWS).map((r) => html`<tr key=${`${r.node}|${r.key.hex}`} class=${r.key.hex === keyHex ? 'selected' : ''}
            data-testid="hk-row" data-hex=${r.key.hex} data-rank=${r.rank} data-node=${r.node ?? ''}>
          <td class="num muted">${r.rank}</td>
          <td class="hk-key-cell">
            <button type="button" class="link hk-key" data-testid="hk-key" onClick=${() => open(r.key.hex)} aria-label=${`History of key ${r.key.text}`}><${KeyText} k=${r.key} /></button>
          </td>
          <td class="num" title=${r.error === null || r.error === undefined ? 'Exact' : `An estimate; at least ${formatHotValue(metric, r.value - r.error)} (value − error is a lower bound)`}>
            ${formatHotValue(metric, r.value)}${r.error > 0 ? html` <span class="muted hk-err" data-testid="hk-err">± ${formatHotValue(metric, r.error)}</span>` : null}
          </td>
          <td class="share-cell"><${ShareBar} share=${r.share} /></td>
          <td>${r.type ?? html`<span class="muted">–</span>`}</td>
          <td class="num" title=${r.ttlMs === null ? 'No expiry (or unknown)' : ''}>${r.ttlMs === null ? html`<span class="muted">–</span>` : formatSeconds(r.ttlMs / 1000)}</td>
          <td class="num">${formatBytes(r.memoryBytes)}</td>
          <td class="num">${r.slot === null || r.slot === undefined ? html`<span class="muted">–</span>` : html`<${Link} href=${href('/slots', { slots: r.slot })} title="This slot on the cluster page">${r.slot}</${Link}>`}</td>
          <td class="mono nowrap">${r.node ?? html`<span title=${r.nodes.join('\n')}>${r.nodes.length} nodes</span>`}</td>
        </tr>`)}
      </tbody>
    </table>
    ${rows.length > TABLE_ROWS ? html`<div class="muted sql-more">Showing the first ${TABLE_ROWS} of ${rows.length} keys; the per-node view splits them up.</div>` : null}
  </div>`;
}

/**
 * What the run cost and found besides keys, as the server reports it: plain fields, a table per node, hot slots.
 * Rendered from whatever fields there are, so a new method's figures show without a UI change.
 */
function RunDetail({ detail }) {
  if (!detail || typeof detail !== 'object') return null;
  const { nodes, errors, hotSlots, ...rest } = detail;
  const plain = Object.entries(rest).filter(([, v]) => v === null || typeof v !== 'object' || Object.values(v).every((x) => x === null || typeof x !== 'object'));
  const nested = Object.entries(rest).filter(([k]) => !plain.some(([p]) => p === k));
  const perNode = nodes && typeof nodes === 'object' ? Object.entries(nodes).sort(([a], [b]) => (a < b ? -1 : 1)) : [];
  const cols = [...new Set(perNode.flatMap(([, c]) => (c && typeof c === 'object' ? Object.keys(c) : [])))];
  return html`<div class="hk-detail" data-testid="hk-detail">
    <h3>What this run cost</h3>
    <div class="hk-facts">
      ${plain.map(([k, v]) => html`<span data-field=${k}><span class="muted">${humanizeField(k)}</span> ${formatDetailValue(k, v)}</span>`)}
    </div>
    ${perNode.length
      ? html`<div class="table-scroll"><table class="grid hk-cost-table" data-testid="hk-cost-table">
          <thead><tr><th>Node</th>${cols.map((c) => html`<th title=${c}>${humanizeField(c)}</th>`)}</tr></thead>
          <tbody>${perNode.map(([node, c]) => html`<tr data-node=${node}>
            <td class="mono nowrap">${node}</td>
            ${c && typeof c === 'object' ? cols.map((k) => html`<td class="hk-cost-cell">${formatDetailValue(k, c[k])}</td>`) : html`<td colspan=${cols.length || 1}>${formatDetailValue('', c)}</td>`}
          </tr>`)}</tbody>
        </table></div>`
      : null}
    ${Array.isArray(hotSlots) && hotSlots.length ? html`<${HotSlotList} slots=${hotSlots} />` : null}
    ${nested.map(([k, v]) => html`<div class="hk-nested" data-field=${k}><span class="muted">${humanizeField(k)}</span> <code>${formatDetailValue(k, v)}</code></div>`)}
  </div>`;
}

/** The slots a two-phase run looked into, each opening the cluster page on that slot. */
function HotSlotList({ slots }) {
  return html`<div class="hk-hot-slots" data-testid="hk-hot-slots">
    <span class="muted">hot slots</span>
    ${slots.map((s) => {
      const { slot, node, dimension, score, ...more } = s ?? {};
      const extra = Object.entries(more).map(([k, v]) => `${humanizeField(k)} ${formatDetailValue(k, v)}`).join(', ');
      return html`<span class="chip" title=${extra}>
        <${Link} href=${href('/slots', { slots: slot })} data-testid="hk-hot-slot" data-slot=${slot}>slot ${slot}</${Link}>
        ${node ? html`<span class="mono muted">${node}</span>` : null}
        ${dimension || score !== undefined ? html`<span class="muted">${[dimension, score !== undefined ? formatDetailValue('score', score) : ''].filter(Boolean).join(' ')}</span>` : null}
      </span>`;
    })}
  </div>`;
}

/** One key across every stored run of the last 7 days: a chart per metric once there are two runs, and the points as a table. */
function KeyHistory({ hex, version }) {
  const box = useRef(null);
  const hist = useLoad((signal) => api('/api/hotkeys/history', { params: { key: hex }, signal }), [hex, version]);
  useEffect(() => box.current?.scrollIntoView({ block: 'nearest' }), [hex]);
  const { data, error } = hist;
  const close = html`<button type="button" class="icon" onClick=${() => setParams({ key: null })} title="Close" aria-label="Close the key history">×</button>`;
  let body;
  if (!data) body = error ? html`<${ErrorBox} error=${error} />` : html`<${Loading} what="Loading the key's history" />`;
  else if (data.points.length === 0)
    body = html`<${Empty} title="Not in any run of the last 7 days">A run keeps only the top keys of each node; this key was not among them.</${Empty}>`;
  else
    body = metricsIn(data.points).map((m) => {
      const info = metricInfo(m);
      const pts = data.points.filter((x) => x.metric === m).sort((a, b) => b.ts - a.ts || (a.node < b.node ? -1 : 1));
      const s = historySeries(data.points, m, info.chart.factor);
      return html`<div class="hk-hist-metric" data-testid="hk-hist-metric" data-metric=${m}>
        ${s.data[0].length >= 2
          ? html`<${Chart} title=${`${info.title} per run`} metric=${`hotkey-${m}`} unit=${info.chart.unit} kind=${info.chart.kind} data=${s.data}
              series=${s.nodes.map((n) => ({ label: n }))} height=${130} legend=${s.nodes.length > 1} />`
          : html`<h3>${info.title}</h3>`}
        <table class="grid hk-hist-table" data-testid="hk-hist-table">
          <thead><tr><th>Time</th><th>Run</th><th>Node</th><th class="num">Value</th><th class="num">Rank</th><th class="num">Share</th><th>Method</th></tr></thead>
          <tbody>${pts.slice(0, HISTORY_ROWS).map((x) => html`<tr data-testid="hk-hist-row" data-run=${x.runId}>
            <td class="mono nowrap">${formatTime(x.ts, { date: 'always' })}</td>
            <td><${Link} href=${href('/hotkeys', { run: x.runId, key: hex, metric: m })}>${x.runId}</${Link}></td>
            <td class="mono nowrap">${x.node}</td>
            <td class="num">${formatHotValue(m, x.value)}${x.error > 0 ? html` <span class="muted">± ${formatHotValue(m, x.error)}</span>` : null}</td>
            <td class="num">${x.rank}</td>
            <td class="num">${pct(x.share)}</td>
            <td>${methodLabel(x.method)}</td>
          </tr>`)}</tbody>
        </table>
        ${pts.length > HISTORY_ROWS ? html`<div class="muted">The newest ${HISTORY_ROWS} of ${pts.length} points.</div>` : null}
      </div>`;
    });
  return html`<div class="panel hk-history" data-testid="hk-history" data-hex=${hex} ref=${box}>
    <div class="hk-history-head">
      <strong>Key history</strong>
      ${data ? html`<${KeyText} k=${data.key} /> <span class="muted">${data.key.bytes} byte${data.key.bytes === 1 ? '' : 's'} · ${data.points.length} point${data.points.length === 1 ? '' : 's'}, last 7 days</span>` : null}
      <span class="spacer"></span>
      ${close}
    </div>
    ${data && (data.key.binary || data.key.truncated) ? html`<div class="mono muted hk-hex" title="The key's exact bytes">hex ${data.key.hex}</div>` : null}
    ${data && error ? html`<${ErrorBox} error=${error} stale />` : null}
    ${body}
  </div>`;
}
