// The Command log page: slow commands, large requests and large replies from every node, filtered and paged (all in the URL), grouped by command or pattern, each entry linking to its moment.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { Link, setParams } from '../lib/route.js';
import { useLoad } from '../lib/hooks.js';
import { rangeFromParams, resolveRange } from '../lib/time.js';
import { formatAgo, formatNumber, formatTime } from '../lib/format.js';
import {
  LOG_TYPES, boundsNote, commandlogFilters, commandlogQuery, correlationParams, dashboardHref, entryKey, formatLogValue, groupsByType,
  logStatusNotes, logTypeLabel, mergePages, readCorrelation,
} from '../lib/latency.js';
import { cmpAddress } from '../lib/hotkeys.js';
import { RangePicker } from '../components/RangePicker.js';
import { UrlFilterInput } from '../components/UrlFilterInput.js';
import { CommandLine } from '../components/CommandLine.js';
import { CorrelationPanel } from '../components/Correlation.js';
import { Empty, ErrorBox, Loading } from '../components/States.js';

/** Entries per request (the API allows 1000). */
const PAGE = 200;
/** Rows put in the DOM: "load older" stops here and says so. */
const MAX_ROWS = 2000;

export function CommandLog({ route }) {
  const p = route.params;
  const range = rangeFromParams(p, '24h');
  const rangeKey = range.live ? range.id : `${range.from}-${range.to}`;
  const f = commandlogFilters(p);
  const corr = readCorrelation(p);
  // Everything that changes the answer except the range's moving end: a new key starts from the newest entries again.
  const { errors: boundErrors } = commandlogQuery(f, { from: 0, to: 0 });
  const filterKey = JSON.stringify([f.node, f.types, f.cmd, f.client, f.q, f.min, f.max]);
  const queryNow = () => commandlogQuery(f, resolveRange(range)).params;

  const nodes = useLoad((signal) => api('/api/nodes', { signal }), [], { everyMs: 15_000 });
  const status = useLoad((signal) => api('/api/commandlog/status', { signal }), [], { everyMs: 10_000 });

  const [older, setOlder] = useState({ key: '', pages: [], busy: false, error: undefined });
  const olderPages = older.key === filterKey + rangeKey ? older.pages : [];
  // Older pages belong to the filters they were read with: coming back to those filters starts from the newest again.
  useEffect(() => setOlder({ key: '', pages: [], busy: false }), [filterKey, rangeKey]);
  const first = useLoad((signal) => api('/api/commandlog', { params: { ...queryNow(), limit: PAGE }, signal }), [filterKey, rangeKey, f.group], {
    // A live range refreshes the newest page while only that page is shown; once older pages are read it stays put.
    everyMs: () => (range.live && f.group === 'none' && olderPages.length === 0 ? 10_000 : undefined),
  });
  const groups = useLoad(
    (signal) =>
      f.group === 'none' ? Promise.resolve(null) : api('/api/commandlog/groups', { params: { ...queryNow(), by: f.group }, signal }).then((r) => ({ ...r, by: f.group })),
    [filterKey, rangeKey, f.group],
    { everyMs: range.live ? 30_000 : undefined },
  );

  const pages = first.data ? [first.data, ...olderPages] : [];
  const entries = mergePages(pages);
  const next = pages.length ? pages[pages.length - 1].next : null;
  const loadOlder = async () => {
    const key = filterKey + rangeKey;
    setOlder({ key, pages: olderPages, busy: true });
    try {
      const r = await api('/api/commandlog', { params: { ...queryNow(), limit: PAGE, before: next } });
      setOlder({ key, pages: [...olderPages, r], busy: false });
    } catch (e) {
      setOlder({ key, pages: olderPages, busy: false, error: e });
    }
  };

  const allNodes = [...new Set([...(nodes.data?.nodes ?? []).map((n) => n.address), ...(status.data?.nodes ?? []).map((n) => n.node)])].sort(cmpAddress);
  const filtered = f.types.length || f.cmd || f.client || f.q || f.min || f.max || f.node !== 'all';
  const clear = () => setParams({ type: null, cmd: null, client: null, q: null, min: null, max: null, node: null }, { replace: true });
  const total = first.data?.total;
  const note = boundsNote(f);

  return html`<section class="page commandlog-page" data-testid="commandlog">
    <div class="page-head">
      <h1>Command log</h1>
      <span class="muted" data-testid="cl-count" data-total=${total ?? ''}>${first.data && f.group === 'none' ? `${formatNumber(total)} ${total === 1 ? 'entry' : 'entries'}${filtered ? ' match' : ''}` : ''}</span>
      <span class="spacer"></span>
      <${RangePicker} range=${range} />
    </div>
    <${LogStatus} status=${status} nodes=${nodes} />
    <div class="explore-filters cl-filters" data-testid="cl-filters">
      <label class="ctl-group"><span class="ctl-label">Node</span>
        <select value=${f.node} onChange=${(e) => setParams({ node: e.currentTarget.value === 'all' ? null : e.currentTarget.value }, { replace: true })} data-testid="cl-node">
          <option value="all">all nodes</option>
          ${f.node !== 'all' && !allNodes.includes(f.node) ? html`<option value=${f.node}>${f.node}</option>` : null}
          ${allNodes.map((n) => html`<option value=${n}>${n}</option>`)}
        </select>
      </label>
      <div class="ctl-group" role="group" aria-label="Entry types">
        <span class="ctl-label">Type</span>
        ${LOG_TYPES.map((t) => {
          const on = f.types.includes(t.type);
          const toggle = () => setParams({ type: (on ? f.types.filter((x) => x !== t.type) : [...f.types, t.type]).join(',') }, { replace: true });
          return html`<button type="button" class=${'chip cl-chip cl-t-' + t.type + (on ? ' on' : '')} aria-pressed=${on} onClick=${toggle} data-type=${t.type} title=${`Commands that ${t.what}`}>${t.label}</button>`;
        })}
      </div>
      <${UrlFilterInput} name="cmd" testid="cl-cmd" value=${f.cmd} label="Command" placeholder="get, config|get" width="120px" />
      <${UrlFilterInput} name="client" testid="cl-client" value=${f.client} label="Client" placeholder="address or name" width="140px" />
      <${UrlFilterInput} name="min" testid="cl-min" value=${f.min} label="Min" placeholder="10ms, 1MB" width="80px" error=${boundErrors.min} />
      <${UrlFilterInput} name="max" testid="cl-max" value=${f.max} label="Max" placeholder="" width="80px" error=${boundErrors.max} />
      <${UrlFilterInput} name="q" testid="cl-q" value=${f.q} label="Search" placeholder="text in the command line ( / )" width="220px" search />
      ${filtered ? html`<button type="button" class="link" onClick=${clear} data-testid="cl-clear">clear filters</button>` : null}
      <span class="spacer"></span>
      <div class="ctl-group view-toggle" role="group" aria-label="Group by" data-testid="cl-group">
        <span class="ctl-label">Group by</span>
        ${['none', 'command', 'pattern'].map((g) => html`<button type="button" class=${f.group === g ? 'on' : ''} data-group=${g}
          onClick=${() => setParams({ group: g === 'none' ? null : g }, { replace: true })}>${g}</button>`)}
      </div>
    </div>
    ${boundErrors.min || boundErrors.max ? html`<div class="bad cl-bound-error" role="alert">${boundErrors.min ?? boundErrors.max}</div>` : null}
    ${note ? html`<div class="muted cl-bound-note" data-testid="cl-bound-note">${note}</div>` : null}
    ${corr ? html`<${CorrelationPanel} corr=${corr} />` : null}
    ${f.group === 'none'
      ? html`<${Entries} first=${first} entries=${entries} total=${total} next=${next} older=${older} onOlder=${loadOlder} filtered=${filtered} onClear=${clear}
          status=${status.data} range=${range} corr=${corr} />`
      : html`<${Groups} res=${groups} by=${f.group} filtered=${filtered} />`}
  </section>`;
}


