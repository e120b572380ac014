// The spike correlation panel: what else happened on one node around a moment (command log, latency events, node events, traffic and CPU by command against the minutes before).
import { useEffect, useRef } from 'preact/hooks';
import { html } from '../lib/html.js';
import { api, getCatalog } from '../lib/api.js';
import { Link, setParams } from '../lib/route.js';
import { useLoad } from '../lib/hooks.js';
import { formatTime, formatValue, formatNumber } from '../lib/format.js';
import { changeRatio, commandlogHref, dashboardHref, formatChange, formatLogValue, formatMicros, formatMillis, logTypeLabel } from '../lib/latency.js';
import { CommandLine } from './CommandLine.js';
import { EventBadge } from './EventTimeline.js';
import { ErrorBox, Loading } from './States.js';

/** Seconds after the moment the panel looks at: a spike's causes come before it, its effects just after. */
const AFTER = 10;
const WINDOWS = [
  { before: 60, label: '1 min before' },
  { before: 300, label: '5 min before' },
  { before: 900, label: '15 min before' },
];

/** corr: {node, ts, before} from the URL (readCorrelation). */
export function CorrelationPanel({ corr }) {
  const box = useRef(null);
  const { node, ts, before } = corr;
  const res = useLoad((signal) => api('/api/correlate', { params: { node, ts, before, after: AFTER }, signal }), [node, ts, before]);
  const catalog = useLoad(() => getCatalog(), []);
  useEffect(() => box.current?.scrollIntoView({ block: 'nearest' }), [node, ts]);
  const close = () => setParams({ corr: null, corrNode: null, corrBefore: null });
  useEffect(() => {
    const onKey = (e) => e.key === 'Escape' && !e.target.closest?.('input, textarea, select') && close();
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
  const { data, error } = res;
  let body;
  if (!data) body = error ? html`<${ErrorBox} error=${error}>The correlation view could not be read; close it and try again, or pick another point.</${ErrorBox}>` : html`<${Loading} what="Looking at what else happened" />`;
  else body = html`<div class="corr-grid">
    <${LogSection} data=${data} />
    <${LatencySection} list=${data.latency ?? []} />
    <${EventSection} list=${data.events ?? []} />
    <${TrafficSection} list=${data.traffic ?? []} catalog=${catalog.data} />
    <${CommandSection} list=${data.commands ?? []} />
  </div>`;
  const from = data?.from ?? ts - before;
  const to = data?.to ?? ts + AFTER;
  return html`<div class="panel corr-panel" data-testid="corr-panel" data-node=${node} data-ts=${ts} ref=${box}>
    <div class="corr-head">
      <strong>What else happened on <span class="mono">${node}</span> at ${formatTime(ts, { date: 'always' })}</strong>
      <span class="muted">${formatTime(from, { date: 'never' })} – ${formatTime(to, { date: 'never' })}</span>
      <select value=${before} onChange=${(e) => setParams({ corrBefore: e.currentTarget.value === '60' ? null : e.currentTarget.value })} aria-label="How far back to look" data-testid="corr-window">
        ${WINDOWS.map((w) => html`<option value=${w.before}>${w.label}</option>`)}
      </select>
      <span class="spacer"></span>
      <${Link} href=${dashboardHref(node, ts)} data-testid="corr-dashboard">Dashboard at this moment</${Link}>
      <${Link} href=${commandlogHref(node, ts)}>Command log around it</${Link}>
      <button type="button" class="icon" onClick=${close} title="Close (Esc)" aria-label="Close the correlation panel">×</button>
    </div>
    ${data && error ? html`<${ErrorBox} error=${error} stale />` : null}
    ${body}
  </div>`;
}

function Section({ title, count, testid, children }) {
  return html`<section class="corr-section" data-testid=${testid}>
    <h3>${title}${count !== undefined ? html` <span class="muted">${count}</span>` : null}</h3>
    ${children}
  </section>`;
}

function LogSection({ data }) {
  const list = data.commandlog ?? [];
  const total = data.commandlogTotal ?? list.length;
  return html`<${Section} title="Command log" count=${total} testid="corr-commandlog">
    ${list.length === 0
      ? html`<div class="muted">No command log entries on this node in the window.</div>`
      : html`<div class="corr-scroll"><table class="grid corr-table">
          <tbody>${list.map((e) => html`<tr data-testid="corr-log-row" data-type=${e.type} data-cmd=${e.cmd}>
            <td class="mono nowrap">${formatTime(e.ts, { date: 'never' })}</td>
            <td class="nowrap"><span class=${'cl-type cl-t-' + e.type}>${logTypeLabel(e.type)}</span></td>
            <td class="num">${formatLogValue(e.value, e.unit)}</td>
            <td class="cl-cmd-cell"><${CommandLine} entry=${e} maxArgs=${6} /></td>
          </tr>`)}</tbody>
        </table></div>
        ${total > list.length ? html`<div class="muted">The first ${list.length} of ${total}; <${Link} href=${commandlogHref(data.node, (data.from + data.to) / 2, (data.to - data.from) / 2)}>see them all</${Link}>.</div>` : null}`}
  </${Section}>`;
}

function LatencySection({ list }) {
  return html`<${Section} title="Latency events" count=${list.length} testid="corr-latency">
    ${list.length === 0
      ? html`<div class="muted">The latency monitor recorded nothing on this node in the window (or it is off).</div>`
      : html`<div class="corr-scroll"><table class="grid corr-table"><tbody>${list.map((l) => html`<tr data-testid="corr-latency-row" data-event=${l.event}>
          <td class="mono nowrap">${formatTime(l.ts, { date: 'never' })}</td><td class="mono">${l.event}</td><td class="num">${formatMillis(l.ms)}</td>
        </tr>`)}</tbody></table></div>`}
  </${Section}>`;
}

function EventSection({ list }) {
  return html`<${Section} title="Node events" count=${list.length} testid="corr-events">
    ${list.length === 0
      ? html`<div class="muted">No failover, restart, fork, role or config change on this node in the window.</div>`
      : html`<div class="corr-scroll"><table class="grid corr-table"><tbody>${list.map((e) => html`<tr data-testid="corr-event-row" data-type=${e.type}>
          <td class="mono nowrap">${formatTime(e.ts, { date: 'never' })}</td><td><${EventBadge} type=${e.type} /></td><td>${e.message}</td>
        </tr>`)}</tbody></table></div>`}
  </${Section}>`;
}

/** "valkey_net_input_bytes_total" -> "net input bytes". */
function shortMetric(name) {
  return String(name).replace(/^(valkey|skyscope)_/, '').replace(/_total$/, '').replace(/_/g, ' ');
}

function TrafficSection({ list, catalog }) {
  return html`<${Section} title="Traffic" testid="corr-traffic">
    ${list.length === 0
      ? html`<div class="muted">No samples for this node in the window.</div>`
      : html`<table class="grid corr-table">
          <thead><tr><th></th><th class="num">during</th><th class="num">10 min before</th><th class="num">change</th></tr></thead>
          <tbody>${list.map((t) => {
            const def = catalog?.byName.get(t.metric);
            const unit = t.unit ?? def?.unit;
            const kind = t.kind ?? def?.kind;
            const change = formatChange(changeRatio(t.during, t.baseline));
            return html`<tr data-testid="corr-traffic-row" data-metric=${t.metric}>
              <td title=${def?.description ?? t.metric}>${shortMetric(t.metric)}</td>
              <td class="num">${formatValue(t.during, unit, kind)}</td>
              <td class="num muted">${formatValue(t.baseline, unit, kind)}</td>
              <td class=${'num ' + (change.startsWith('×') || change.startsWith('+') ? 'warn' : '')}>${change}</td>
            </tr>`;
          })}</tbody>
        </table>`}
  </${Section}>`;
}

function CommandSection({ list }) {
  return html`<${Section} title="Commands by CPU time" testid="corr-commands">
    ${list.length === 0
      ? html`<div class="muted">No command statistics for this node in the window.</div>`
      : html`<table class="grid corr-table">
          <thead><tr><th>command</th><th class="num">µs/s during</th><th class="num">before</th><th class="num">change</th><th class="num">calls/s</th></tr></thead>
          <tbody>${list.map((c) => {
            const change = formatChange(changeRatio(c.usecPerSec, c.baselineUsecPerSec));
            return html`<tr data-testid="corr-command-row" data-cmd=${c.cmd}>
              <td class="mono">${c.cmd}</td>
              <td class="num" title=${formatMicros(c.usecPerSec) + ' of CPU per second'}>${formatNumber(c.usecPerSec)}</td>
              <td class="num muted">${formatNumber(c.baselineUsecPerSec)}</td>
              <td class=${'num ' + (change.startsWith('×') || change.startsWith('+') ? 'warn' : '')}>${change}</td>
              <td class="num">${formatNumber(c.callsPerSec)}</td>
            </tr>`;
          })}</tbody>
        </table>`}
  </${Section}>`;
}
