// Tests the HOTKEYS GET parsers on replies captured from Redis 8.6 (RESP2 and RESP3) and on Valkey 9.2's documented shape.
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromJson, type Json } from '../../test/fixtures/json.ts';
import { parseRedisHotkeys, parseValkeyHotkeys, type RedisHotkeysReport } from './hotkeysReply.ts';

interface Fixture {
  command: string[];
  protocol?: 3;
  reply?: unknown;
  error?: string;
  workload?: Record<string, { commands: number; netBytes: number }>;
}

function fixture(name: string): Fixture {
  const f = JSON.parse(readFileSync(join(import.meta.dir, '../../test/fixtures/hotkeys', `${name}.json`), 'utf8')) as Fixture & { reply?: Json };
  return { ...f, reply: f.reply === undefined ? undefined : fromJson(f.reply) };
}

const parse = (name: string): RedisHotkeysReport => {
  const r = parseRedisHotkeys(fixture(name).reply);
  if (!r) throw new Error(`${name}: no report`);
  return r;
};
const keys = (list: { key: Buffer }[]) => list.map((e) => e.key.toString('latin1'));

describe('parseRedisHotkeys', () => {
  test('an unsampled session: every field, keys ranked as the server ranks them, binary key kept', () => {
    const r = parse('redis8-get-resp2');
    expect(r.active).toBe(false);
    expect(r.sampleRatio).toBe(1);
    expect(r.selectedSlots).toEqual([[0, 16383]]);
    expect(r.metrics).toEqual(['cpu', 'net']);
    expect(r.startedAt).toBeGreaterThan(Date.UTC(2020, 0, 1));
    expect(r.durationMs).toBeGreaterThan(0);
    expect(r.estimateScale).toEqual({ cpu: 1, net: 1 });
    // 500 SETs of a 1 KiB value: 1061 request bytes + 5 for +OK each, counted exactly.
    expect(r.byNetBytes[0]).toEqual({ key: Buffer.from('write-big'), value: 533_000, estimatedValue: 533_000 });
    expect(keys(r.byNetBytes).slice(0, 3)).toEqual(['write-big', 'read-hot', Buffer.from([0x68, 0x6b, 0xff, 0xfe, 0x00, 0x01]).toString('latin1')]);
    expect(r.byNetBytes[2]!.key).toEqual(Buffer.from([0x68, 0x6b, 0xff, 0xfe, 0x00, 0x01]));
    expect(r.byCpuUs.length).toBe(10);
    for (let i = 1; i < r.byCpuUs.length; i++) expect(r.byCpuUs[i - 1]!.value).toBeGreaterThanOrEqual(r.byCpuUs[i]!.value);
    // Without sampling or SLOTS, what was tracked is everything that names a key.
    expect(r.totals.netBytes).toBe(614_382);
    expect(r.totals.netBytesTracked).toBe(r.totals.netBytes);
    expect(r.totals.cpuUs).toBeGreaterThanOrEqual(r.byCpuUs.reduce((s, e) => s + e.value, 0));
    expect(r.totals.processCpuUserMs).not.toBeNull();
    expect(r.totals.cpuUsSelectedSlots).toBeNull();
    expect(r.totals.netBytesSampledSelectedSlots).toBeNull();
  });

  test('RESP3 (a map inside the outer array) parses exactly like RESP2', () => {
    // Each pair was captured from one stopped session. The process CPU fields are computed when GET runs and
    // keep growing after STOP (a real Redis 8.6.3 behaviour), so they may differ by a millisecond.
    const withoutProcessCpu = (r: RedisHotkeysReport) => ({ ...r, totals: { ...r.totals, processCpuUserMs: 0, processCpuSysMs: 0 } });
    expect(fixture('redis8-get-resp3').protocol).toBe(3);
    for (const [resp3, resp2] of [['redis8-get-resp3', 'redis8-get-resp2'], ['redis8-get-resp3-sampled', 'redis8-get-resp2-sampled'], ['redis8-get-slots-resp3', 'redis8-get-slots']]) {
      expect(withoutProcessCpu(parse(resp3!))).toEqual(withoutProcessCpu(parse(resp2!)));
      expect(parse(resp3!).byCpuUs.length).toBeGreaterThan(0);
    }
  });

  test('SAMPLE 10: values are counted on sampled commands only, and the estimate scales them back', () => {
    const f = fixture('redis8-get-resp2-sampled');
    const truth = f.workload!['sampled-hot']!.netBytes;
    const r = parse('redis8-get-resp2-sampled');
    expect(r.sampleRatio).toBe(10);
    const hot = r.byNetBytes[0]!;
    expect(hot.key.toString()).toBe('sampled-hot');
    // Unscaled: about a tenth of the truth.
    expect(hot.value).toBeGreaterThan(truth / 10 * 0.9);
    expect(hot.value).toBeLessThan(truth / 10 * 1.1);
    // Scaled by the realized rate (exact total / sampled total), not by the nominal 10.
    expect(r.estimateScale.net).toBeCloseTo(r.totals.netBytes! / r.totals.netBytesTracked!, 9);
    expect(r.estimateScale.net).toBeGreaterThan(9);
    expect(r.estimateScale.net).toBeLessThan(11);
    expect(Math.abs(hot.estimatedValue - truth) / truth).toBeLessThan(0.02);
    // CPU has no sampled total without SLOTS: the nominal ratio.
    expect(r.estimateScale.cpu).toBe(10);
    expect(r.byCpuUs[0]!.estimatedValue).toBe(r.byCpuUs[0]!.value * 10);
  });

  test('SLOTS on a cluster node: ranges and single slots, selected and sampled totals, scales from them', () => {
    const r = parse('redis8-get-slots');
    const start = fixture('redis8-start-slots').command;
    const asked = start.slice(start.indexOf('SLOTS') + 2).map(Number);
    const covered = r.selectedSlots.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
    expect(covered.sort((x, y) => x - y)).toEqual([...asked].sort((x, y) => x - y));
    expect(r.selectedSlots.some(([a, b]) => a === b)).toBe(true);
    expect(r.selectedSlots.some(([a, b]) => b === a + 1)).toBe(true);
    const t = r.totals;
    expect(t.cpuUsSelectedSlots).not.toBeNull();
    expect(t.cpuUsSampledSelectedSlots).not.toBeNull();
    expect(t.netBytesSampledSelectedSlots).toBe(t.netBytesTracked);
    expect(t.netBytesSelectedSlots!).toBeLessThan(t.netBytes!);
    expect(r.estimateScale.cpu).toBeCloseTo(t.cpuUsSelectedSlots! / t.cpuUsSampledSelectedSlots!, 9);
    expect(r.estimateScale.net).toBeCloseTo(t.netBytesSelectedSlots! / t.netBytesSampledSelectedSlots!, 9);
    // Scaled estimates never add up to more than what the server counted exactly.
    expect(r.byCpuUs.reduce((s, e) => s + e.estimatedValue, 0)).toBeLessThanOrEqual(t.cpuUsSelectedSlots! * 1.000001);
  });

  test('a cluster node without SLOTS selects its own slots', () => {
    expect(parse('redis8-cluster-get').selectedSlots).toEqual([[0, 5460]]);
  });

  test('NET only, ended by DURATION: no CPU list or CPU totals, not active', () => {
    const r = parse('redis8-get-net-only-expired');
    expect(r.active).toBe(false);
    expect(r.metrics).toEqual(['net']);
    expect(r.byCpuUs).toEqual([]);
    expect(r.totals.processCpuUserMs).toBeNull();
    expect(r.durationMs).toBeGreaterThanOrEqual(1000);
    expect(keys(r.byNetBytes)).toEqual(['net-only']);
  });

  test('an active session reports tracking-active 1', () => {
    expect(parse('redis8-get-active').active).toBe(true);
  });

  test('nil (no session, after RESET) is undefined over both protocols, never an error', () => {
    expect(fixture('redis8-get-none').reply).toBeNull();
    expect(parseRedisHotkeys(fixture('redis8-get-none').reply)).toBeUndefined();
    expect(parseRedisHotkeys(fixture('redis8-get-none-resp3').reply)).toBeUndefined();
    expect(parseRedisHotkeys(fixture('redis8-get-after-reset').reply)).toBeUndefined();
    expect(parseRedisHotkeys(undefined)).toBeUndefined();
  });

  test('unknown fields are ignored; Buffer field names and string numbers (callBuffer) parse too', () => {
    const reply = [[
      Buffer.from('tracking-active'), Buffer.from('1'), 'sample-ratio', 1, 'future-field', [1, 2, 3], 'selected-slots', [],
      'by-net-bytes', [Buffer.from('k'), Buffer.from('42')], 'another-future-map', new Map([['a', 1]]),
    ]];
    const r = parseRedisHotkeys(reply)!;
    expect(r.active).toBe(true);
    expect(r.byNetBytes).toEqual([{ key: Buffer.from('k'), value: 42, estimatedValue: 42 }]);
    expect(r.selectedSlots).toEqual([]);
  });

  test('a bare report without the outer array, and a RESP3 Map, parse the same', () => {
    const flat = ['tracking-active', 0, 'sample-ratio', 2, 'by-cpu-time-us', ['a', 5]];
    const asMap = new Map<string, unknown>([['tracking-active', 0], ['sample-ratio', 2], ['by-cpu-time-us', ['a', 5]]]);
    expect(parseRedisHotkeys(flat)).toEqual(parseRedisHotkeys([asMap])!);
    expect(parseRedisHotkeys(flat)!.byCpuUs[0]!.estimatedValue).toBe(10);
  });

  test('replies that are not a report are errors', () => {
    expect(() => parseRedisHotkeys('OK')).toThrow(/field\/value pairs/);
    expect(() => parseRedisHotkeys([['sample-ratio', 1]])).toThrow(/tracking-active/);
  });
});