/** Each node's log source, thresholds, lengths, what Skyscope collected and what the server dropped first. */
function LogStatus({ status, nodes }) {
  const { data, error } = status;
  if (!data) {
    if (error) return html`<${ErrorBox} error=${error}>The command log status (<code>/api/commandlog/status</code>) is unavailable; retrying every 10 s.</${ErrorBox}>`;
    return html`<${Loading} what="Reading each node's command log settings" />`;
  }
  if (data.nodes.length === 0)
    return html`<${Empty} title="No nodes yet">Skyscope has not discovered any server: start it with a redis:// or rediss:// URL of any node, or see the <${Link} href="/">overview</${Link}> for connection errors.</${Empty}>`;
  const list = [...data.nodes].sort((a, b) => cmpAddress(a.node, b.node));
  return html`<div class="panel cl-status" data-testid="cl-status">
    <table class="grid cl-status-table">
      <thead><tr><th>Node</th><th>Source</th>${LOG_TYPES.map((t) => html`<th title=${`Commands that ${t.what}`}>${t.label}</th>`)}</tr></thead>
      <tbody>${list.map((n) => {
        const notes = logStatusNotes(n);
        return html`<tr data-testid="cl-status-row" data-node=${n.node} data-source=${n.source ?? ''}>
            <td class="mono nowrap">${n.node}</td>
            <td class="nowrap">${n.source
              ? html`<code>${n.source.toUpperCase()}</code>`
              : n.sourceState === 'pending' ? html`<span class="muted">not read yet</span>` : html`<span class="bad">unsupported</span>`}${n.state && n.state !== 'up' ? html` <span class=${n.state === 'down' ? 'bad' : 'muted'}>node ${n.state}</span>` : null}</td>
            ${LOG_TYPES.map((t) => html`<td class="cl-log-cell">${logCell(n, t)}</td>`)}
          </tr>
          ${notes.length ? html`<tr class="cl-notes"><td></td><td colspan=${1 + LOG_TYPES.length}>${notes.map((x) => html`<div class=${x.level} data-testid="cl-status-note">${x.text}</div>`)}</td></tr>` : null}`;
      })}</tbody>
    </table>
    ${error ? html`<${ErrorBox} error=${error} stale />` : null}
  </div>`;
}

