// In-memory id dictionaries for nodes, metrics and (node, metric) series, so appends never query.
import { canonicalLabels } from './labels.ts';
import type { SeriesKey } from './types.ts';

export interface MetricEntry {
  id: number;
  name: string;
  /** Canonical text, see labels.ts. */
  canonical: string;
  labels: Record<string, string>;
}

export interface NodeEntry {
  id: number;
  address: string;
}

/** Entries assigned in memory that the database does not have yet. */
export interface PendingEntries {
  nodes: NodeEntry[];
  metrics: MetricEntry[];
  series: [nodeId: number, metricId: number][];
}

const maxNodeId = 0xffff; // USMALLINT
const maxMetricId = 0xffffffff; // UINTEGER

export class Dictionary {
  private readonly nodeIds = new Map<string, number>();
  private readonly nodeAddresses = new Map<number, string>();
  private readonly metricIds = new Map<string, number>();
  private readonly metricById = new Map<number, MetricEntry>();
  private readonly metricsByName = new Map<string, MetricEntry[]>();
  private readonly seriesSet = new Set<number>();
  private nextNodeId = 1;
  private nextMetricId = 1;
  private pending: PendingEntries = { nodes: [], metrics: [], series: [] };

  /** Loads what the database already has (not pending). */
  load(nodes: NodeEntry[], metrics: MetricEntry[], series: [number, number][]): void {
    for (const n of nodes) this.addNode(n);
    for (const m of metrics) this.addMetric(m);
    for (const [nodeId, metricId] of series) this.seriesSet.add(seriesKey(nodeId, metricId));
  }

  nodeId(address: string): number {
    const known = this.nodeIds.get(address);
    if (known !== undefined) return known;
    if (this.nextNodeId > maxNodeId) throw new Error('too many distinct nodes for USMALLINT ids');
    const entry = { id: this.nextNodeId, address };
    this.addNode(entry);
    this.pending.nodes.push(entry);
    return entry.id;
  }

  metricId(name: string, labels: Record<string, string> | undefined): number {
    const canonical = canonicalLabels(labels);
    const key = canonical ? `${name}{${canonical}}` : name;
    const known = this.metricIds.get(key);
    if (known !== undefined) return known;
    if (this.nextMetricId > maxMetricId) throw new Error('too many distinct metrics for UINTEGER ids');
    const entry: MetricEntry = { id: this.nextMetricId, name, canonical, labels: { ...labels } };
    this.addMetric(entry);
    this.pending.metrics.push(entry);
    return entry.id;
  }

  /** Records that nodeId reported metricId (cheap when already known). */
  noteSeries(nodeId: number, metricId: number): void {
    const key = seriesKey(nodeId, metricId);
    if (this.seriesSet.has(key)) return;
    this.seriesSet.add(key);
    this.pending.series.push([nodeId, metricId]);
  }

  takePending(): PendingEntries {
    const taken = this.pending;
    this.pending = { nodes: [], metrics: [], series: [] };
    return taken;
  }

  /** Puts entries back after a failed write so the next flush retries them first. */
  restorePending(p: PendingEntries): void {
    this.pending = {
      nodes: [...p.nodes, ...this.pending.nodes],
      metrics: [...p.metrics, ...this.pending.metrics],
      series: [...p.series, ...this.pending.series],
    };
  }

  hasPending(): boolean {
    return this.pending.nodes.length + this.pending.metrics.length + this.pending.series.length > 0;
  }

  knownNodeId(address: string): number | undefined {
    return this.nodeIds.get(address);
  }

  address(nodeId: number): string {
    return this.nodeAddresses.get(nodeId) ?? `#${nodeId}`;
  }

  allNodeIds(): number[] {
    return [...this.nodeAddresses.keys()];
  }

  metric(metricId: number): MetricEntry | undefined {
    return this.metricById.get(metricId);
  }

  metricsNamed(name: string): MetricEntry[] {
    return this.metricsByName.get(name) ?? [];
  }

  /** Every (node, metric) pair seen. */
  allSeries(): [nodeId: number, metricId: number][] {
    const out: [number, number][] = [];
    for (const key of this.seriesSet) out.push([Math.floor(key / 2 ** 32), key % 2 ** 32]);
    return out;
  }

  /** What exists, for the metric catalog: each metric + label set with the nodes that reported it. */
  seriesKeys(): SeriesKey[] {
    const byMetric = new Map<number, string[]>();
    for (const [nodeId, metricId] of this.allSeries()) {
      const nodes = byMetric.get(metricId) ?? [];
      nodes.push(this.address(nodeId));
      byMetric.set(metricId, nodes);
    }
    const entries = [...byMetric].flatMap(([metricId, nodes]) => {
      const m = this.metricById.get(metricId);
      return m ? [{ m, nodes: nodes.sort() }] : [];
    });
    entries.sort((a, b) => compare(a.m.name, b.m.name) || compare(a.m.canonical, b.m.canonical));
    return entries.map(({ m, nodes }) => ({ metric: m.name, labels: m.labels, nodes }));
  }

  private addNode(n: NodeEntry): void {
    this.nodeIds.set(n.address, n.id);
    this.nodeAddresses.set(n.id, n.address);
    this.nextNodeId = Math.max(this.nextNodeId, n.id + 1);
  }

  private addMetric(m: MetricEntry): void {
    this.metricIds.set(m.canonical ? `${m.name}{${m.canonical}}` : m.name, m.id);
    this.metricById.set(m.id, m);
    const sameName = this.metricsByName.get(m.name);
    if (sameName) sameName.push(m);
    else this.metricsByName.set(m.name, [m]);
    this.nextMetricId = Math.max(this.nextMetricId, m.id + 1);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function seriesKey(nodeId: number, metricId: number): number {
  return nodeId * 2 ** 32 + metricId;
}
