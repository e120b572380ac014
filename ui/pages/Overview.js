// The Overview: every target and node at a glance, problems first, each with what to do about it.
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { Link, href } from '../lib/route.js';
import { formatBytes, formatNumber, formatSeconds, formatValue, formatAgo } from '../lib/format.js';
import { useLoad } from '../lib/hooks.js';
import { Empty, ErrorBox, Loading } from '../components/States.js';

const M = {
  ops: 'valkey_commands_processed_total',
  used: 'valkey_memory_used_bytes',
  max: 'valkey_memory_max_bytes',
  ratio: 'valkey_memory_used_ratio',
  cpu: 'valkey_cpu_usage_ratio',
  clients: 'valkey_connected_clients',
  lagSec: 'valkey_replication_lag_seconds',
  lagBytes: 'valkey_replication_lag_bytes',
  keys: 'valkey_db_keys',
  link: 'valkey_master_link_up',
  evicted: 'valkey_evicted_keys_total',
};

/** Thresholds for the problems strip; chosen to flag what needs a look now, not every wobble. */
const MEMORY_HIGH = 0.9;
const CPU_HIGH = 0.9;
const LAG_SECONDS_HIGH = 10;
const LAG_BYTES_HIGH = 64 * 1024 * 1024;
/** A value older than this (several polls missed) is shown as stale, not as the node's present. */
const STALE_SECONDS = 15;
const CONNECTING_TOO_LONG = 15;

async function loadOverview(signal) {
  const [nodes, latest] = await Promise.allSettled([
    api('/api/nodes', { signal }),
    api('/api/latest', { params: { metric: Object.values(M).join(',') }, signal }),
  ]);
  if (nodes.status === 'rejected') throw nodes.reason;
  return { ...nodes.value, latest: latest.status === 'fulfilled' ? latest.value.values : undefined, latestError: latest.status === 'rejected' ? latest.reason : undefined };
}

/** Latest values per node: {ops, used, ...}; labelled families (keys per db) summed; ts kept to spot stale values. */
function valuesByNode(values = []) {
  const out = new Map();
  const names = Object.fromEntries(Object.entries(M).map(([k, v]) => [v, k]));
  for (const s of values) {
    const k = names[s.metric];
    if (!k) continue;
    let v = out.get(s.node);
    if (!v) out.set(s.node, (v = { ts: 0 }));
    v[k] = k === 'keys' && v[k] !== undefined ? v[k] + s.value : s.value;
    if (s.ts > v.ts) v.ts = s.ts;
  }
  return out;
}

