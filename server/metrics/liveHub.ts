// Fans new samples and events out to live subscribers (the /api/live stream) without ever blocking collection.
import type { NodeEvent, Sample, SampleSink, SlotStatsBatch } from '../collect/sink.ts';

export interface LiveFilter {
  metrics?: Set<string>;
  nodes?: Set<string>;
}

export interface LiveSubscriber {
  filter: LiveFilter;
  onSamples(samples: Sample[]): void;
  onEvents(events: NodeEvent[]): void;
}

export class LiveHub implements SampleSink {
  private readonly subscribers = new Set<LiveSubscriber>();

  subscribe(sub: LiveSubscriber): () => void {
    this.subscribers.add(sub);
    return () => this.subscribers.delete(sub);
  }

  appendSamples(samples: Sample[]): void {
    for (const sub of this.subscribers) {
      const { metrics, nodes } = sub.filter;
      const picked = samples.filter((s) => (!metrics || metrics.has(s.metric)) && (!nodes || nodes.has(s.node)));
      if (picked.length > 0) sub.onSamples(picked);
    }
  }

  appendEvents(events: NodeEvent[]): void {
    for (const sub of this.subscribers) {
      const nodes = sub.filter.nodes;
      const picked = nodes ? events.filter((e) => nodes.has(e.node)) : events;
      if (picked.length > 0) sub.onEvents(picked);
    }
  }

  /** Slot statistics are not streamed: the heatmap re-reads the store every poll interval (10 s). */
  appendSlotStats(_batch: SlotStatsBatch): void {}
}

/** One sink that forwards to several (store, live hub, ...). */
export function fanOut(...sinks: SampleSink[]): SampleSink {
  return {
    appendSamples: (samples) => sinks.forEach((s) => s.appendSamples(samples)),
    appendEvents: (events) => sinks.forEach((s) => s.appendEvents(events)),
    appendSlotStats: (batch) => sinks.forEach((s) => s.appendSlotStats(batch)),
  };
}
