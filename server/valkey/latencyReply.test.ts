// Tests the LATENCY LATEST / HISTORY / HISTOGRAM parsers on replies captured from every flavor (test/fixtures/latency), and percentiles on hand-built histograms.
import { describe, expect, test } from 'bun:test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLAVORS, type Flavor } from '../../test/servers/flavors.ts';
import { fromJson, type Json } from '../../test/fixtures/json.ts';
import {
  histogramDelta, histogramPercentile, parseLatencyHistogram, parseLatencyHistory, parseLatencyLatest, type CommandHistogram,
} from './latencyReply.ts';

interface Fixture {
  command: string[];
  protocol?: 3;
  reply?: unknown;
  error?: string;
}

const DIR = join(import.meta.dir, '../../test/fixtures/latency');

function fixture(flavor: Flavor, name: string): Fixture {
  const f = JSON.parse(readFileSync(join(DIR, `${flavor}-${name}.json`), 'utf8')) as Fixture & { reply?: Json };
  return { ...f, reply: f.reply === undefined ? undefined : fromJson(f.reply) };
}

const histogram = (flavor: Flavor, name: string, cmd: string): CommandHistogram => {
  const h = parseLatencyHistogram(fixture(flavor, name).reply).find((x) => x.cmd === cmd);
  if (!h) throw new Error(`${flavor}-${name}: no ${cmd}`);
  return h;
};
const now = (flavor: Flavor) => Number((fixture(flavor, 'time').reply as string[])[0]);

// Bounds the server uses: HdrHistogram power-of-two steps from 1024 ns, in µs (highest equivalent value).
const BOUNDS = [1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227, 8454, 16908, 33816, 67633, 135266, 270532, 541065, 1082130];

function expectServerShape(h: CommandHistogram): void {
  expect(h.buckets.length).toBeGreaterThan(0);
  for (const [bound] of h.buckets) expect(BOUNDS).toContain(bound);
  for (let i = 1; i < h.buckets.length; i++) {
    expect(h.buckets[i]![0]).toBeGreaterThan(h.buckets[i - 1]![0]);
    // Cumulative, and listed only where the count grows.
    expect(h.buckets[i]![1]).toBeGreaterThan(h.buckets[i - 1]![1]);
  }
  expect(h.buckets.at(-1)![1]).toBe(h.calls);
}

describe('parseLatencyLatest and parseLatencyHistory on captured replies', () => {
  for (const flavor of FLAVORS) {
    const sixFields = flavor === 'valkey9';
    test(`${flavor}: ${sixFields ? 6 : 4} fields per event; command and fork events`, () => {
      const raw = fixture(flavor, 'latency-latest').reply as unknown[][];
      for (const e of raw) expect(e.length).toBe(sixFields ? 6 : 4);
      const latest = parseLatencyLatest(raw);
      const byEvent = new Map(latest.map((e) => [e.event, e]));
      // The capture saves HISTORY fork only when BGSAVE's fork took 1 ms or more (it did on every flavor so far).
      const hasFork = existsSync(join(DIR, `${flavor}-latency-history-fork.json`));
      expect([...byEvent.keys()]).toEqual(expect.arrayContaining(hasFork ? ['command', 'fork'] : ['command']));
      const command = byEvent.get('command')!;
      expect(command.ts).toBeLessThanOrEqual(now(flavor));
      expect(command.ts).toBeGreaterThan(now(flavor) - 60);
      expect(command.maxMs).toBeGreaterThanOrEqual(command.latestMs);
      // DEBUG POPULATE 300000 is the largest spike.
      expect(command.maxMs).toBeGreaterThan(100);
      for (const e of latest) {
        if (sixFields) {
          expect(e.count).toBeGreaterThanOrEqual(1);
          expect(e.sumMs).toBeGreaterThanOrEqual(e.maxMs);
        } else {
          expect(e.sumMs).toBeNull();
          expect(e.count).toBeNull();
        }
      }
      expect(parseLatencyLatest(fixture(flavor, 'latency-latest-empty').reply)).toEqual([]);
      expect(parseLatencyLatest(fixture(flavor, 'latency-latest-after-reset').reply)).toEqual([]);
      // LATENCY RESET answers how many events it dropped.
      expect(fixture(flavor, 'latency-reset').reply).toBe(latest.length);
    });

    test(`${flavor}: history is one sample per second, oldest first, and agrees with LATEST`, () => {
      const history = parseLatencyHistory(fixture(flavor, 'latency-history-command').reply);
      const command = parseLatencyLatest(fixture(flavor, 'latency-latest').reply).find((e) => e.event === 'command')!;
      // The two DEBUG SLEEP 0.02 a second apart, then the slow setup commands.
      expect(history.length).toBeGreaterThanOrEqual(3);
      for (const s of history.slice(0, 2)) {
        expect(s.ms).toBeGreaterThanOrEqual(20);
        expect(s.ms).toBeLessThan(40);
      }
      for (let i = 1; i < history.length; i++) expect(history[i]!.ts).toBeGreaterThan(history[i - 1]!.ts);
      expect(history.at(-1)).toEqual({ ts: command.ts, ms: command.latestMs });
      expect(Math.max(...history.map((s) => s.ms))).toBe(command.maxMs);
      if (command.count !== null) {
        // Valkey 9 counts every spike; history keeps the largest of each second, so it has no more samples.
        expect(command.count).toBeGreaterThanOrEqual(history.length);
        expect(command.sumMs!).toBeGreaterThanOrEqual(history.reduce((s, x) => s + x.ms, 0));
      }
      expect(parseLatencyHistory(fixture(flavor, 'latency-history-none').reply)).toEqual([]);
      if (existsSync(join(DIR, `${flavor}-latency-history-fork.json`))) {
        const fork = parseLatencyHistory(fixture(flavor, 'latency-history-fork').reply);
        expect(fork.length).toBe(1);
        expect(fork[0]!.ms).toBeGreaterThanOrEqual(1);
      }
    });
  }
});