/** What is wrong, worst first, each with a concrete next step. */
function findProblems(nodes, targets, vals, now) {
  const out = [];
  for (const t of targets) {
    if (t.lastError) out.push({ level: 'bad', node: undefined, what: `Target ${t.url}: ${t.lastError}`, todo: 'Check the URL, that the server is reachable from here, and the user / password (or TLS settings).' });
  }
  for (const n of nodes) {
    const v = vals.get(n.address) ?? {};
    const age = now - n.since / 1000;
    if (n.state === 'down') {
      out.push({ level: 'bad', node: n.address, what: `${n.address} is down (for ${duration(age)})${n.lastError ? ': ' + n.lastError : ''}`, todo: n.role === 'primary' ? 'Check the process and the network; if it stays down, make sure a replica took over its slots.' : 'Check the process and the network; until it is back its primary has one copy less.' });
      continue;
    }
    if (n.state === 'connecting' && age > CONNECTING_TOO_LONG) {
      out.push({ level: 'warn', node: n.address, what: `${n.address} is still connecting after ${duration(age)}${n.lastError ? ': ' + n.lastError : ''}`, todo: 'Check that the address announced by the cluster is reachable from this machine and that the credentials work on every node.' });
    }
    for (const [name, src] of Object.entries(n.sources ?? {})) {
      if (src.state === 'failing') out.push({ level: 'warn', node: n.address, what: `${n.address}: reading ${name.replace('_', ' ').toUpperCase()} fails: ${src.lastError ?? 'error'}`, todo: 'Check the ACL of the monitoring user (it needs INFO, MEMORY STATS and CLUSTER commands).' });
    }
    if (v.ratio >= MEMORY_HIGH) {
      out.push({ level: v.ratio >= 0.98 ? 'bad' : 'warn', node: n.address, what: `${n.address} uses ${formatValue(v.ratio, 'ratio')} of maxmemory (${formatBytes(v.used)} of ${formatBytes(v.max)})`, todo: 'Evictions or OOM errors come next: raise maxmemory, add shards, or look for big keys and missing TTLs.' });
    }
    if (v.cpu >= CPU_HIGH) {
      out.push({ level: 'warn', node: n.address, what: `${n.address} is CPU-bound: ${formatValue(v.cpu, 'ratio')} of a core`, todo: 'Look for slow commands in the command log and for hot keys or slots; consider more shards or I/O threads.' });
    }
    if (n.role === 'replica') {
      if (v.link === 0) out.push({ level: 'bad', node: n.address, what: `${n.address} has lost the link to its primary ${n.primary ?? ''}`, todo: 'Check the primary and the network between them; a long break forces a full resync.' });
      else if (v.lagSec >= LAG_SECONDS_HIGH || v.lagBytes >= LAG_BYTES_HIGH) {
        out.push({ level: 'warn', node: n.address, what: `${n.address} lags its primary by ${formatSeconds(v.lagSec)}${v.lagBytes !== undefined ? ' / ' + formatBytes(v.lagBytes) : ''}`, todo: 'Reads from this replica are stale; check its CPU and network, and write bursts on the primary.' });
      }
    }
  }
  const rank = { bad: 0, warn: 1 };
  return out.sort((a, b) => rank[a.level] - rank[b.level]);
}

/** Sort: nodes with problems first (down first), then shard by shard (a primary, then its replicas), by address. */
function sortNodes(nodes, problems) {
  const troubled = new Map();
  for (const p of problems) if (p.node) troubled.set(p.node, Math.min(troubled.get(p.node) ?? 9, p.level === 'bad' ? 0 : 1));
  const shard = (n) => (n.role === 'replica' && n.primary ? n.primary : n.address);
  return [...nodes].sort(
    (a, b) =>
      (troubled.get(a.address) ?? 9) - (troubled.get(b.address) ?? 9) ||
      cmp(shard(a), shard(b)) ||
      (a.role === 'replica') - (b.role === 'replica') ||
      cmp(a.address, b.address),
  );
}

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function Overview() {
  const { data, error, loading } = useLoad((signal) => loadOverview(signal), [], { everyMs: 2000 });
  if (!data) {
    if (error) return html`<section class="page overview"><h1>Overview</h1><${ErrorBox} error=${error}>Retrying every 2 s.</${ErrorBox}></section>`;
    return html`<section class="page overview"><h1>Overview</h1><${Loading} what="Loading nodes" /></section>`;
  }
  const now = Date.now() / 1000;
  const nodes = data.nodes ?? [];
  const targets = data.targets ?? [];
  const vals = valuesByNode(data.latest);
  const problems = findProblems(nodes, targets, vals, now);
  const sorted = sortNodes(nodes, problems);
  const multi = targets.length > 1;

  return html`<section class="page overview" data-testid="overview">
    <div class="page-head">
      <h1>Overview</h1>
      <span class="muted">${targets.length} target${targets.length === 1 ? '' : 's'} · ${nodes.length} node${nodes.length === 1 ? '' : 's'} · refreshed every 2 s</span>
      ${loading ? html`<span class="spinner small"></span>` : null}
    </div>
    <${ErrorBox} error=${error} stale />
    <${ErrorBox} error=${data.latestError}>Node list is current; values are missing until the latest-values call works again.</${ErrorBox}>
    ${nodes.length === 0 ? html`<${NoNodes} targets=${targets} />` : null}
    <${Problems} problems=${problems} />
    ${nodes.length > 0 ? html`<${Tiles} nodes=${nodes} vals=${vals} now=${now} />` : null}
    ${nodes.length > 0
      ? multi
        ? targets.map((t) => {
            const mine = sorted.filter((n) => t.nodes.includes(n.address));
            return html`<div class="target-block"><h2>${t.url} <span class="muted">${t.kind} · ${mine.length} node${mine.length === 1 ? '' : 's'}</span></h2>
              <${NodeTable} nodes=${mine} vals=${vals} now=${now} problems=${problems} /></div>`;
          })
        : html`<${NodeTable} nodes=${sorted} vals=${vals} now=${now} problems=${problems} />`
      : null}
  </section>`;
}