// Not yet verified against a real server: Debian has no Valkey 9.2. The shapes follow Valkey's reply schema
// (an array of {key, db, qps}; RESP3 maps, RESP2 flat field/value arrays).
describe('parseValkeyHotkeys', () => {
  test('RESP2 flat entries and RESP3 maps give the same list, order kept', () => {
    const resp2 = [['key', 'hot', 'db', 0, 'qps', 5000], ['key', Buffer.from([0xff, 0x01]), 'db', 3, 'qps', 12]];
    const resp3 = [new Map<string, unknown>([['key', Buffer.from('hot')], ['db', 0], ['qps', 5000]]), new Map<string, unknown>([['key', Buffer.from([0xff, 0x01])], ['db', 3], ['qps', 12]])];
    const expected = [{ key: Buffer.from('hot'), db: 0, qps: 5000 }, { key: Buffer.from([0xff, 0x01]), db: 3, qps: 12 }];
    expect(parseValkeyHotkeys(resp2)).toEqual(expected);
    expect(parseValkeyHotkeys(resp3)).toEqual(expected);
  });

  test('empty (detection off, or no completed window) is an empty list; unknown fields are ignored', () => {
    expect(parseValkeyHotkeys([])).toEqual([]);
    expect(parseValkeyHotkeys(null)).toEqual([]);
    expect(parseValkeyHotkeys([['key', 'k', 'db', 1, 'qps', 2, 'reads', 7]])).toEqual([{ key: Buffer.from('k'), db: 1, qps: 2 }]);
  });

  test('a Redis report or an error text is not a Valkey list', () => {
    expect(() => parseValkeyHotkeys('OK')).toThrow(/expected an array/);
    expect(() => parseValkeyHotkeys(fixture('redis8-get-resp2').reply)).toThrow(/without a key/);
  });
});

describe('captured errors (what the driver must recognise)', () => {
  test.each([
    ['redis8-start-in-progress', /already in progress/],
    ['redis8-reset-active', /in progress, stop tracking first/],
    ['redis8-start-slots-standalone', /non-cluster mode/],
    ['redis8-start-slot-not-owned', /not handled by this node/],
    ['redis8-start-count-too-big', /COUNT must be between 1 and 64/],
    ['valkey9-hotkeys-get', /unknown command/],
  ])('%s', (name, message) => {
    expect(fixture(name).error).toMatch(message);
  });

  test('STOP without a running session is nil, RESET without one is OK', () => {
    expect(fixture('redis8-stop-none').reply).toBeNull();
    expect(fixture('redis8-stop-expired').reply).toBeNull();
    expect(fixture('redis8-reset-none').reply).toBe('OK');
  });
});
