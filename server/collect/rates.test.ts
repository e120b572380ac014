// Tests RateTracker (counters -> per-second rates, resets, derived metrics) on a real INFO capture and edited copies of it.
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromJson, type Json } from '../../test/fixtures/json.ts';
import { catalog } from '../metrics/catalog.ts';
import { seriesKey } from '../metrics/seriesKey.ts';
import { parseInfo } from '../valkey/infoReply.ts';
import { infoToReadings } from './infoReadings.ts';
import { RateTracker } from './rates.ts';
import type { Sample } from './sink.ts';

const NODE = '127.0.0.1:16897';

function fixtureText(flavor: string, name: string): string {
  const f = JSON.parse(readFileSync(join(import.meta.dir, '../../test/fixtures', flavor, `${name}.json`), 'utf8')) as { reply: Json };
  return String(fromJson(f.reply));
}

/** A copy of an INFO reply with some fields changed: how the tests make a "later" capture from a real one. */
function edit(text: string, changes: Record<string, string>): string {
  let out = text;
  for (const [field, value] of Object.entries(changes)) {
    const re = new RegExp(`^${field.replace(/[|]/g, '\\|')}:.*$`, 'm');
    if (!re.test(out)) throw new Error(`no field ${field} to edit`);
    out = out.replace(re, `${field}:${value}\r`);
  }
  return out;
}

const readingsOf = (text: string) => infoToReadings(parseInfo(text));
const byKey = (samples: Sample[]) => new Map(samples.map((s) => [seriesKey(s.metric, s.labels), s.value]));
const kindOf = new Map(catalog.map((d) => [d.name, d.kind]));

// The real Valkey 9 capture: keyspace_hits:93, keyspace_misses:10, used_cpu_sys:0.004861, used_cpu_user:0.009722,
// cmdstat_get calls=102 usec=45, total_commands_processed:194, used_memory:1569648, maxmemory:0.
const first = fixtureText('valkey9', 'info-all');
// Edited by hand to be the same server 10 s later (these numbers are not from a real server).
const later = edit(first, {
  keyspace_hits: '393',
  keyspace_misses: '110',
  used_cpu_sys: '0.504861',
  used_cpu_user: '1.509722',
  cmdstat_get: 'calls=1102,usec=2045,usec_per_call=1.86,rejected_calls=0,failed_calls=1',
  total_commands_processed: '2194',
  maxmemory: '3139296',
});
const T0 = 1_795_318_660_946; // server_time_usec / 1000 of the capture
const W0 = 1_700_000_000_000;

