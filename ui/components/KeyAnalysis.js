// The Keys page's memory analysis: start a sampled run, follow it, read where memory goes (type, prefix, TTL, biggest keys) with its confidence, and compare two runs.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { href, Link, setParams } from '../lib/route.js';
import { useLoad } from '../lib/hooks.js';
import { formatBytes, formatNumber, formatTime } from '../lib/format.js';
import { estimate, lengthText, runLabel, typeLabel } from '../lib/keys.js';
import { KeyText } from './KeyText.js';
import { Empty, ErrorBox, Loading } from './States.js';

export function KeyAnalysis({ p }) {
  const runId = p.get('run') ?? '';
  const cmpId = p.get('cmp') ?? '';
  const runs = useLoad((signal) => api('/api/keys/analysis', { signal }), [], {
    everyMs: (d) => ((d?.runs ?? d ?? []).some?.((r) => r.state === 'running') ? 1000 : 15_000),
  });
  const list = runs.data ? (Array.isArray(runs.data) ? runs.data : runs.data.runs ?? []) : [];
  const shownId = runId || (list[0] ? String(list[0].id) : '');
  const run = useLoad((signal) => (shownId ? api(`/api/keys/analysis/${encodeURIComponent(shownId)}`, { signal }) : Promise.resolve(null)), [shownId], {
    everyMs: (d) => (d?.state === 'running' ? 700 : undefined),
  });
  const cmp = useLoad((signal) => (cmpId ? api(`/api/keys/analysis/${encodeURIComponent(cmpId)}`, { signal }) : Promise.resolve(null)), [cmpId]);
  return html`<div class="ka" data-testid="analysis">
    <${StartRun} onStarted=${(id) => setParams({ run: id, cmp: null })} running=${list.some((r) => r.state === 'running')} />
    <div class="ka-layout">
      <div class="ka-main">
        ${run.error && !run.data ? html`<${ErrorBox} error=${run.error} />` : null}
        ${!shownId
          ? runs.data ? html`<${Empty} title="No analysis yet">Start one above: it samples keys with a paced SCAN and MEMORY USAGE, then scales the sample to the whole keyspace.</${Empty}>` : html`<${Loading} what="Reading the runs" />`
          : run.data ? html`<${RunView} r=${run.data} c=${cmp.data} list=${list} cmpId=${cmpId} />` : html`<${Loading} what="Reading the run" />`}
      </div>
      <aside class="ka-side panel">
        <h2>Runs</h2>
        ${runs.error ? html`<${ErrorBox} error=${runs.error} stale=${!!runs.data} />` : null}
        <table class="grid hk-runs" data-testid="ka-runs">
          <tbody>${list.map((r) => html`<tr class=${String(r.id) === shownId ? 'selected' : ''} onClick=${() => setParams({ run: r.id })} data-testid="ka-run-row" data-id=${r.id}>
            <td class="mono nowrap">${r.startedAt ? formatTime(r.startedAt) : '–'}</td>
            <td class="num">${formatNumber(r.sampled)}</td>
            <td class=${r.state === 'done' ? 'muted' : r.state === 'failed' ? 'bad' : 'warn'}>${r.state}</td>
          </tr>`)}</tbody>
        </table>
      </aside>
    </div>
  </div>`;
}

