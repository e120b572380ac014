// The metrics explorer: every collected metric with its current value and trend; a click charts it by node or label.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { api, getCatalog } from '../lib/api.js';
import { setParams } from '../lib/route.js';
import { useLoad, useWidth } from '../lib/hooks.js';
import { rangeFromParams, resolveRange, stepFor } from '../lib/time.js';
import { formatValue } from '../lib/format.js';
import { RangePicker } from '../components/RangePicker.js';
import { Sparkline } from '../components/Sparkline.js';
import { Chart } from '../components/Chart.js';
import { Empty, ErrorBox, Loading } from '../components/States.js';

const SOURCES = ['info', 'memory_stats', 'derived', 'replication', 'skyscope'];
const KINDS = ['gauge', 'counter'];
const AGGS = ['avg', 'max', 'min', 'last'];
/** The server caps /api/sparklines at 200 metrics; smaller batches come back sooner and keep the page responsive. */
const SPARK_BATCH = 60;
const SPARK_POINTS = 60;
/** More lines than this make a chart unreadable; the rest are listed as hidden. */
const MAX_LINES = 16;

/** Amounts and rates add up across nodes and labels; ratios, durations and flags average (as /api/sparklines does). */
const ADDITIVE_UNITS = new Set(['bytes', 'keys', 'clients', 'connections', 'count', 'commands', 'calls', 'errors']);
export function combineOf(def) {
  if (def.kind === 'counter') return 'sum';
  if (def.unit === 'timestamp_seconds') return 'max';
  return ADDITIVE_UNITS.has(def.unit) ? 'sum' : 'avg';
}

function fold(values, how) {
  let acc = null;
  let n = 0;
  for (const v of values) {
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    n++;
    acc = acc === null ? v : how === 'max' ? Math.max(acc, v) : how === 'min' ? Math.min(acc, v) : acc + v;
  }
  return acc !== null && how === 'avg' ? acc / n : acc;
}

const csv = (s) => (s ? s.split(',').filter(Boolean) : []);

/** Current value per metric from /api/latest: the cluster value, each node's value and how many series fed it. */
function summarize(values, byName) {
  const per = new Map();
  for (const v of values ?? []) {
    let m = per.get(v.metric);
    if (!m) per.set(v.metric, (m = { all: [], nodes: new Map(), ts: 0 }));
    m.all.push(v.value);
    if (!m.nodes.has(v.node)) m.nodes.set(v.node, []);
    m.nodes.get(v.node).push(v.value);
    if (v.ts > m.ts) m.ts = v.ts;
  }
  const out = new Map();
  for (const [name, m] of per) {
    const def = byName.get(name);
    if (!def) continue;
    const how = combineOf(def);
    const nodes = [...m.nodes.entries()].map(([node, vs]) => ({ node, value: fold(vs, how) })).filter((n) => n.value !== null);
    nodes.sort((a, b) => a.value - b.value);
    out.set(name, { value: fold(m.all, how), how, nodes, series: m.all.length, ts: m.ts, trues: def.unit === 'boolean' ? nodes.filter((n) => n.value).length : 0 });
  }
  return out;
}

function valueText(def, s) {
  if (!s) return '–';
  if (def.unit === 'boolean' && s.nodes.length > 1) return `${s.trues} of ${s.nodes.length}`;
  return formatValue(s.value, def.unit, def.kind);
}

function valueTitle(def, s) {
  if (!s) return 'no recent sample';
  const what = def.unit === 'boolean' && s.nodes.length > 1 ? 'nodes where it is true' : s.how === 'sum' ? 'sum over nodes and labels' : s.how === 'max' ? 'newest over nodes' : 'average over nodes and labels';
  const lines = [`${valueText(def, s)}: ${what}, ${s.series} series`];
  if (s.nodes.length > 1) {
    const lo = s.nodes[0];
    const hi = s.nodes[s.nodes.length - 1];
    lines.push(`per node ${formatValue(lo.value, def.unit, def.kind)} – ${formatValue(hi.value, def.unit, def.kind)}`);
    lines.push(`lowest ${lo.node}, highest ${hi.node}`);
  } else if (s.nodes.length === 1) lines.push(s.nodes[0].node);
  return lines.join('\n');
}