function logCell(n, t) {
  const l = (n.logs ?? []).find((x) => x.type === t.type);
  if (!l) return html`<span class="muted" title=${n.source === 'slowlog' ? 'SLOWLOG only keeps slow commands; COMMANDLOG (Valkey 8.1+) also keeps large requests and replies' : ''}>${n.source ? 'not kept' : '–'}</span>`;
  if (l.threshold < 0) return html`<span class="warn">off</span>`;
  return html`<span class="cl-log" data-type=${t.type}>
    <span title="Threshold">> ${formatLogValue(l.threshold, l.thresholdUnit)}</span>
    <span class="muted" title="Entries in the server's log / its maximum length">${l.length}/${l.maxLen}</span>
    <span class="muted" title="Entries Skyscope stored">· ${formatNumber(l.collected)} collected</span>
    ${l.lost > 0 ? html`<span class="warn" title="Entries the server dropped before Skyscope read them">· ${formatNumber(l.lost)} lost</span>` : null}
  </span>`;
}

function Entries({ first, entries, total, next, older, onOlder, filtered, onClear, status, range, corr }) {
  if (!first.data) {
    if (first.error) return html`<${ErrorBox} error=${first.error}>The command log could not be read; the page retries when you change a filter.</${ErrorBox}>`;
    return html`<${Loading} what="Loading the command log" />`;
  }
  if (entries.length === 0) {
    if (filtered) return html`<${Empty} title="No entries match these filters">Widen the time range or <button type="button" class="link" onClick=${onClear}>clear the filters</button>.</${Empty}>`;
    const off = (status?.nodes ?? []).length > 0 && status.nodes.every((n) => (!n.source && n.sourceState !== 'pending') || (n.source && (n.logs ?? []).every((l) => l.threshold < 0)));
    return html`<${Empty} title=${`The command log is empty ${range.live ? `for the last ${range.id}` : 'in this range'}`}>
      ${off
        ? 'Every node has its logs off or unsupported (see above for what to set).'
        : 'No command was slower than the slow threshold, and no request or reply larger than the size thresholds shown above. Lower a threshold (CONFIG SET) to see more; new entries appear here within a few seconds.'}
    </${Empty}>`;
  }
  const shown = entries.slice(0, MAX_ROWS);
  return html`${first.error ? html`<${ErrorBox} error=${first.error} stale />` : null}
    <div class="cl-table-box">
      <table class="grid cl-table" data-testid="cl-table">
        <thead><tr><th>Time</th><th>Node</th><th>Type</th><th class="num">Value</th><th>Command</th><th>Client</th><th></th></tr></thead>
        <tbody>${shown.map((e) => {
          const selected = corr && corr.node === e.node && Math.abs(corr.ts - e.ts) < 1;
          return html`<tr key=${entryKey(e)} class=${selected ? 'selected' : ''} data-testid="cl-row" data-type=${e.type} data-cmd=${e.cmd} data-node=${e.node} data-id=${e.id} data-ts=${e.ts}>
            <td class="mono nowrap" title=${formatAgo(e.ts)}>${formatTime(e.ts, { date: 'always' })}</td>
            <td class="mono nowrap">${e.node}</td>
            <td class="nowrap"><span class=${'cl-type cl-t-' + e.type}>${logTypeLabel(e.type)}</span></td>
            <td class="num" data-testid="cl-value">${formatLogValue(e.value, e.unit)}</td>
            <td class="cl-cmd-cell"><${CommandLine} entry=${e} /></td>
            <td class="mono cl-client" title=${[e.client, e.clientName].filter(Boolean).join(' ')}>${e.client}${e.clientName ? html` <span class="muted">${e.clientName}</span>` : null}</td>
            <td class="nowrap cl-actions">
              <${Link} href=${dashboardHref(e.node, e.ts)} title="The dashboard for this node, 5 minutes either side" data-testid="cl-dashboard">dashboard</${Link}>
              <button type="button" class="link" data-testid="cl-correlate" title="Open what else happened on this node around this moment"
                onClick=${() => setParams(correlationParams(e.node, e.ts))}>what else happened?</button>
            </td>
          </tr>`;
        })}</tbody>
      </table>
    </div>
    <div class="cl-foot">
      <span class="muted">${entries.length} of ${formatNumber(total)} shown</span>
      ${next && entries.length < MAX_ROWS
        ? html`<button type="button" onClick=${onOlder} disabled=${older.busy} data-testid="cl-older">${older.busy ? 'Loading…' : 'Load older'}</button>`
        : null}
      ${next && entries.length >= MAX_ROWS ? html`<span class="muted">Only ${MAX_ROWS} rows are shown at once: narrow the filters or the range to see older ones.</span>` : null}
      ${older.error ? html`<span class="bad">${older.error.message}</span>` : null}
    </div>`;
}

