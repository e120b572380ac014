// Renders the latest value of every metric per node in the Prometheus text exposition format (0.0.4).
import { catalog, self, type MetricDef } from '../metrics/catalog.ts';
import type { LatestValues } from '../metrics/latestValues.ts';
import { escapeLabelValue } from '../metrics/seriesKey.ts';

export interface NodeIdentity {
  address: string;
  flavor?: string;
  version?: string;
  role: string;
}

/** Families in catalog order; within a family, lines sorted by node then labels so output is stable. */
export function renderPrometheus(latest: LatestValues, nodes: NodeIdentity[]): string {
  const lines = new Map<string, string[]>();
  const add = (metric: MetricDef, labels: Record<string, string>, value: number) => {
    let l = lines.get(metric.name);
    if (!l) lines.set(metric.name, (l = []));
    l.push(`${metric.name}${formatLabels(labels)} ${formatValue(value)}`);
  };
  for (const n of nodes) {
    add(self.nodeInfo, { node: n.address, flavor: n.flavor ?? 'unknown', version: n.version ?? 'unknown', role: n.role }, 1);
  }
  for (const node of latest.nodes()) {
    for (const e of latest.entries(node)) add(e.metric, { node, ...e.labels }, e.value);
  }
  const out: string[] = [];
  for (const def of catalog) {
    const l = lines.get(def.name);
    if (!l) continue;
    out.push(`# HELP ${def.name} ${escapeHelp(def.help)}`, `# TYPE ${def.name} ${def.kind}`, ...l.sort());
  }
  return out.join('\n') + '\n';
}

function formatLabels(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function escapeHelp(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