function StartRun({ onStarted, running }) {
  const [sample, setSample] = useState('10000');
  const [match, setMatch] = useState('');
  const [err, setErr] = useState();
  const [busy, setBusy] = useState(false);
  const start = async (e) => {
    e.preventDefault();
    setErr(undefined);
    setBusy(true);
    try {
      const r = await api('/api/keys/analysis', { method: 'POST', body: { sampleKeys: Number(sample), match: match || undefined } });
      onStarted(r.id);
    } catch (x) {
      setErr(x);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="panel ka-start" onSubmit=${start} data-testid="ka-start">
    <label class="ctl-group"><span class="ctl-label">Sample</span><input class="hk-num" value=${sample} onInput=${(e) => setSample(e.currentTarget.value)} data-testid="ka-sample" /> keys</label>
    <label class="ctl-group"><span class="ctl-label">MATCH</span><input class="mono" value=${match} placeholder="* (every key)" onInput=${(e) => setMatch(e.currentTarget.value)} /></label>
    <button type="submit" class="primary" disabled=${busy || running} data-testid="ka-start-btn">${running ? 'A run is going…' : busy ? 'Starting…' : 'Analyse memory'}</button>
    <span class="muted">Reads TYPE, MEMORY USAGE and TTL of each sampled key through a paced SCAN; nothing is changed (read-only safe).</span>
    ${err ? html`<span class="bad" role="alert">${err.message}</span>` : null}
  </form>`;
}

function RunView({ r, c, list, cmpId }) {
  const others = list.filter((x) => String(x.id) !== String(r.id) && x.state === 'done');
  const progress = r.totalKeys && r.sampleKeys ? Math.min(1, r.sampled / Math.min(r.sampleKeys, r.totalKeys)) : null;
  const byTypeCmp = c ? new Map((c.byType ?? []).map((x) => [x.type, x])) : null;
  const byPrefixCmp = c ? new Map((c.byPrefix ?? []).map((x) => [x.prefix, x])) : null;
  const totalBytes = (r.byType ?? []).reduce((a, x) => a + (estimate(x, 'estBytes').value ?? x.bytes ?? 0), 0);
  return html`<div class="ka-run" data-testid="ka-run" data-state=${r.state} data-id=${r.id}>
    <div class="hk-run-head">
      <h2>${runLabel(r)}</h2>
      <span class=${r.state === 'done' ? 'good' : r.state === 'failed' ? 'bad' : 'warn'} data-testid="ka-state">${r.state === 'running' ? html`<span class="spinner"></span>running` : r.state}</span>
      <span class="muted">${formatNumber(r.sampled)} keys sampled of ${formatNumber(r.totalKeys)} (DBSIZE)</span>
      ${progress !== null && r.state === 'running' ? html`<div class="hk-bar"><span style=${`width:${(progress * 100).toFixed(1)}%`}></span></div>` : null}
      <span class="spacer"></span>
      <label class="ctl-group"><span class="ctl-label">Compare with</span>
        <select value=${cmpId} onChange=${(e) => setParams({ cmp: e.currentTarget.value || null }, { replace: true })} data-testid="ka-cmp">
          <option value="">—</option>
          ${others.map((x) => html`<option value=${x.id}>${runLabel(x)}</option>`)}
        </select></label>
    </div>
    ${r.error ? html`<div class="bad">${r.error}</div>` : null}
    <${Confidence} conf=${r.confidence ?? r.detail?.confidence} />
    ${(r.nodes ?? []).length > 1 || (r.nodes ?? []).some((n) => n.error)
      ? html`<div class="ka-nodes muted">Sampled per node: ${r.nodes.map((n, i) => html`${i ? ' · ' : ''}<span class="mono">${n.node}</span> ${formatNumber(n.sampled)} of ${formatNumber(n.dbsize)}${n.error ? html` <span class="bad">${n.error}</span>` : null}`)}</div>`
      : null}
    <div class="ka-grid">
      <div>
        <h3>By type</h3>
        <${EstTable} rows=${r.byType ?? []} name=${(x) => html`<span class=${'ktype kt-' + typeLabel(x.type)}>${typeLabel(x.type)}</span>`} id=${(x) => x.type} cmp=${byTypeCmp} total=${totalBytes} testid="ka-by-type" />
      </div>
      <div>
        <h3>By TTL</h3>
        <${EstTable} rows=${r.byTtl ?? []} name=${(x) => x.bucket} id=${(x) => x.bucket} cmp=${null} total=${totalBytes} testid="ka-by-ttl" />
      </div>
    </div>
    <h3>By prefix</h3>
    <${EstTable} rows=${r.byPrefix ?? []} name=${(x) => (x.prefix === '(none)' ? html`<span class="muted" title="Keys without a separator">(none)</span>` : html`<${Link} class="mono" href=${href('/keys', { match: x.prefix.endsWith('*') ? x.prefix : x.prefix + '*' })} title="Browse these keys">${x.prefix}</${Link}>`)} id=${(x) => x.prefix} cmp=${byPrefixCmp} total=${totalBytes} testid="ka-by-prefix" />
    <h3>Biggest keys <span class="muted">in the sample</span></h3>
    <table class="grid ka-table" data-testid="ka-biggest">
      <thead><tr><th>Key</th><th>Type</th><th class="num">Memory</th><th class="num">Length</th><th>Node</th></tr></thead>
      <tbody>${(r.biggest ?? []).map((x) => html`<tr data-testid="ka-big-row">
        <td class="hk-key-cell"><${Link} href=${href('/keys', { key: x.key.hex, keynode: x.node })}><${KeyText} k=${x.key} /></${Link}></td>
        <td><span class=${'ktype kt-' + typeLabel(x.type)}>${typeLabel(x.type)}</span></td>
        <td class="num">${formatBytes(x.bytes)}</td>
        <td class="num">${lengthText(x.type, x.length)}</td>
        <td class="mono nowrap">${x.node}</td>
      </tr>`)}</tbody>
    </table>
  </div>`;
}

/** How far the estimates can be trusted: the server's note, and total memory with its 95% interval. */
function Confidence({ conf }) {
  if (!conf || typeof conf !== 'object') return null;
  const total = estimate(conf, 'estBytes');
  return html`<div class=${'ka-conf' + (conf.exact ? ' exact' : '')} data-testid="ka-confidence">
    ${total.value !== null
      ? html`<span><span class="ctl-label">Total memory</span> <strong>${formatBytes(total.value)}</strong>${total.range ? html` <span class="muted">(95%: ${formatBytes(total.low)} – ${formatBytes(total.high)})</span>` : null}</span>`
      : null}
    ${conf.exact ? html`<span class="good">exact</span>` : null}
    ${conf.note ? html`<span class="muted" data-testid="ka-conf-note">${conf.note}</span>` : null}
  </div>`;
}

/** Rows with sampled keys/bytes and estimates over the whole keyspace; with a compared run, the change in estimated bytes. */
function EstTable({ rows, name, id, cmp, total, testid }) {
  return html`<table class="grid ka-table" data-testid=${testid}>
    <thead><tr><th></th><th class="num">Keys (sample)</th><th class="num">Bytes (sample)</th><th class="num">Est. keys</th><th class="num">Est. bytes</th><th class="share-cell">Share</th>${cmp ? html`<th class="num">Change</th>` : null}</tr></thead>
    <tbody>${rows.map((x) => {
      const eb = estimate(x, 'estBytes');
      const ek = estimate(x, 'estKeys');
      const share = total > 0 && eb.value !== null ? eb.value / total : 0;
      const before = cmp?.get(id(x));
      const delta = cmp ? (before ? (eb.value ?? 0) - (estimate(before, 'estBytes').value ?? 0) : null) : undefined;
      return html`<tr data-testid="ka-row" data-id=${id(x)}>
        <td>${name(x)}</td>
        <td class="num">${formatNumber(x.keys)}</td>
        <td class="num">${formatBytes(x.bytes)}</td>
        <td class="num" title=${ek.range ? `95% interval ${formatNumber(ek.low)}–${formatNumber(ek.high)}` : ''}>${formatNumber(ek.value)}${ek.range ? html` <span class="muted">±${formatNumber(ek.pm)}</span>` : null}</td>
        <td class="num" title=${eb.range ? `95% interval ${formatBytes(eb.low)}–${formatBytes(eb.high)}` : ''}>${formatBytes(eb.value)}${eb.range ? html` <span class="muted">±${formatBytes(eb.pm)}</span>` : null}</td>
        <td class="share-cell"><div class="share"><div class="share-bar"><span style=${`width:${(share * 100).toFixed(1)}%`}></span></div><span class="share-pct num">${(share * 100).toFixed(1)}%</span></div></td>
        ${cmp ? html`<td class=${'num ' + (delta > 0 ? 'warn' : delta < 0 ? 'good' : '')} data-testid="ka-delta">${delta === null ? 'new' : (delta > 0 ? '+' : '') + formatBytes(delta)}</td>` : null}
      </tr>`;
    })}</tbody>
  </table>`;
}