/** Sparklines for the rows on screen only, fetched in batches and refreshed while the range is live. */
function useSparklines(range, rangeKey) {
  const [cache, setCache] = useState(() => new Map());
  const visible = useRef(new Set());
  const inflight = useRef(new Set());
  const [tick, setTick] = useState(0);
  const [refresh, setRefresh] = useState(0);
  const key = `${rangeKey}#${refresh}`;
  const keyRef = useRef(key);
  keyRef.current = key;

  const observer = useMemo(() => {
    let timer;
    return new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const m = e.target.dataset.metric;
          if (e.isIntersecting) visible.current.add(m);
          else visible.current.delete(m);
        }
        // Scrolling fires many callbacks; fetch once it settles a little.
        clearTimeout(timer);
        timer = setTimeout(() => setTick((t) => t + 1), 80);
      },
      { rootMargin: '200px 0px' },
    );
  }, []);
  useEffect(() => () => observer.disconnect(), []);

  useEffect(() => {
    if (!range.live) return;
    // A 60-point line over the range gains a point every range/60; refetch about that often (at least every 15 s).
    const t = setInterval(() => setRefresh((r) => r + 1), Math.max(15_000, (range.seconds / SPARK_POINTS) * 1000));
    return () => clearInterval(t);
  }, [range.live, range.seconds]);

  useEffect(() => {
    const want = [...visible.current].filter((m) => cache.get(m)?.key !== key && !inflight.current.has(`${key}|${m}`));
    if (want.length === 0) return;
    const { from, to } = resolveRange(range);
    for (let i = 0; i < want.length; i += SPARK_BATCH) {
      const batch = want.slice(i, i + SPARK_BATCH);
      for (const m of batch) inflight.current.add(`${key}|${m}`);
      api('/api/sparklines', { params: { metric: batch.join(','), from, to, points: SPARK_POINTS } })
        .then((r) => {
          setCache((old) => {
            const next = new Map(old);
            for (const m of batch) next.set(m, { key, values: r.series[m] ?? [], from: r.from, to: r.to });
            return next;
          });
        })
        .catch(() => {
          // Marked as fetched-empty for this key; the next refresh or range change tries again.
          setCache((old) => {
            const next = new Map(old);
            for (const m of batch) if (!next.has(m)) next.set(m, { key, values: [], failed: true });
            return next;
          });
        })
        .finally(() => {
          for (const m of batch) inflight.current.delete(`${key}|${m}`);
        });
    }
  }, [tick, key]);

  return { cache, observer, key };
}

function Row({ def, summary, spark, observer, selected }) {
  const ref = useRef(null);
  useEffect(() => {
    const el = ref.current;
    observer.observe(el);
    return () => observer.unobserve(el);
  }, []);
  const open = () => {
    setParams({ metric: def.name, split: null, agg: null, ...labelParamsCleared() });
    scrollTo({ top: 0 });
  };
  return html`<tr ref=${ref} data-metric=${def.name} class=${'metric-row' + (selected ? ' selected' : '')} tabIndex="0" data-testid="metric-row"
    onClick=${open} onKeyDown=${(e) => e.key === 'Enter' && open()}>
    <td class="mono metric-name">${def.name}${def.key ? html`<span class="key-mark" title="A key metric: on the dashboard">★</span>` : null}</td>
    <td class="metric-desc"><div title=${def.description}>${def.description}</div></td>
    <td class="muted">${def.unit}</td>
    <td class="muted">${def.kind}</td>
    <td class="muted">${def.source}</td>
    <td class="mono muted metric-labels">${def.labels.join(', ')}</td>
    <td class="num metric-value" title=${valueTitle(def, summary)} data-testid="metric-value">${valueText(def, summary)}</td>
    <td class="metric-spark"><${Sparkline} values=${spark?.values} loading=${!spark} width=${110} height=${20}
      title=${spark?.values?.length ? `${def.name}: ${formatValue(fold(spark.values, 'min'), def.unit, def.kind)} – ${formatValue(fold(spark.values, 'max'), def.unit, def.kind)} over the range` : undefined} /></td>
  </tr>`;
}