describe('parseLatencyHistogram on captured replies', () => {
  for (const flavor of FLAVORS) {
    test(`${flavor}: named commands, cumulative counts on power-of-two bounds`, () => {
      const hs = parseLatencyHistogram(fixture(flavor, 'latency-histogram-get-set').reply);
      expect(hs.map((h) => h.cmd)).toEqual(['get', 'set']);
      // 30 GETs + GET big; 20 SETs + SET big.
      expect(hs.map((h) => h.calls)).toEqual([31, 21]);
      for (const h of hs) expectServerShape(h);
    });

    test(`${flavor}: without arguments, every command called, subcommands as "parent|sub"`, () => {
      const hs = parseLatencyHistogram(fixture(flavor, 'latency-histogram').reply);
      const names = hs.map((h) => h.cmd);
      expect(names).toEqual(expect.arrayContaining(['get', 'set', 'debug', 'sort', 'eval', 'config|set', 'slowlog|get', 'latency|latest']));
      for (const h of hs) expectServerShape(h);
      const debug = hs.find((h) => h.cmd === 'debug')!;
      // Two DEBUG SLEEP 0.02 (20 ms: the bucket up to 33.8 ms) and DEBUG POPULATE.
      expect(debug.calls).toBe(3);
      expect(debug.buckets[0]).toEqual([33816, 2]);
    });

    test(`${flavor}: RESP3 map form parses like the RESP2 array`, () => {
      const resp3 = fixture(flavor, 'latency-histogram-resp3');
      expect(resp3.protocol).toBe(3);
      expect(Array.isArray(resp3.reply)).toBe(false);
      const parsed = parseLatencyHistogram(resp3.reply);
      expect(parsed.map((h) => h.cmd)).toEqual(['get', 'set', 'debug']);
      expect(parsed.slice(0, 2)).toEqual(parseLatencyHistogram(fixture(flavor, 'latency-histogram-get-set').reply));
      const all2 = parseLatencyHistogram(fixture(flavor, 'latency-histogram').reply);
      for (const h of parseLatencyHistogram(fixture(flavor, 'latency-histogram-all-resp3').reply)) {
        expectServerShape(h);
        const same = all2.find((x) => x.cmd === h.cmd);
        // Commands the capture ran in between (latency|histogram, info, ...) moved on; the rest are equal.
        if (same && !/^(latency|client|hello|info|ping|config)/.test(h.cmd)) expect(h).toEqual(same);
      }
    });

    test(`${flavor}: delta between two captures is the calls in between; after CONFIG RESETSTAT it is null`, () => {
      for (const cmd of ['get', 'set']) {
        const before = histogram(flavor, 'latency-histogram-get-set-before', cmd);
        const after = histogram(flavor, 'latency-histogram-get-set', cmd);
        const d = histogramDelta(before, after)!;
        // GET big / SET big ran in between.
        expect(d).toMatchObject({ cmd, calls: 1 });
        expect(d.buckets.length).toBe(1);
        expect(d.buckets[0]![1]).toBe(1);
        expect(after.buckets.map(([b]) => b)).toContain(d.buckets[0]![0]);
        const p50 = histogramPercentile(d.buckets, 50)!;
        expect(p50).toBeGreaterThan(0);
        expect(p50).toBeLessThanOrEqual(d.buckets[0]![0]);
        expect(histogramDelta(after, after)).toEqual({ cmd, calls: 0, buckets: [] });
        expect(histogramPercentile(histogramDelta(after, after)!.buckets, 99)).toBeNull();
      }
      const reset = histogram(flavor, 'latency-histogram-get-set-after-resetstat', 'get');
      expect(reset.calls).toBe(1);
      expect(histogramDelta(histogram(flavor, 'latency-histogram-get-set', 'get'), reset)).toBeNull();
      // SET was not called after the reset, so it is absent from the reply.
      expect(parseLatencyHistogram(fixture(flavor, 'latency-histogram-get-set-after-resetstat').reply).map((h) => h.cmd)).toEqual(['get']);
    });
  }
});

