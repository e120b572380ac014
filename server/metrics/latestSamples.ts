// The newest stored sample of every series per node (counters as per-second rates), for /api/latest and the overview.
import type { NodeEvent, Sample, SampleSink, SlotStatsBatch } from '../collect/sink.ts';
import { seriesKey } from './seriesKey.ts';

export class LatestSamples implements SampleSink {
  private readonly byNode = new Map<string, Map<string, Sample>>();

  appendSamples(samples: Sample[]): void {
    for (const s of samples) {
      let map = this.byNode.get(s.node);
      if (!map) this.byNode.set(s.node, (map = new Map()));
      map.set(seriesKey(s.metric, s.labels), s);
    }
  }

  /** A removed node's values must not linger in totals. */
  appendEvents(events: NodeEvent[]): void {
    for (const e of events) if (e.kind === 'node_removed') this.byNode.delete(e.node);
  }

  /** Per-slot statistics are not series; they are read from the store. */
  appendSlotStats(_batch: SlotStatsBatch): void {}

  /** Newest samples, optionally only these metrics and nodes; ordered by node then series. */
  query(metrics?: Set<string>, nodes?: Set<string>): Sample[] {
    const out: Sample[] = [];
    for (const node of [...this.byNode.keys()].sort()) {
      if (nodes && !nodes.has(node)) continue;
      for (const s of this.byNode.get(node)!.values()) if (!metrics || metrics.has(s.metric)) out.push(s);
    }
    return out;
  }
}