/** Every l.<label> URL parameter of the current page, set to null (for clearing them). */
function labelParamsCleared() {
  const out = {};
  for (const k of new URLSearchParams(location.search).keys()) if (k.startsWith('l.')) out[k] = null;
  return out;
}

function selectorOf(name, filters) {
  const parts = Object.entries(filters).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return parts.length ? `${name}{${parts.join(',')}}` : name;
}

/** Folds the raw per-(node, labels) columns into the lines the user asked for, biggest label values first. */
export function groupSeries(resp, split, how) {
  const [xs, ...cols] = resp.data;
  const groups = new Map();
  resp.series.forEach((s, i) => {
    const k = split === 'node' ? s.node : split === 'total' ? 'total' : (s.labels?.[split] ?? '(none)');
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(cols[i]);
  });
  let lines = [...groups.entries()].map(([label, cs]) => {
    const ys = xs.map((_, i) => fold(cs.map((c) => c[i]), how));
    let weight = 0;
    for (const y of ys) if (y !== null) weight += Math.abs(y);
    return { label, ys, weight };
  });
  if (split === 'node') lines.sort((a, b) => (a.label < b.label ? -1 : 1));
  else lines.sort((a, b) => b.weight - a.weight || (a.label < b.label ? -1 : 1));
  const hidden = lines.slice(MAX_LINES).map((l) => l.label);
  lines = lines.slice(0, MAX_LINES);
  return { data: [xs, ...lines.map((l) => l.ys)], series: lines.map((l) => ({ label: l.label })), hidden };
}