function NoNodes({ targets }) {
  return html`<${Empty} title=${`Connecting to ${targets.map((t) => t.url).join(', ') || 'the configured servers'}…`}>
    ${targets.some((t) => t.lastError)
      ? targets.filter((t) => t.lastError).map((t) => html`<div class="bad">${t.url}: ${t.lastError}</div>`)
      : html`<div>No node has answered yet.</div>`}
    <div>Check the URL (host:port reachable from this machine), the user and password, and TLS (<code>rediss://</code>) if the server needs it.</div>
  </${Empty}>`;
}

function Problems({ problems }) {
  if (problems.length === 0) return html`<div class="problems ok" data-testid="problems" data-count="0"><span class="good">●</span> No problems: every node is up and within limits.</div>`;
  return html`<div class="problems" data-testid="problems" data-count=${problems.length} role="alert">
    ${problems.map(
      (p) => html`<div class=${'problem ' + p.level} data-node=${p.node ?? ''}>
        <span class="problem-what">${p.node ? html`<${Link} href=${href('/dashboard', { node: p.node })}>${p.what}</${Link}>` : p.what}</span>
        <span class="problem-todo">${p.todo}</span>
      </div>`,
    )}
  </div>`;
}

function Tiles({ nodes, vals, now }) {
  const up = nodes.filter((n) => n.state === 'up').length;
  const primaries = nodes.filter((n) => n.role === 'primary');
  const replicas = nodes.filter((n) => n.role === 'replica').length;
  let ops = 0;
  let mem = 0;
  let keys = 0;
  for (const n of nodes) {
    const v = vals.get(n.address);
    if (!v || n.state !== 'up' || now - v.ts > STALE_SECONDS) continue;
    ops += v.ops ?? 0;
    mem += v.used ?? 0;
    // Replicas hold copies of their primary's keys: the cluster's keys are the primaries'.
    if (n.role !== 'replica') keys += v.keys ?? 0;
  }
  const tile = (label, value, cls = '', title) => html`<div class=${'tile ' + cls} title=${title}><div class="tile-value num">${value}</div><div class="tile-label">${label}</div></div>`;
  return html`<div class="tiles" data-testid="tiles">
    ${tile('nodes up', `${up} / ${nodes.length}`, up < nodes.length ? 'bad' : 'good')}
    ${tile('primaries / replicas', `${primaries.length} / ${replicas}`)}
    ${tile('ops/s', count(ops), '', 'Commands per second, all nodes')}
    ${tile('memory used', formatBytes(mem), '', 'used_memory summed over nodes that are up')}
    ${tile('keys', count(keys), '', 'Keys on primaries (replicas hold copies)')}
  </div>`;
}