function Groups({ res, by, filtered }) {
  const { error } = res;
  // Groups read for the other grouping are not shown under this one's headers (a command link must not get a pattern).
  const data = res.data?.by === by ? res.data : undefined;
  if (!data) {
    if (error) return html`<${ErrorBox} error=${error} />`;
    return html`<${Loading} what=${`Grouping by ${by}`} />`;
  }
  const byType = groupsByType(data.groups);
  if (byType.length === 0) return html`<${Empty} title=${filtered ? 'No entries match these filters' : 'The command log is empty in this range'}>Nothing to group.</${Empty}>`;
  return html`${error ? html`<${ErrorBox} error=${error} stale />` : null}
    ${byType.map(({ type, groups }) => html`<div class="cl-group-block" data-testid="cl-groups" data-type=${type}>
      <h2><span class=${'cl-type cl-t-' + type}>${logTypeLabel(type)}</span> <span class="muted">${groups.length} ${by === 'command' ? 'command' : 'pattern'}${groups.length === 1 ? '' : 's'}, by total</span></h2>
      <div class="cl-table-box"><table class="grid cl-table cl-group-table">
        <thead><tr><th>${by === 'command' ? 'Command' : 'Pattern'}</th><th class="num">Count</th><th class="num">Total</th><th class="num">Max</th><th class="num">Avg</th><th>Nodes</th><th>First</th><th>Last</th><th>Example</th></tr></thead>
        <tbody>${groups.map((g) => html`<tr data-testid="cl-group-row" data-key=${g.key} data-count=${g.count}>
          <td class="mono">${by === 'command'
            ? html`<a href="#" onClick=${(e) => {
                e.preventDefault();
                setParams({ cmd: g.key, group: null }, { replace: false });
              }} title="Show these entries">${g.key}</a>`
            : g.key}</td>
          <td class="num">${formatNumber(g.count)}</td>
          <td class="num">${formatLogValue(g.sum, g.unit)}</td>
          <td class="num">${formatLogValue(g.max, g.unit)}</td>
          <td class="num">${formatLogValue(g.avg, g.unit)}</td>
          <td class="mono cl-nodes" title=${(g.nodes ?? []).join('\n')}>${(g.nodes ?? []).length > 2 ? `${g.nodes.length} nodes` : (g.nodes ?? []).join(', ')}</td>
          <td class="mono nowrap">${formatTime(g.first)}</td>
          <td class="mono nowrap">${formatTime(g.last)}</td>
          <td class="cl-cmd-cell">${g.example ? html`<${CommandLine} entry=${g.example} maxArgs=${6} />` : null}</td>
        </tr>`)}</tbody>
      </table></div>
    </div>`)}`;
}