function MetricPanel({ def, params, range, rangeKey, allNodes, latestValues }) {
  const box = useRef(null);
  const width = useWidth(box);
  const nodesParam = params.get('nodes') || 'all';
  const chosen = nodesParam === 'all' ? allNodes : csv(nodesParam);
  const agg = AGGS.includes(params.get('agg')) ? params.get('agg') : 'avg';
  const splits = ['node', 'total', ...def.labels];
  const split = splits.includes(params.get('split')) ? params.get('split') : def.labels.length ? def.labels[0] : 'node';
  const filters = {};
  for (const l of def.labels) if (params.get('l.' + l)) filters[l] = params.get('l.' + l);
  const selector = selectorOf(def.name, filters);
  const how = combineOf(def);
  const { from, to } = resolveRange(range);
  const step = stepFor(from, to, width || 900);

  const series = useLoad(
    async (signal) => {
      const r = resolveRange(range);
      return api('/api/series', { params: { metric: selector, node: nodesParam, from: r.from, to: r.to, step, agg }, signal });
    },
    [selector, nodesParam, agg, rangeKey, step],
    { everyMs: range.live ? Math.max(5000, step * 1000) : undefined },
  );
  const events = useLoad(
    async (signal) => {
      const r = resolveRange(range);
      return (await api('/api/events', { params: { from: r.from, to: r.to, limit: 500 }, signal })).events;
    },
    [rangeKey],
    { everyMs: range.live ? 15000 : undefined },
  );

  const lines = useMemo(() => (series.data ? groupSeries(series.data, split, how) : undefined), [series.data, split, how]);
  const shownEvents = (events.data ?? []).filter((e) => nodesParam === 'all' || chosen.includes(e.node));

  // Label values seen in the newest samples, for the filter menus.
  const labelValues = {};
  for (const l of def.labels) {
    const vs = new Set();
    for (const v of latestValues ?? []) if (v.metric === def.name && v.labels?.[l] !== undefined) vs.add(v.labels[l]);
    if (filters[l]) vs.add(filters[l]);
    labelValues[l] = [...vs].sort();
  }

  // The header value follows the chart's node and label choices, not the whole cluster.
  const current = (latestValues ?? []).filter(
    (v) => v.metric === def.name && (nodesParam === 'all' || chosen.includes(v.node)) && Object.entries(filters).every(([k, x]) => v.labels?.[k] === x),
  );
  const summary = current.length ? summarize(current, new Map([[def.name, def]])).get(def.name) : undefined;

  const toggleNode = (node) => {
    const set = new Set(chosen);
    if (set.has(node)) set.delete(node);
    else set.add(node);
    if (set.size === 0) return;
    const all = allNodes.every((n) => set.has(n));
    setParams({ nodes: all ? null : [...set].sort().join(',') });
  };

  const splitLabel = split === 'node' ? 'per node' : split === 'total' ? (how === 'sum' ? 'total' : 'average') : `per ${split}`;
  return html`<section class="panel metric-panel" data-testid="metric-panel" data-metric=${def.name}>
    <div class="metric-panel-head">
      <strong class="mono">${def.name}</strong>
      <span class="muted">${def.unit}${def.kind === 'counter' ? ' per second' : ''} · ${def.kind} · ${def.source}</span>
      <span class="spacer"></span>
      <button type="button" class="icon" aria-label="Close chart" title="Close" onClick=${() => setParams({ metric: null, nodes: null, agg: null, split: null, ...labelParamsCleared() })}>✕</button>
    </div>
    <div class="muted metric-panel-desc">${def.description}</div>
    <div class="metric-controls">
      <div class="ctl-group" role="group" aria-label="Nodes">
        <span class="ctl-label">Nodes</span>
        <button type="button" class=${'chip' + (nodesParam === 'all' ? ' on' : '')} onClick=${() => setParams({ nodes: null })} data-node="all">all</button>
        ${allNodes.map(
          (n) => html`<label class=${'chip check' + (chosen.includes(n) ? ' on' : '')}>
            <input type="checkbox" checked=${chosen.includes(n)} onChange=${() => toggleNode(n)} data-node=${n} />
            <span class="mono">${n}</span>
          </label>`,
        )}
      </div>
      <label class="ctl-group"><span class="ctl-label">Lines</span>
        <select value=${split} onChange=${(e) => setParams({ split: e.currentTarget.value })} data-testid="split-select">
          ${splits.map((s) => html`<option value=${s}>${s === 'node' ? 'per node' : s === 'total' ? (how === 'sum' ? 'total of all' : 'average of all') : `per ${s}`}</option>`)}
        </select>
      </label>
      ${def.labels.map(
        (l) => html`<label class="ctl-group"><span class="ctl-label mono">${l}</span>
          <select value=${filters[l] ?? ''} onChange=${(e) => setParams({ ['l.' + l]: e.currentTarget.value })} data-label=${l}>
            <option value="">any</option>
            ${labelValues[l].map((v) => html`<option value=${v}>${v}</option>`)}
          </select>
        </label>`,
      )}
      <label class="ctl-group" title="How samples inside one time bucket are combined"><span class="ctl-label">Bucket</span>
        <select value=${agg} onChange=${(e) => setParams({ agg: e.currentTarget.value === 'avg' ? null : e.currentTarget.value })} data-testid="agg-select">
          ${AGGS.map((a) => html`<option value=${a}>${a}</option>`)}
        </select>
      </label>
    </div>
    <div ref=${box} class="metric-chart">
      <${Chart}
        title=${`${splitLabel}${Object.keys(filters).length ? ' · ' + Object.entries(filters).map(([k, v]) => `${k}=${v}`).join(', ') : ''}`}
        unit=${def.unit} kind=${def.kind} metric=${def.name} value=${summary ? valueText(def, summary) : undefined}
        hint=${summary ? valueTitle(def, summary) : undefined}
        data=${lines?.data} series=${lines?.series ?? []} height=${260}
        events=${shownEvents}
        onSelectRange=${(f, t) => (f === null ? setParams({ from: null, to: null }) : setParams({ from: Math.floor(f), to: Math.ceil(t), range: null }))}
        loading=${series.loading && !series.data} error=${series.error}
        emptyText=${`No samples of ${def.name} in this range for ${nodesParam === 'all' ? 'any node' : chosen.join(', ')}`}
      />
    </div>
    ${lines?.hidden.length
      ? html`<div class="muted hidden-lines">${lines.hidden.length} more ${split === 'node' ? 'nodes' : split + ' values'} not drawn (the ${MAX_LINES} largest are): ${lines.hidden.slice(0, 12).join(', ')}${lines.hidden.length > 12 ? ', …' : ''}. Pick one with the ${split} filter.</div>`
      : null}
    <div class="muted metric-panel-foot">
      ${series.data ? html`${series.data.series.length} series · step ${series.data.step} s from ${series.data.source === 'raw' ? 'raw samples' : series.data.source + ' rollup'} · ` : null}
      drag across the chart to zoom${range.live ? '' : ', double-click to go back to the live range'}
    </div>
  </section>`;
}

