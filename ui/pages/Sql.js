// The SQL page: one read-only statement against the history, results as a table or a chart, shareable by URL.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { href, setParams } from '../lib/route.js';
import { useLoad } from '../lib/hooks.js';
import { Chart } from '../components/Chart.js';

const EXAMPLES = [
  {
    title: 'Top commands by calls, last hour',
    sql: `-- Busiest commands over the last hour, all nodes together.
-- Counters are stored as per-second rates: avg(rate) per node, summed over nodes.
SELECT cmd, round(sum(rate), 2) AS calls_per_second, round(sum(rate) * 3600) AS calls_last_hour
FROM (
  SELECT node, label_map['cmd'] AS cmd, avg(value) AS rate
  FROM v_samples
  WHERE metric = 'valkey_command_calls_total'
    AND ts > (now() AT TIME ZONE 'UTC') - INTERVAL 1 HOUR
  GROUP BY ALL
)
GROUP BY cmd ORDER BY calls_per_second DESC LIMIT 20;`,
  },
  {
    title: 'Operations per second per node, last 15 min',
    sql: `-- One line per node when charted (time, text, number).
SELECT time_bucket(INTERVAL 10 SECOND, ts) AS t, node, avg(value) AS ops
FROM v_samples
WHERE metric = 'valkey_commands_processed_total'
  AND ts > (now() AT TIME ZONE 'UTC') - INTERVAL 15 MINUTE
GROUP BY ALL ORDER BY t, node;`,
  },
  {
    title: 'Memory per node per hour (1 h rollup)',
    sql: `-- Peak used memory per node and hour, from the 1-hour rollup (kept for the whole retention; an hour appears once it is over).
SELECT ts AS hour, node, round(max(max) / 2^20, 1) AS peak_mib
FROM v_samples_1h
WHERE metric = 'valkey_memory_used_bytes'
GROUP BY ALL ORDER BY hour, node;`,
  },
  {
    title: 'Memory per node, last hour (1 min rollup)',
    sql: `SELECT ts AS minute, node, max(max) / 2^20 AS peak_mib
FROM v_samples_1m
WHERE metric = 'valkey_memory_used_bytes'
  AND ts > (now() AT TIME ZONE 'UTC') - INTERVAL 1 HOUR
GROUP BY ALL ORDER BY minute, node;`,
  },
  {
    title: 'Events in the last day',
    sql: `SELECT ts, node, kind, detail
FROM v_events
WHERE ts > (now() AT TIME ZONE 'UTC') - INTERVAL 1 DAY
ORDER BY ts DESC;`,
  },
  {
    title: 'Current topology',
    sql: `SELECT address, role, primary_address, flavor, version, first_seen, last_seen
FROM v_nodes ORDER BY role, address;`,
  },
  {
    title: 'Latest value of every series',
    sql: `SELECT node, metric, labels, value, ts
FROM v_latest ORDER BY metric, labels, node;`,
  },
  {
    title: 'What is being collected',
    sql: `SELECT metric, count(DISTINCT labels) AS label_sets, count(DISTINCT node) AS nodes, min(first_seen) AS since
FROM v_series GROUP BY metric ORDER BY metric;`,
  },
];

/** Shown when the live schema query fails: the views as queries/README.md documents them. */
const FALLBACK_SCHEMA = {
  v_samples: ['ts TIMESTAMP', 'node VARCHAR', 'metric VARCHAR', 'labels VARCHAR', 'value DOUBLE', 'label_map MAP'],
  v_samples_1m: ['ts TIMESTAMP', 'node VARCHAR', 'metric VARCHAR', 'labels VARCHAR', 'avg DOUBLE', 'min DOUBLE', 'max DOUBLE', 'last DOUBLE', 'count UINTEGER', 'label_map MAP'],
  v_samples_1h: ['ts TIMESTAMP', 'node VARCHAR', 'metric VARCHAR', 'labels VARCHAR', 'avg DOUBLE', 'min DOUBLE', 'max DOUBLE', 'last DOUBLE', 'count UINTEGER', 'label_map MAP'],
  v_latest: ['ts TIMESTAMP', 'node VARCHAR', 'metric VARCHAR', 'labels VARCHAR', 'value DOUBLE', 'label_map MAP'],
  v_events: ['ts TIMESTAMP', 'node VARCHAR', 'kind VARCHAR', 'detail JSON'],
  v_nodes: ['node_id USMALLINT', 'address VARCHAR', 'cluster_node_id VARCHAR', 'role VARCHAR', 'primary_address VARCHAR', 'flavor VARCHAR', 'version VARCHAR', 'first_seen TIMESTAMP', 'last_seen TIMESTAMP'],
  v_series: ['node VARCHAR', 'metric VARCHAR', 'labels VARCHAR', 'first_seen TIMESTAMP', 'node_id USMALLINT', 'metric_id UINTEGER'],
  v_metrics: ['metric_id UINTEGER', 'name VARCHAR', 'labels VARCHAR', 'label_map MAP'],
};