describe('RateTracker on a real INFO capture', () => {
  test('the first poll yields only gauges, stamped with the wall clock', () => {
    const readings = readingsOf(first);
    const samples = new RateTracker().toSamples(NODE, readings, T0, W0);
    const gauges = readings.filter((r) => r.metric.kind === 'gauge');
    expect(gauges.length).toBeGreaterThan(100);
    expect(samples).toHaveLength(gauges.length);
    for (const s of samples) {
      expect(kindOf.get(s.metric)).toBe('gauge');
      expect(s.ts).toBe(W0);
      expect(s.node).toBe(NODE);
    }
    const got = byKey(samples);
    expect(got.get('valkey_memory_used_bytes')).toBe(1569648);
    expect(got.get('valkey_db_keys{db="0"}')).toBe(58);
    // No interval yet: no hit ratio or CPU; maxmemory 0 means no memory ratio.
    for (const m of ['valkey_keyspace_hit_ratio', 'valkey_cpu_usage_ratio', 'valkey_memory_used_ratio', 'valkey_command_avg_latency_seconds{cmd="get"}']) expect(got.has(m)).toBe(false);
  });

  test('the second poll turns counters into per-second rates and computes the derived metrics', () => {
    const tracker = new RateTracker();
    tracker.toSamples(NODE, readingsOf(first), T0, W0);
    const samples = tracker.toSamples(NODE, readingsOf(later), T0 + 10_000, W0 + 10_000);
    const got = byKey(samples);
    expect(got.get('valkey_commands_processed_total')).toBe(200); // (2194 - 194) / 10 s
    expect(got.get('valkey_keyspace_hits_total')).toBe(30);
    expect(got.get('valkey_keyspace_misses_total')).toBe(10);
    expect(got.get('valkey_command_calls_total{cmd="get"}')).toBe(100);
    expect(got.get('valkey_command_duration_seconds_total{cmd="get"}')).toBeCloseTo(0.0002, 12);
    // Unchanged counters have a rate of 0, not no rate.
    expect(got.get('valkey_command_calls_total{cmd="set"}')).toBe(0);
    expect(got.get('valkey_keyspace_hit_ratio')).toBe(0.75); // 300 / (300 + 100)
    expect(got.get('valkey_cpu_usage_ratio')).toBeCloseTo(0.2, 12); // (0.5 + 1.5) s / 10 s
    expect(got.get('valkey_memory_used_ratio')).toBe(0.5); // 1569648 / 3139296
    expect(got.get('valkey_command_avg_latency_seconds{cmd="get"}')).toBeCloseTo(0.000002, 15); // 2000 usec / 1000 calls
    // No calls of set in the interval: no average latency for it.
    expect(got.has('valkey_command_avg_latency_seconds{cmd="set"}')).toBe(false);
    for (const s of samples) expect(s.ts).toBe(W0 + 10_000);
  });

  test('dt comes from the ts passed in (the server clock), not from the wall clock', () => {
    const tracker = new RateTracker();
    tracker.toSamples(NODE, readingsOf(first), T0, W0);
    // The wall clock says 1 s (the first reply was slow to arrive); the server clock says 10 s.
    const got = byKey(tracker.toSamples(NODE, readingsOf(later), T0 + 10_000, W0 + 1_000));
    expect(got.get('valkey_commands_processed_total')).toBe(200);
    expect(got.get('valkey_cpu_usage_ratio')).toBeCloseTo(0.2, 12);
  });

  test('a counter that went down yields no rate for that interval; the others still do; the next interval is fine', () => {
    const tracker = new RateTracker();
    tracker.toSamples(NODE, readingsOf(later), T0, W0);
    // CONFIG RESETSTAT between polls (edited copy): commandstats and keyspace_hits restart from small numbers.
    const reset = edit(later, { cmdstat_get: 'calls=5,usec=10,usec_per_call=2.00,rejected_calls=0,failed_calls=0', keyspace_hits: '4', total_commands_processed: '2294' });
    const got = byKey(tracker.toSamples(NODE, readingsOf(reset), T0 + 10_000, W0 + 10_000));
    expect(got.has('valkey_command_calls_total{cmd="get"}')).toBe(false);
    expect(got.has('valkey_command_duration_seconds_total{cmd="get"}')).toBe(false);
    expect(got.has('valkey_command_avg_latency_seconds{cmd="get"}')).toBe(false);
    expect(got.has('valkey_keyspace_hits_total')).toBe(false);
    expect(got.has('valkey_keyspace_hit_ratio')).toBe(false);
    expect(got.get('valkey_command_failed_calls_total{cmd="get"}')).toBeUndefined(); // 1 -> 0 is a reset too
    expect(got.get('valkey_commands_processed_total')).toBe(10);
    expect(got.get('valkey_memory_used_bytes')).toBe(1569648);

    const after = edit(reset, { cmdstat_get: 'calls=25,usec=50,usec_per_call=2.00,rejected_calls=0,failed_calls=0', keyspace_hits: '14', keyspace_misses: '120' });
    const next = byKey(tracker.toSamples(NODE, readingsOf(after), T0 + 20_000, W0 + 20_000));
    expect(next.get('valkey_command_calls_total{cmd="get"}')).toBe(2);
    expect(next.get('valkey_keyspace_hit_ratio')).toBe(0.5); // 10 hits, 10 misses
    expect(next.get('valkey_command_avg_latency_seconds{cmd="get"}')).toBeCloseTo(0.000002, 15);
  });

  test('reset() forgets the previous poll: the next poll yields only gauges', () => {
    const tracker = new RateTracker();
    tracker.toSamples(NODE, readingsOf(first), T0, W0);
    tracker.reset();
    const samples = tracker.toSamples(NODE, readingsOf(later), T0 + 10_000, W0 + 10_000);
    for (const s of samples) expect(kindOf.get(s.metric)).toBe('gauge');
    const got = byKey(samples);
    expect(got.has('valkey_keyspace_hit_ratio')).toBe(false);
    expect(got.has('valkey_cpu_usage_ratio')).toBe(false);
    expect(got.get('valkey_memory_used_ratio')).toBe(0.5);
  });

  test('a clock that did not move forward yields no rates', () => {
    const tracker = new RateTracker();
    tracker.toSamples(NODE, readingsOf(first), T0, W0);
    for (const ts of [T0, T0 - 5_000]) {
      const samples = tracker.toSamples(NODE, readingsOf(later), ts, W0 + 10_000);
      expect(samples.filter((s) => kindOf.get(s.metric) === 'counter')).toEqual([]);
      expect(byKey(samples).has('valkey_cpu_usage_ratio')).toBe(false);
    }
  });

  test('no lookups in the interval: no hit ratio (not NaN)', () => {
    const tracker = new RateTracker();
    tracker.toSamples(NODE, readingsOf(first), T0, W0);
    const got = byKey(tracker.toSamples(NODE, readingsOf(first), T0 + 10_000, W0 + 10_000));
    expect(got.get('valkey_keyspace_hits_total')).toBe(0);
    expect(got.has('valkey_keyspace_hit_ratio')).toBe(false);
    expect(got.get('valkey_cpu_usage_ratio')).toBe(0);
  });

  test('a commandstats or errorstats line that appears counts from 0 (the server lists them from the first call)', () => {
    const tracker = new RateTracker();
    tracker.toSamples(NODE, readingsOf(first), T0, W0);
    const withNew = later
      .replace('# Errorstats\r\n', '# Errorstats\r\nerrorstat_NOPERM:count=3\r\n')
      .replace('# Commandstats\r\n', '# Commandstats\r\ncmdstat_sort:calls=2,usec=60000,usec_per_call=30000.00,rejected_calls=0,failed_calls=1\r\n');
    const got = byKey(tracker.toSamples(NODE, readingsOf(withNew), T0 + 10_000, W0 + 10_000));
    expect(got.get('valkey_errors_total{error="NOPERM"}')).toBeCloseTo(0.3, 9);
    expect(got.get('valkey_errors_total{error="ERR"}')).toBe(0);
    expect(got.get('valkey_command_calls_total{cmd="sort"}')).toBeCloseTo(0.2, 9);
    expect(got.get('valkey_command_duration_seconds_total{cmd="sort"}')).toBeCloseTo(0.006, 9);
    expect(got.get('valkey_command_failed_calls_total{cmd="sort"}')).toBeCloseTo(0.1, 9);
    expect(got.get('valkey_command_avg_latency_seconds{cmd="sort"}')).toBeCloseTo(0.03, 9);
  });

  test('any other counter that appears only in the second poll has no rate yet', () => {
    const tracker = new RateTracker();
    tracker.toSamples(NODE, readingsOf(first.replace(/^total_net_input_bytes:.*\r\n/m, '')), T0, W0);
    const got = byKey(tracker.toSamples(NODE, readingsOf(later), T0 + 10_000, W0 + 10_000));
    expect(got.has('valkey_net_input_bytes_total')).toBe(false);
    expect(got.has('valkey_commands_processed_total')).toBe(true);
  });
});