describe('histogramPercentile on hand-built histograms', () => {
  // Cumulative: 10 calls up to 1 µs, 20 more in (1, 2], 10 more in (2, 4].
  const h: [number, number][] = [[1, 10], [2, 30], [4, 40]];

  test('interpolates inside the bucket where the running count reaches p%', () => {
    expect(histogramPercentile(h, 25)).toBe(1);
    expect(histogramPercentile(h, 50)).toBe(1.5);
    expect(histogramPercentile(h, 75)).toBe(2);
    expect(histogramPercentile(h, 90)).toBeCloseTo(3.2, 12);
    expect(histogramPercentile(h, 100)).toBe(4);
    expect(histogramPercentile(h, 10)).toBeCloseTo(0.4, 12);
    expect(histogramPercentile(h, 0)).toBe(0);
    expect(histogramPercentile([[100, 4]], 50)).toBe(50);
  });

  test('a gap between listed bounds: the calls lie between the previous listed bound and this one', () => {
    expect(histogramPercentile([[2, 1], [528, 2]], 75)).toBe(2 + 0.5 * 526);
  });

  test('no calls is null; a percentile outside 0..100 or non-cumulative counts throw', () => {
    expect(histogramPercentile([], 50)).toBeNull();
    expect(histogramPercentile([[1, 0]], 50)).toBeNull();
    expect(() => histogramPercentile(h, 101)).toThrow(RangeError);
    expect(() => histogramPercentile(h, Number.NaN)).toThrow(RangeError);
    expect(() => histogramPercentile([[1, 5], [2, 3]], 50)).toThrow(/cumulative/);
    expect(() => histogramPercentile([[2, 1], [1, 3]], 50)).toThrow(/ascend/);
  });
});

describe('histogramDelta on hand-built histograms', () => {
  const hist = (calls: number, buckets: [number, number][]): CommandHistogram => ({ cmd: 'get', calls, buckets });

  test('bounds missing from one side carry the count of the listed bound below them', () => {
    // Per bucket, before: 1:2, 4:3; after: 1:2, 2:2, 4:4. New calls: two in (1, 2], one in (2, 4].
    expect(histogramDelta(hist(5, [[1, 2], [4, 5]]), hist(8, [[1, 2], [2, 4], [4, 8]]))).toEqual(hist(3, [[2, 2], [4, 3]]));
    expect(histogramDelta(hist(0, []), hist(2, [[8, 2]]))).toEqual(hist(2, [[8, 2]]));
  });

  test('null when a bucket went down or the calls disagree (a reset in between)', () => {
    expect(histogramDelta(hist(6, [[1, 5], [2, 6]]), hist(9, [[1, 3], [2, 9]]))).toBeNull();
    expect(histogramDelta(hist(6, [[1, 6]]), hist(3, [[1, 3]]))).toBeNull();
    expect(histogramDelta(hist(6, [[1, 6]]), hist(9, [[1, 8]]))).toBeNull();
    expect(() => histogramDelta(hist(1, [[1, 1]]), { ...hist(1, [[1, 1]]), cmd: 'set' })).toThrow(/different commands/);
  });
});

describe('malformed replies throw a clear error', () => {
  test('LATEST, HISTORY and HISTOGRAM', () => {
    expect(() => parseLatencyLatest('OK')).toThrow(/LATENCY LATEST: expected an array/);
    expect(() => parseLatencyLatest([['command', 1, 2]])).toThrow(/LATENCY LATEST entry 0: expected an array of at least 4 fields/);
    expect(() => parseLatencyLatest([[7, 1, 2, 3]])).toThrow(/event: expected a string/);
    expect(() => parseLatencyLatest([['command', 'soon', 2, 3]])).toThrow(/timestamp: expected an integer/);
    expect(() => parseLatencyHistory([[1]])).toThrow(/LATENCY HISTORY sample 0: expected \[ts, ms\]/);
    expect(() => parseLatencyHistory(null)).toThrow(/LATENCY HISTORY: expected an array/);
    expect(() => parseLatencyHistogram(['get'])).toThrow(/LATENCY HISTOGRAM: expected name\/value pairs, got 1 items/);
    expect(() => parseLatencyHistogram(['get', ['calls', 1]])).toThrow(/LATENCY HISTOGRAM get: expected calls and histogram_usec/);
    expect(() => parseLatencyHistogram(['get', ['calls', 1, 'histogram_usec', [1, 'x']]])).toThrow(/get: count: expected an integer/);
    expect(() => parseLatencyHistogram(42)).toThrow(/LATENCY HISTOGRAM/);
  });

  test('Buffers (callBuffer) and Maps are accepted', () => {
    const b = (s: string) => Buffer.from(s);
    expect(parseLatencyLatest([[b('fork'), 10, 2, 3, 5, 2]])).toEqual([{ event: 'fork', ts: 10, latestMs: 2, maxMs: 3, sumMs: 5, count: 2 }]);
    const map = new Map([[b('get'), new Map<unknown, unknown>([[b('calls'), 3], [b('histogram_usec'), new Map([[4, 3], [1, 1]])]])]]);
    expect(parseLatencyHistogram(map)).toEqual([{ cmd: 'get', calls: 3, buckets: [[1, 1], [4, 3]] }]);
  });
});
