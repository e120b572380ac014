// The slot drill-down's hot keys: keys that the newest hot-key runs found in the selected slots, each linking to its run.
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { Link, href } from '../lib/route.js';
import { useLoad } from '../lib/hooks.js';
import { formatAgo } from '../lib/format.js';
import { HOTKEY_METRICS, formatHotValue, loadRun, methodLabel, metricInfo } from '../lib/hotkeys.js';
import { KeyText } from './KeyText.js';

/** Runs with keys looked at, newest first; each is one request, cached for the page's life. */
const RUNS_LOOKED_AT = 5;
const KEYS_SHOWN = 10;
/** The run list is shared by every drill-down opened within this time: clicking along the heatmap costs no requests. */
const RUNS_TTL_MS = 30_000;

let runsCache;
function recentRuns() {
  if (!runsCache || Date.now() - runsCache.at > RUNS_TTL_MS) {
    const p = api('/api/hotkeys/runs', { params: { limit: 50 } }).then((r) => r.runs);
    runsCache = { at: Date.now(), p };
    p.catch(() => (runsCache = undefined));
  }
  return runsCache.p;
}

/** One line per key: the row of its first metric in the page's order (CPU before network before accesses), best first. */
function keysOf(rows) {
  const order = (m) => {
    const i = HOTKEY_METRICS.findIndex((x) => x.id === m);
    return i < 0 ? HOTKEY_METRICS.length : i;
  };
  const sorted = [...rows].sort((a, b) => order(a.metric) - order(b.metric) || a.rank - b.rank);
  const seen = new Set();
  return sorted.filter((r) => !seen.has(r.key.hex) && seen.add(r.key.hex));
}

export function SlotHotKeys({ from, to }) {
  const load = useLoad(async () => {
    const runs = (await recentRuns()).filter((r) => r.keys > 0).slice(0, RUNS_LOOKED_AT);
    for (const r of runs) {
      const run = await loadRun(r.id);
      const rows = run.rows.filter((x) => x.slot !== null && x.slot >= from && x.slot <= to);
      if (rows.length > 0) return { run, keys: keysOf(rows), looked: runs.length };
    }
    return { run: null, looked: runs.length };
  }, [from, to]);
  const { data, error } = load;
  const find = html`<${Link} href="/hotkeys" data-testid="find-hot-keys">Find hot keys</${Link}>`;
  let body;
  if (!data) body = error ? html`<span class="bad">Hot-key runs unavailable: ${error.message}</span>` : html`<span class="muted">Looking at hot-key runs…</span>`;
  else if (!data.run)
    body = html`<span class="muted">${data.looked === 0 ? 'No hot-key run has found keys yet.' : `None of the newest ${data.looked} hot-key run${data.looked === 1 ? '' : 's'} found keys in these slots.`}</span> ${find}`;
  else {
    const { run, keys } = data;
    body = html`<span class="muted">run <${Link} href=${href('/hotkeys', { run: run.id })}>${run.id}</${Link}>, ${methodLabel(run.method)}, ${formatAgo(run.started)}:</span>
      <ul class="slot-hotkeys-list">
        ${keys.slice(0, KEYS_SHOWN).map(
          (r) => html`<li data-hex=${r.key.hex}>
            <${Link} href=${href('/hotkeys', { run: run.id, key: r.key.hex, metric: r.metric })} data-testid="slot-hotkey"><${KeyText} k=${r.key} /></${Link}>
            <span class="num">${metricInfo(r.metric).label} ${formatHotValue(r.metric, r.value)}</span>
            <span class="muted">slot ${r.slot} · ${r.node}</span>
          </li>`,
        )}
      </ul>
      ${keys.length > KEYS_SHOWN ? html`<span class="muted">and ${keys.length - KEYS_SHOWN} more · </span>` : null}${find}`;
  }
  return html`<div class="slot-hotkeys" data-testid="slot-hotkeys"><strong>Hot keys in these slots</strong> ${body}</div>`;
}
