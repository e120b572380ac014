// The latest raw value of every metric per node, in memory, for /metrics and the overview.
import type { MetricDef } from './catalog.ts';
import { seriesKey } from './seriesKey.ts';

export interface LatestEntry {
  metric: MetricDef;
  labels?: Record<string, string>;
  /** Counters: cumulative value as the server reports it. Gauges: the value. */
  value: number;
  ts: number;
}

export class LatestValues {
  private readonly byNode = new Map<string, Map<string, LatestEntry>>();

  update(node: string, entries: { metric: MetricDef; labels?: Record<string, string>; value: number }[], ts: number): void {
    let map = this.byNode.get(node);
    if (!map) this.byNode.set(node, (map = new Map()));
    for (const e of entries) map.set(seriesKey(e.metric.name, e.labels), { metric: e.metric, labels: e.labels, value: e.value, ts });
  }

  /** Drop a node's values older than ts among the chosen metrics: a value the server no longer reports must not look fresh. */
  forgetOlderThan(node: string, ts: number, which: (m: MetricDef) => boolean): void {
    const map = this.byNode.get(node);
    if (!map) return;
    for (const [k, e] of map) if (e.ts < ts && which(e.metric)) map.delete(k);
  }

  removeNode(node: string): void {
    this.byNode.delete(node);
  }

  nodes(): string[] {
    return [...this.byNode.keys()].sort();
  }

  entries(node: string): LatestEntry[] {
    return [...(this.byNode.get(node)?.values() ?? [])];
  }

  get(node: string, metric: string, labels?: Record<string, string>): LatestEntry | undefined {
    return this.byNode.get(node)?.get(seriesKey(metric, labels));
  }
}