function NodeTable({ nodes, vals, now, problems }) {
  const bad = new Set(problems.filter((p) => p.node).map((p) => p.node));
  return html`<div class="table-scroll"><table class="grid node-table" data-testid="node-table">
    <thead><tr>
      <th>Node</th><th>Role</th><th>Server</th><th>State</th>
      <th class="num">Ops/s</th><th class="num">Memory</th><th class="num">CPU</th><th class="num">Clients</th><th class="num">Keys</th><th class="num">Repl. lag</th><th>Last error</th>
    </tr></thead>
    <tbody>
      ${nodes.map((n) => html`<${NodeRow} key=${n.address} n=${n} v=${vals.get(n.address) ?? {}} now=${now} flagged=${bad.has(n.address)} />`)}
    </tbody>
  </table></div>`;
}

function NodeRow({ n, v, now, flagged }) {
  const stale = n.state !== 'up' || !v.ts || now - v.ts > STALE_SECONDS;
  const cls = stale ? 'num stale' : 'num';
  const title = v.ts ? `as of ${formatAgo(v.ts, now)}` : 'no value yet';
  const memPct = v.max > 0 && v.used !== undefined ? v.used / v.max : undefined;
  const stateCls = n.state === 'up' ? 'good' : n.state === 'down' ? 'bad' : 'warn';
  return html`<tr class=${flagged ? 'flagged' : ''} data-node=${n.address} data-state=${n.state} data-role=${n.role}>
    <td class="mono nowrap"><${Link} href=${href('/dashboard', { node: n.address })} title="Open this node on the dashboard">${n.address}</${Link}></td>
    <td class="nowrap"><span class=${'role-tag ' + n.role}>${n.role}</span>${n.role === 'replica' && n.primary ? html` <span class="muted">of ${n.primary}</span>` : null}</td>
    <td class="nowrap muted">${n.flavor ?? ''} ${n.version ?? ''}</td>
    <td class="nowrap"><span class=${'node-state ' + stateCls}>● ${n.state}</span> <span class="muted">${duration(now - n.since / 1000)}</span></td>
    <td class=${cls} title=${title}>${fmt(v.ops, count)}</td>
    <td class=${cls} title=${title}>${fmt(v.used, formatBytes)}${memPct !== undefined ? html` <span class=${memPct >= MEMORY_HIGH ? 'bad' : 'muted'}>${(memPct * 100).toFixed(0)}%</span>` : null}</td>
    <td class=${cls + (v.cpu >= CPU_HIGH ? ' bad' : '')} title=${title}>${fmt(v.cpu, (x) => formatValue(x, 'ratio'))}</td>
    <td class=${cls} title=${title}>${fmt(v.clients, count)}</td>
    <td class=${cls} title=${title}>${fmt(v.keys ?? (v.ts ? 0 : undefined), count)}</td>
    <td class=${cls + (v.lagSec >= LAG_SECONDS_HIGH || v.link === 0 ? ' bad' : '')} title=${title}>${n.role === 'replica' ? lagText(v) : html`<span class="muted">–</span>`}</td>
    <td class="last-error" title=${n.lastError ?? ''}>${n.lastError ? html`<span class="bad">${n.lastError}</span>` : null}</td>
  </tr>`;
}

function lagText(v) {
  if (v.link === 0) return 'link down';
  if (v.lagSec === undefined && v.lagBytes === undefined) return '–';
  const sec = v.lagSec === undefined ? '–' : duration(v.lagSec);
  return `${sec}${v.lagBytes !== undefined ? ' · ' + formatBytes(v.lagBytes) : ''}`;
}

/** How long, in whole seconds under a minute ("7 s"), else minutes, hours, days. */
function duration(sec) {
  if (sec === undefined || sec === null || !Number.isFinite(sec)) return '–';
  return sec < 60 ? `${Math.max(0, Math.round(sec))} s` : formatSeconds(sec);
}

/** formatNumber without trailing zeros: counts of clients and keys are whole numbers. */
function count(v) {
  return formatNumber(v).replace(/\.0+(?=\D|$)/, '');
}

function fmt(v, f) {
  return v === undefined || v === null ? '–' : f(v);
}
