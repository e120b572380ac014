// Tests the CLUSTER SLOT-STATS parser on replies captured from Valkey 8, Valkey 9 and Redis 8.
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromJson, type Json } from '../../test/fixtures/json.ts';
import { parseSlotStats } from './slotStatsReply.ts';

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