function Chip({ on, onClick, children, ...rest }) {
  return html`<button type="button" class=${'chip' + (on ? ' on' : '')} aria-pressed=${on} onClick=${onClick} ...${rest}>${children}</button>`;
}

export function Explore({ route }) {
  const p = route.params;
  const q = p.get('q') ?? '';
  const sources = csv(p.get('source'));
  const kinds = csv(p.get('kind'));
  const sort = p.get('sort') ?? 'name';
  const metric = p.get('metric');
  const range = rangeFromParams(p, '1h');
  const rangeKey = range.live ? range.id : `${range.from}-${range.to}`;

  const catalog = useLoad(() => getCatalog(), []);
  const latest = useLoad((signal) => api('/api/latest', { signal }), [], { everyMs: 10_000 });
  const nodes = useLoad((signal) => api('/api/nodes', { signal }), [], { everyMs: 30_000 });
  const { cache, observer } = useSparklines(range, rangeKey);

  const byName = catalog.data?.byName;
  const stored = useMemo(() => (catalog.data ? catalog.data.list.filter((m) => m.stored !== false) : []), [catalog.data]);
  const summaries = useMemo(() => (byName && latest.data ? summarize(latest.data.values, byName) : new Map()), [latest.data, byName]);
  const allNodes = useMemo(() => {
    const s = new Set((nodes.data?.nodes ?? []).map((n) => n.address));
    for (const v of latest.data?.values ?? []) s.add(v.node);
    return [...s].sort();
  }, [nodes.data, latest.data]);

  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  let rows = stored.filter(
    (m) =>
      (sources.length === 0 || sources.includes(m.source)) &&
      (kinds.length === 0 || kinds.includes(m.kind)) &&
      words.every((w) => m.name.toLowerCase().includes(w) || m.description.toLowerCase().includes(w) || m.name.replace(/_/g, ' ').includes(w)),
  );
  const val = (m) => summaries.get(m.name)?.value ?? null;
  rows = [...rows].sort((a, b) => {
    if (sort === 'value' || sort === 'value-asc') {
      const va = val(a);
      const vb = val(b);
      if (va === null && vb === null) return a.name < b.name ? -1 : 1;
      if (va === null) return 1;
      if (vb === null) return -1;
      return sort === 'value' ? vb - va : va - vb;
    }
    return (a.name < b.name ? -1 : 1) * (sort === 'name-desc' ? -1 : 1);
  });

  const toggle = (param, list, v) => {
    const next = list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
    setParams({ [param]: next.join(',') }, { replace: true });
  };
  const def = metric && byName?.get(metric);

  return html`<section class="page explore-page">
    <div class="page-head">
      <h1>Metrics</h1>
      <span class="muted" data-testid="metric-count">${catalog.data ? `${rows.length} of ${stored.length} metrics` : ''}</span>
      <span class="spacer"></span>
      <${RangePicker} range=${range} />
    </div>
    ${catalog.error ? html`<${ErrorBox} error=${catalog.error} />` : null}
    ${metric && catalog.data && !def ? html`<${ErrorBox} error=${{ message: `Unknown metric "${metric}"` }}>It is not in the catalog of this Skyscope version.</${ErrorBox}>` : null}
    ${def ? html`<${MetricPanel} key=${def.name} def=${def} params=${p} range=${range} rangeKey=${rangeKey} allNodes=${allNodes} latestValues=${latest.data?.values} />` : null}
    <div class="explore-filters">
      <input type="search" class="explore-search" placeholder="Filter metrics by name or description  ( / )" value=${q} data-search data-testid="metric-search"
        aria-label="Filter metrics" onInput=${(e) => setParams({ q: e.currentTarget.value }, { replace: true })} />
      <div class="ctl-group" role="group" aria-label="Source">
        <span class="ctl-label">Source</span>
        ${SOURCES.map((s) => html`<${Chip} on=${sources.includes(s)} onClick=${() => toggle('source', sources, s)} data-source=${s}>${s}</${Chip}>`)}
      </div>
      <div class="ctl-group" role="group" aria-label="Kind">
        <span class="ctl-label">Kind</span>
        ${KINDS.map((k) => html`<${Chip} on=${kinds.includes(k)} onClick=${() => toggle('kind', kinds, k)} data-kind=${k}>${k}</${Chip}>`)}
      </div>
      ${q || sources.length || kinds.length
        ? html`<button type="button" class="link" onClick=${() => setParams({ q: null, source: null, kind: null }, { replace: true })}>clear filters</button>`
        : null}
    </div>
    ${latest.error ? html`<${ErrorBox} error=${latest.error} stale=${!!latest.data} />` : null}
    ${!catalog.data && !catalog.error
      ? html`<${Loading} what="Loading the metric catalog" />`
      : catalog.data && rows.length === 0
        ? html`<${Empty} title=${`No metric matches${q ? ` “${q}”` : ''}${sources.length || kinds.length ? ' with these filters' : ''}`}>Search looks at names and descriptions; try a shorter word, or clear the filters.</${Empty}>`
        : catalog.data
          ? html`<table class="grid metric-table" data-testid="metric-table">
              <thead>
                <tr>
                  <th class="sortable" onClick=${() => setParams({ sort: sort === 'name' ? 'name-desc' : null }, { replace: true })} aria-sort=${sort.startsWith('name') ? (sort === 'name' ? 'ascending' : 'descending') : 'none'}>Name${sort === 'name' ? ' ↑' : sort === 'name-desc' ? ' ↓' : ''}</th>
                  <th>Description</th>
                  <th>Unit</th>
                  <th>Kind</th>
                  <th>Source</th>
                  <th>Labels</th>
                  <th class="sortable num" title="Newest sample: summed over nodes and labels for amounts and rates, averaged for ratios and durations. Hover a value for the per-node range."
                    onClick=${() => setParams({ sort: sort === 'value' ? 'value-asc' : 'value' }, { replace: true })}
                    aria-sort=${sort === 'value' ? 'descending' : sort === 'value-asc' ? 'ascending' : 'none'}>Now${sort === 'value' ? ' ↓' : sort === 'value-asc' ? ' ↑' : ''}</th>
                  <th>Last ${range.live ? range.id : 'range'}</th>
                </tr>
              </thead>
              <tbody>
                ${rows.map((m) => html`<${Row} key=${m.name} def=${m} summary=${summaries.get(m.name)} spark=${cache.get(m.name)} observer=${observer} selected=${m.name === metric} />`)}
              </tbody>
            </table>`
          : null}
  </section>`;
}
