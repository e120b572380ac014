// Turns successive INFO readings of one node into samples: counters become per-second rates, plus derived metrics.
import { derived, families, type MetricDef } from '../metrics/catalog.ts';
import { seriesKey } from '../metrics/seriesKey.ts';
import type { Sample } from './sink.ts';
import type { Reading } from './infoReadings.ts';

/**
 * Counters the server lists only once they are above zero (a command's first call adds its commandstats line, an
 * error's first reply its errorstats line): absent from the previous poll means 0 then, so a command's first
 * calls, however slow, get a rate instead of being taken as a baseline.
 */
const listedWhenNonzero = new Set([families.commandCalls, families.commandDuration, families.commandRejected, families.commandFailed, families.errors].map((m) => m.name));

interface Previous {
  ts: number;
  values: Map<string, number>;
}

/**
 * Keeps the previous poll of one node. `ts` is the server's clock when it reports one (server_time_usec),
 * so rates are not skewed by network jitter; `wallTs` stamps the samples.
 */
export class RateTracker {
  private prev: Previous | undefined;

  /** Forget the previous poll (node restarted or stats reset): the next poll yields no rates. */
  reset(): void {
    this.prev = undefined;
  }

  toSamples(node: string, readings: Reading[], ts: number, wallTs: number): Sample[] {
    const values = new Map<string, number>();
    for (const r of readings) values.set(seriesKey(r.metric.name, r.labels), r.value);
    const prev = this.prev;
    this.prev = { ts, values };
    const dt = prev ? (ts - prev.ts) / 1000 : 0;
    const out: Sample[] = [];
    const emit = (metric: MetricDef, labels: Record<string, string> | undefined, value: number) => {
      out.push(labels && Object.keys(labels).length > 0 ? { ts: wallTs, node, metric: metric.name, labels, value } : { ts: wallTs, node, metric: metric.name, value });
    };
    const delta = (key: string, zeroWhenAbsent = false): number | undefined => {
      if (!prev || dt <= 0) return undefined;
      const before = prev.values.get(key) ?? (zeroWhenAbsent ? 0 : undefined);
      const now = values.get(key);
      // A counter that went down was reset (CONFIG RESETSTAT, restart): no rate for this interval.
      if (before === undefined || now === undefined || now < before) return undefined;
      return now - before;
    };

    for (const r of readings) {
      if (r.metric.kind === 'gauge') {
        emit(r.metric, r.labels, r.value);
        continue;
      }
      const d = delta(seriesKey(r.metric.name, r.labels), listedWhenNonzero.has(r.metric.name));
      if (d !== undefined) emit(r.metric, r.labels, d / dt);
    }

    const hits = delta('valkey_keyspace_hits_total');
    const misses = delta('valkey_keyspace_misses_total');
    if (hits !== undefined && misses !== undefined && hits + misses > 0) emit(derived.hitRatio, undefined, hits / (hits + misses));

    const sys = delta('valkey_cpu_sys_seconds_total');
    const user = delta('valkey_cpu_user_seconds_total');
    if (sys !== undefined && user !== undefined) emit(derived.cpuUsage, undefined, (sys + user) / dt);

    const used = values.get('valkey_memory_used_bytes');
    const max = values.get('valkey_memory_max_bytes');
    if (used !== undefined && max !== undefined && max > 0) emit(derived.memoryUsedRatio, undefined, used / max);

    for (const r of readings) {
      if (r.metric !== families.commandCalls) continue;
      const calls = delta(seriesKey(r.metric.name, r.labels), true);
      const usec = delta(seriesKey(families.commandDuration.name, r.labels), true);
      if (calls !== undefined && usec !== undefined && calls > 0) emit(derived.commandAvgLatency, r.labels, usec / calls);
    }
    return out;
  }
}