const SCHEMA_SQL =
  "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_name LIKE 'v\\_%' ESCAPE '\\' ORDER BY table_name, ordinal_position";

const DRAFT_KEY = 'skyscope.sql.draft';
/** Rows put in the DOM at first; thousands of rows with wide cells would make the page sluggish. */
const PAGE_ROWS = 500;
/** Characters of a cell shown inline; the rest is one click away. */
const CELL_CHARS = 80;
const MAX_PIVOT_SERIES = 24;

const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL)/;
const TIME_TYPE = /^(TIMESTAMP|DATE)/;
const TIME_NAME = /^(ts|t|time|timestamp|bucket|minute|hour|day|date|week|month)$/i;
const TEXT_TYPE = /^(VARCHAR|ENUM)/;

function readDraft() {
  try {
    return localStorage.getItem(DRAFT_KEY) || undefined;
  } catch {
    return undefined;
  }
}

function saveDraft(text) {
  try {
    localStorage.setItem(DRAFT_KEY, text);
  } catch {}
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Clipboard API needs a secure context or permission; the old way works on plain http://host:port.
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {}
    ta.remove();
    return ok;
  }
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** Unix seconds as UTC text, the way DuckDB prints a TIMESTAMP (the database keeps UTC). */
function utcText(sec) {
  const d = new Date(sec * 1000);
  const ms = d.getUTCMilliseconds();
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${ms ? '.' + pad(ms, 3) : ''}`;
}

function numberText(v) {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e15 || a < 1e-4)) return v.toExponential(4);
  return String(Number(v.toFixed(6)));
}

/** A cell as {text, full, kind}: full is set when text is shortened or reformatted. */
function cellView(v, type) {
  if (v === null || v === undefined) return { text: 'NULL', kind: 'null' };
  if (typeof v === 'number') {
    if (TIME_TYPE.test(type) && /^TIMESTAMP/.test(type)) return { text: utcText(v), full: `${utcText(v)} UTC = ${new Date(v * 1000).toString()} (unix ${v})`, kind: 'time' };
    const text = numberText(v);
    return { text, full: text !== String(v) ? String(v) : undefined, kind: 'num' };
  }
  if (typeof v === 'boolean') return { text: String(v), kind: 'bool' };
  let s = typeof v === 'string' ? v : JSON.stringify(v);
  const kind = NUMERIC_TYPE.test(type) ? 'num' : typeof v === 'string' ? 'text' : 'json';
  // Control characters or DuckDB's \xNN escapes: binary-looking; shown shortened so rows stay one line.
  const binary = /[\x00-\x08\x0e-\x1f]|\\x[0-9A-F]{2}/.test(s);
  if (s.length > CELL_CHARS || s.includes('\n') || binary) {
    const oneLine = s.slice(0, CELL_CHARS + 1).replace(/[\x00-\x1f]/g, '·');
    return { text: oneLine.length > CELL_CHARS ? oneLine.slice(0, CELL_CHARS) + '…' : oneLine, full: s, kind, long: true, binary };
  }
  return { text: s, kind };
}

/** x (unix seconds) from a time column's value; undefined when it cannot be placed on an axis. */
function toSeconds(v, type) {
  if (typeof v === 'number') return TIME_TYPE.test(type) ? v : v > 1e11 ? v / 1000 : v;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) {
    const t = Date.parse(v.length === 10 ? v + 'T00:00:00Z' : v.replace(' ', 'T') + (/[zZ+]|-\d\d:?\d\d$/.test(v.slice(10)) ? '' : 'Z'));
    return Number.isNaN(t) ? undefined : t / 1000;
  }
  return undefined;
}

/**
 * How to chart a result, or {reason} why it cannot be: needs a time column (TIMESTAMP/DATE, or a
 * number named ts/time/bucket...) and at least one numeric column. Exactly time + text + number is
 * pivoted to one line per text value (e.g. per node).
 */
export function chartPlan(columns, rows) {
  if (!columns?.length || !rows?.length) return { reason: 'no rows to chart' };
  let time = columns.findIndex((c) => TIME_TYPE.test(c.type));
  if (time < 0) time = columns.findIndex((c) => TIME_NAME.test(c.name) && NUMERIC_TYPE.test(c.type));
  if (time < 0) return { reason: 'needs a time column: a TIMESTAMP or DATE, or a number of unix seconds named ts, time or bucket' };
  // A numeric column that is NULL in every row would only add an empty legend entry.
  const nums = columns.map((c, i) => i).filter((i) => i !== time && NUMERIC_TYPE.test(columns[i].type) && rows.some((r) => r[i] !== null));
  if (nums.length === 0) return { reason: 'needs at least one numeric column besides the time' };
  const texts = columns.map((c, i) => i).filter((i) => i !== time && TEXT_TYPE.test(columns[i].type));
  const type = columns[time].type;
  const num = (v) => (v === null || v === undefined ? null : Number.isFinite(Number(v)) ? Number(v) : null);

  if (columns.length === 3 && texts.length === 1 && nums.length === 1) {
    const [ti, ni] = [texts[0], nums[0]];
    const keys = [];
    const cols = new Map();
    const xsSet = new Set();
    for (const r of rows) {
      const x = toSeconds(r[time], type);
      if (x === undefined) continue;
      xsSet.add(x);
      const k = r[ti] === null ? 'NULL' : String(r[ti]);
      if (!cols.has(k)) {
        if (cols.size >= MAX_PIVOT_SERIES) continue;
        cols.set(k, new Map());
        keys.push(k);
      }
      cols.get(k).set(x, num(r[ni]));
    }
    const xs = [...xsSet].sort((a, b) => a - b);
    const hidden = new Set(rows.map((r) => String(r[ti]))).size - keys.length;
    return {
      data: [xs, ...keys.map((k) => xs.map((x) => cols.get(k).get(x) ?? null))],
      series: keys.map((k) => ({ label: k })),
      title: `${columns[ni].name} by ${columns[ti].name}`,
      note: hidden > 0 ? `${hidden} more ${columns[ti].name} values not drawn (at most ${MAX_PIVOT_SERIES} lines)` : undefined,
    };
  }

  const sorted = rows.map((r) => [toSeconds(r[time], type), r]).filter(([x]) => x !== undefined).sort((a, b) => a[0] - b[0]);
  const xs = [];
  const ys = nums.map(() => []);
  let repeated = false;
  for (const [x, r] of sorted) {
    // uPlot needs one point per x: a repeated time keeps its last row.
    if (xs.length && xs[xs.length - 1] === x) {
      repeated = true;
      nums.forEach((c, j) => (ys[j][ys[j].length - 1] = num(r[c])));
      continue;
    }
    xs.push(x);
    nums.forEach((c, j) => ys[j].push(num(r[c])));
  }
  return {
    data: [xs, ...ys],
    series: nums.map((c) => ({ label: columns[c].name })),
    title: nums.map((c) => columns[c].name).join(', '),
    note: repeated ? 'several rows share a time; the chart keeps the last of each (GROUP BY the time, or select time, text and one number to get a line per text value)' : undefined,
  };
}

function Schema({ onInsert }) {
  const { data, error } = useLoad(async (signal) => {
    const r = await api('/api/sql', { method: 'POST', body: { sql: SCHEMA_SQL }, signal });
    const views = {};
    for (const [table, column, type] of r.rows) (views[table] ??= []).push(`${column} ${type}`);
    return views;
  }, []);
  const views = data && Object.keys(data).length ? data : error ? FALLBACK_SCHEMA : undefined;
  const [open, setOpen] = useState({ v_samples: true });
  return html`<aside class="sql-schema panel" data-testid="sql-schema">
    <div class="sql-schema-head"><strong>Views</strong> <span class="muted">click a name to insert it</span></div>
    ${!views
      ? html`<div class="muted">loading…</div>`
      : Object.entries(views).map(
          ([view, cols]) => html`<div class="schema-view" key=${view}>
            <div class="schema-view-name">
              <button type="button" class="twisty" aria-expanded=${!!open[view]} aria-label=${(open[view] ? 'Hide' : 'Show') + ' columns of ' + view}
                onClick=${() => setOpen({ ...open, [view]: !open[view] })}>${open[view] ? '▾' : '▸'}</button>
              <button type="button" class="link mono" data-insert=${view} onClick=${() => onInsert(view)}>${view}</button>
            </div>
            ${open[view]
              ? html`<ul>
                  ${cols.map((c) => {
                    const [name, ...type] = c.split(' ');
                    return html`<li><button type="button" class="link mono" data-insert=${name} onClick=${() => onInsert(name)}>${name}</button> <span class="muted">${type.join(' ').replace(/\(VARCHAR, VARCHAR\)/, '')}</span></li>`;
                  })}
                </ul>`
              : null}
          </div>`,
        )}
    <div class="muted schema-foot">Times are UTC. Counters are per-second rates. See queries/README.md for more.</div>
  </aside>`;
}

function CellModal({ cell, onClose }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    const onKey = (e) => e.key === 'Escape' && onClose();
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
  const full = cell.full;
  return html`<div class="modal-back" onClick=${onClose}>
    <div class="modal cell-modal" role="dialog" aria-label=${'Value of ' + cell.column} onClick=${(e) => e.stopPropagation()}>
      <div class="cell-modal-head">
        <strong class="mono">${cell.column}</strong>
        <span class="muted">${cell.type} · ${full.length.toLocaleString()} characters</span>
        <span class="spacer"></span>
        <button type="button" onClick=${async () => setCopied(await copyText(full))}>${copied ? 'Copied' : 'Copy'}</button>
        <button type="button" onClick=${onClose}>Close</button>
      </div>
      <pre class="cell-full" data-testid="cell-full">${full.length > 1_000_000 ? full.slice(0, 1_000_000) + '\n… (shortened: the first million characters; copy takes all of it)' : full}</pre>
    </div>
  </div>`;
}

function ResultTable({ result }) {
  const [shown, setShown] = useState(PAGE_ROWS);
  const [cell, setCell] = useState(null);
  useEffect(() => setShown(PAGE_ROWS), [result]);
  const { columns, rows } = result;
  const numeric = columns.map((c) => NUMERIC_TYPE.test(c.type));
  return html`<div class="sql-results" data-testid="sql-results">
    <table class="grid sql-table">
      <thead>
        <tr>
          <th class="rownum">#</th>
          ${columns.map((c, i) => html`<th class=${numeric[i] ? 'num' : ''} title=${c.type}>${c.name}<span class="coltype">${c.type.replace(/\(VARCHAR, VARCHAR\)/, '').slice(0, 24)}${/^TIMESTAMP/.test(c.type) ? ' UTC' : ''}</span></th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows.slice(0, shown).map(
          (r, ri) => html`<tr>
            <td class="rownum">${ri + 1}</td>
            ${r.map((v, ci) => {
              const c = cellView(v, columns[ci].type);
              const cls = `c-${c.kind}${numeric[ci] || c.kind === 'num' ? ' num' : ''}${c.long ? ' long' : ''}`;
              if (c.long) {
                return html`<td class=${cls}>
                  <button type="button" class="cell-more" title=${c.full.slice(0, 2000) + (c.full.length > 2000 ? '…' : '')}
                    onClick=${() => setCell({ column: columns[ci].name, type: columns[ci].type, full: c.full })}>${c.binary ? html`<span class="badge">bin</span> ` : null}${c.text}</button>
                </td>`;
              }
              return html`<td class=${cls} title=${c.full}>${c.text}</td>`;
            })}
          </tr>`,
        )}
      </tbody>
    </table>
    ${rows.length > shown
      ? html`<div class="sql-more">
          Showing ${shown.toLocaleString()} of ${rows.length.toLocaleString()} rows.
          <button type="button" onClick=${() => setShown(shown + 2000)}>Show ${Math.min(2000, rows.length - shown).toLocaleString()} more</button>
          <button type="button" onClick=${() => setShown(rows.length)}>Show all</button>
        </div>`
      : null}
    ${cell ? html`<${CellModal} cell=${cell} onClose=${() => setCell(null)} />` : null}
  </div>`;
}

const ERROR_TITLES = {
  not_read_only: 'Not allowed: this page only reads',
  syntax: 'Syntax error',
  too_many_statements: 'One statement at a time',
  timeout: 'Timed out',
  query_failed: 'Query failed',
};

function SqlError({ error, onLine }) {
  const line = /\bLINE (\d+):/.exec(error.message)?.[1];
  return html`<div class="state error sql-error" role="alert" data-testid="sql-error" data-code=${error.code}>
    <strong>${ERROR_TITLES[error.code] ?? 'Error'}${error.code && !ERROR_TITLES[error.code] ? ` (${error.code})` : ''}</strong>
    <pre class="sql-error-text">${error.message}</pre>
    ${line ? html`<button type="button" onClick=${() => onLine(Number(line))}>Go to line ${line}</button>` : null}
  </div>`;
}

export function Sql({ route }) {
  const p = route.params;
  const urlQ = p.get('q');
  const [text, setText] = useState(() => urlQ ?? readDraft() ?? EXAMPLES[0].sql);
  const [state, setState] = useState({ running: false });
  const [copied, setCopied] = useState('');
  const editor = useRef(null);
  const ctrl = useRef(null);
  /** The q we last wrote to the URL ourselves, so only outside changes (a pasted link, back button) reload the editor. */
  const wroteQ = useRef(urlQ);
  const chartOn = p.get('chart') === '1';

  const run = async (sql = text) => {
    if (!sql.trim()) return;
    ctrl.current?.abort();
    const mine = (ctrl.current = new AbortController());
    setState((s) => ({ ...s, running: true }));
    saveDraft(sql);
    wroteQ.current = sql;
    setParams({ q: sql, run: 1 }, { replace: true });
    try {
      const r = await api('/api/sql', { method: 'POST', body: { sql }, signal: mine.signal });
      if (!mine.signal.aborted) setState({ running: false, result: r });
    } catch (e) {
      if (e.name === 'AbortError') return;
      setState({ running: false, error: e });
    }
  };

  useEffect(() => {
    if (urlQ !== null && urlQ !== wroteQ.current) {
      wroteQ.current = urlQ;
      setText(urlQ);
      if (p.get('run') === '1') run(urlQ);
    }
  }, [urlQ]);

  // A shared link with run=1 runs once on arrival.
  useEffect(() => {
    if (urlQ && p.get('run') === '1') run(urlQ);
    return () => ctrl.current?.abort();
  }, []);

  const insert = (word) => {
    const ta = editor.current;
    if (!ta) return;
    ta.focus();
    ta.setRangeText(word, ta.selectionStart, ta.selectionEnd, 'end');
    setText(ta.value);
  };

  const onKeyDown = (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      run(e.currentTarget.value);
    } else if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey) {
      // Esc (handled by the app) still leaves the editor for keyboard users.
      e.preventDefault();
      e.currentTarget.setRangeText('  ', e.currentTarget.selectionStart, e.currentTarget.selectionEnd, 'end');
      setText(e.currentTarget.value);
    }
  };

  const goToLine = (n) => {
    const ta = editor.current;
    if (!ta) return;
    const lines = ta.value.split('\n');
    const start = lines.slice(0, n - 1).reduce((a, l) => a + l.length + 1, 0);
    ta.focus();
    ta.setSelectionRange(start, start + (lines[n - 1]?.length ?? 0));
  };

  const flash = (what) => {
    setCopied(what);
    setTimeout(() => setCopied(''), 1500);
  };
  const link = () => location.origin + href('/sql', { q: text, run: 1, chart: chartOn ? 1 : null });

  const { result, error, running } = state;
  const plan = result && chartOn ? chartPlan(result.columns, result.rows) : undefined;

  return html`<section class="page sql-page">
    <div class="page-head">
      <h1>SQL</h1>
      <span class="muted">One read-only statement over Skyscope's history (DuckDB). At most ${(result?.rowLimit ?? 10000).toLocaleString()} rows, 10 s. Times are UTC.</span>
    </div>
    <div class="sql-layout">
      <div class="sql-main">
        <textarea class="sql" ref=${editor} value=${text} spellcheck=${false} data-search aria-label="SQL query" data-testid="sql-editor"
          rows=${Math.min(18, Math.max(6, text.split('\n').length + 1))}
          onInput=${(e) => setText(e.currentTarget.value)} onKeyDown=${onKeyDown}></textarea>
        <div class="sql-toolbar">
          <button type="button" class="primary" onClick=${() => run()} disabled=${running} data-testid="sql-run" title="Run (Ctrl+Enter or ⌘+Enter)">
            ${running ? html`<span class="spinner"></span>Running` : 'Run'}
          </button>
          <span class="muted kbd-hint"><kbd>Ctrl</kbd>+<kbd>Enter</kbd></span>
          <select aria-label="Example queries" data-testid="sql-examples" value=""
            onChange=${(e) => {
              const ex = EXAMPLES[Number(e.currentTarget.value)];
              e.currentTarget.value = '';
              if (!ex) return;
              setText(ex.sql);
              run(ex.sql);
            }}>
            <option value="">Examples…</option>
            ${EXAMPLES.map((ex, i) => html`<option value=${i}>${ex.title}</option>`)}
          </select>
          <span class="spacer"></span>
          <button type="button" class=${chartOn ? 'on' : ''} aria-pressed=${chartOn} data-testid="sql-chart-toggle"
            onClick=${() => setParams({ chart: chartOn ? null : 1 }, { replace: true })} title="Draw the result as a time series">Chart</button>
          <button type="button" onClick=${async () => flash((await copyText(text)) ? 'query' : 'failed')}>${copied === 'query' ? 'Copied' : 'Copy query'}</button>
          <button type="button" data-testid="sql-copy-link" onClick=${async () => flash((await copyText(link())) ? 'link' : 'failed')}>${copied === 'link' ? 'Copied' : 'Copy link'}</button>
          ${copied === 'failed' ? html`<span class="bad">The browser refused the clipboard</span>` : null}
        </div>
        <div class="sql-status" data-testid="sql-status">
          ${result && !error
            ? html`<span data-testid="sql-rowcount">${result.rows.length.toLocaleString()} ${result.rows.length === 1 ? 'row' : 'rows'}</span>
                <span class="muted">${result.elapsedMs} ms</span>
                ${result.truncated ? html`<span class="warn" data-testid="sql-limited">limited to ${result.rowLimit.toLocaleString()} rows: add a LIMIT or aggregate to see everything</span>` : null}`
            : null}
        </div>
        ${error ? html`<${SqlError} error=${error} onLine=${goToLine} />` : null}
        ${plan
          ? plan.reason
            ? html`<div class="state empty" data-testid="sql-chart-reason"><strong>Cannot chart this result</strong><div class="hint">${plan.reason}.</div></div>`
            : html`<div class="sql-chart">
                <${Chart} title=${plan.title} data=${plan.data} series=${plan.series} height=${260} />
                ${plan.note ? html`<div class="muted">${plan.note}</div>` : null}
              </div>`
          : null}
        ${result && !error
          ? result.columns.length === 0
            ? html`<div class="state empty"><strong>No columns</strong></div>`
            : result.rows.length === 0
              ? html`<div class="state empty" data-testid="sql-empty"><strong>No rows</strong><div class="hint">The query ran and matched nothing. Columns: ${result.columns.map((c) => c.name).join(', ')}.</div></div>`
              : html`<${ResultTable} result=${result} />`
          : null}
        ${!result && !error && !running
          ? html`<div class="state empty"><strong>Write a query and press Run</strong><div class="hint">Or pick one of the examples. The views on the right are the place to start.</div></div>`
          : null}
      </div>
      <${Schema} onInsert=${insert} />
    </div>
  </section>`;
}
