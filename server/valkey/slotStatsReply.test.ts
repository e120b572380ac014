// Tests the CLUSTER SLOT-STATS parsers (decoded reply, and raw bytes read in place) on replies captured from Valkey 8, Valkey 9 and Redis 8.
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromJson, type Json } from '../../test/fixtures/json.ts';
import { Resp3Parser, toResp2, unlimited } from './resp3.ts';
import { parseSlotStats, parseSlotStatsBytes } from './slotStatsReply.ts';

function fixture(flavor: string, name: string): { command: string[]; reply: unknown } {
  const f = JSON.parse(readFileSync(join(import.meta.dir, '../../test/fixtures', flavor, `${name}.json`), 'utf8')) as { command: string[]; reply: Json };
  return { command: f.command, reply: fromJson(f.reply) };
}

describe('parseSlotStats', () => {
  test('valkey9 SLOTSRANGE: every slot of the range, with all four counters', () => {
    const { command, reply } = fixture('valkey9', 'cluster-slot-stats-slotsrange');
    const r = parseSlotStats(reply);
    expect(r.slots).toEqual([3590, 3591, 3592, 3593, 3594]);
    expect(r.slots[0]).toBe(Number(command[3]));
    // Slot 3592 holds the capture's one hot key (values read by hand from the fixture).
    expect(r.keys).toEqual([0, 0, 1, 0, 0]);
    expect(r.cpuUsec).toEqual([0, 0, 62, 0, 0]);
    expect(r.netIn).toEqual([0, 0, 17033, 0, 0]);
    expect(r.netOut).toEqual([0, 0, 7538, 0, 0]);
  });

  test('valkey8 and redis8 parse the same way; Redis 8 memory-bytes is ignored', () => {
    for (const flavor of ['valkey8', 'redis8']) {
      const r = parseSlotStats(fixture(flavor, 'cluster-slot-stats-slotsrange').reply);
      expect(r.slots.length).toBe(5);
      expect(r.cpuUsec).not.toBeNull();
      expect(r.netIn).not.toBeNull();
      expect(r.keys.some((k) => k > 0)).toBe(true);
    }
  });

  test('ORDERBY replies keep the server order', () => {
    const r = parseSlotStats(fixture('valkey9', 'cluster-slot-stats-cpu').reply);
    for (let i = 1; i < r.slots.length; i++) expect(r.cpuUsec![i - 1]!).toBeGreaterThanOrEqual(r.cpuUsec![i]!);
  });

  test('with cluster-slot-stats-enabled off only key-count comes: cpu and network are null', () => {
    const r = parseSlotStats([[7, ['key-count', 3]], [8, ['key-count', 0]]]);
    expect(r).toEqual({ slots: [7, 8], keys: [3, 0], cpuUsec: null, netIn: null, netOut: null });
  });

  test('RESP3 maps parse like arrays', () => {
    const r = parseSlotStats([[9, new Map<string, number>([['key-count', 2], ['cpu-usec', 5], ['network-bytes-in', 6], ['network-bytes-out', 7]])]]);
    expect(r).toEqual({ slots: [9], keys: [2], cpuUsec: [5], netIn: [6], netOut: [7] });
  });

  test('an empty reply (a primary without slots) is no slots', () => {
    expect(parseSlotStats([]).slots).toEqual([]);
  });

  test('malformed replies are errors, not garbage', () => {
    expect(() => parseSlotStats('OK')).toThrow(/expected an array/);
    expect(() => parseSlotStats([[99999, ['key-count', 1]]])).toThrow(/bad slot/);
    expect(() => parseSlotStats([[1]])).toThrow(/malformed entry/);
  });
});

function rawCaptures(flavor: string): { name: string; protocol: number; raw: Buffer }[] {
  const f = JSON.parse(readFileSync(join(import.meta.dir, '../../test/fixtures/resp3', `slot-stats-${flavor}.json`), 'utf8')) as { replies: { name: string; protocol: number; raw: string }[] };
  return f.replies.map((r) => ({ ...r, raw: Buffer.from(r.raw, 'latin1') }));
}

describe('parseSlotStatsBytes (the collector reads reply bytes in place)', () => {
  test('gives what parseSlotStats gives for the decoded reply, RESP2 and RESP3, on every flavor with SLOT-STATS', () => {
    for (const flavor of ['valkey8', 'valkey9', 'redis8']) {
      for (const c of rawCaptures(flavor).filter((c) => c.raw[0] !== 0x2d)) {
        const parser = new Resp3Parser(unlimited);
        parser.push(c.raw);
        const expected = parseSlotStats(toResp2(parser.next()!));
        expect(parseSlotStatsBytes(c.raw), `${flavor} ${c.name}`).toEqual(expected);
      }
    }
  });

  test('reads the counters of the captured traffic (keys in slots 0..40, each read a few times)', () => {
    for (const flavor of ['valkey8', 'valkey9', 'redis8']) {
      for (const name of ['slot-stats', 'slot-stats-resp3']) {
        const r = parseSlotStatsBytes(rawCaptures(flavor).find((c) => c.name === name)!.raw);
        expect(r.slots).toEqual(Array.from({ length: 41 }, (_, i) => i));
        expect(r.keys.reduce((a, b) => a + b, 0), `${flavor} ${name}`).toBe(8);
        expect(r.cpuUsec!.some((v) => v > 0)).toBe(true);
        expect(r.netIn!.some((v) => v > 0)).toBe(true);
        expect(r.netOut!.some((v) => v > 0)).toBe(true);
      }
    }
  });

  test("an error reply is thrown with the server's message (Redis 7.0 has no SLOT-STATS)", () => {
    expect(() => parseSlotStatsBytes(rawCaptures('redis7')[0]!.raw)).toThrow("ERR unknown subcommand 'SLOT-STATS'");
    expect(() => parseSlotStatsBytes(rawCaptures('valkey9').find((c) => c.name === 'slot-stats-bad-range')!.raw)).toThrow(/greater than end slot/);
    expect(() => parseSlotStatsBytes(Buffer.from('*1\r\n*2\r\n:99999\r\n*0\r\n'))).toThrow(/bad slot 99999/);
    expect(() => parseSlotStatsBytes(Buffer.from('*1\r\n:5\r\n'))).toThrow(/expected an aggregate/);
  });
});
