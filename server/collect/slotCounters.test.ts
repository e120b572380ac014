// Tests per-slot deltas: baselines, resets, slots moving away and back, counters switched on, sparse output.
import { describe, expect, test } from 'bun:test';
import type { SlotStatsReply } from '../valkey/slotStatsReply.ts';
import { SlotCounterTracker } from './slotCounters.ts';

type Row = [slot: number, keys: number, cpu: number, netIn: number, netOut: number];
function reply(rows: Row[], counters = true): SlotStatsReply {
  return {
    slots: rows.map((r) => r[0]),
    keys: rows.map((r) => r[1]),
    cpuUsec: counters ? rows.map((r) => r[2]) : null,
    netIn: counters ? rows.map((r) => r[3]) : null,
    netOut: counters ? rows.map((r) => r[4]) : null,
  };
}
const rowsOf = (b: ReturnType<SlotCounterTracker['update']>) => b.slots.map((s, i) => [s, b.keys[i], b.cpuUsec[i], b.netIn[i], b.netOut[i]]);

describe('SlotCounterTracker', () => {
  test('first poll is a baseline with every slot; then only slots that changed, with deltas', () => {
    const t = new SlotCounterTracker(1_000_000);
    const first = t.update('n', 1, reply([[1, 0, 10, 100, 50], [2, 5, 0, 0, 0], [3, 1, 7, 7, 7]]));
    expect(rowsOf(first)).toEqual([[1, 0, null, null, null], [2, 5, null, null, null], [3, 1, null, null, null]]);
    const second = t.update('n', 2, reply([[1, 0, 25, 160, 80], [2, 5, 0, 0, 0], [3, 2, 7, 7, 7]]));
    expect(rowsOf(second)).toEqual([[1, 0, 15, 60, 30], [3, 2, 0, 0, 0]]);
    expect(second.ts).toBe(2);
    expect(second.node).toBe('n');
  });

  test('a counter that went down was reset: the delta is what accumulated since', () => {
    const t = new SlotCounterTracker(1_000_000);
    t.update('n', 1, reply([[1, 0, 1000, 1000, 1000]]));
    expect(rowsOf(t.update('n', 2, reply([[1, 0, 30, 40, 50]])))).toEqual([[1, 0, 30, 40, 50]]);
  });

  test('a slot that moved away and came back starts from a baseline (no delta across owners)', () => {
    const t = new SlotCounterTracker(1_000_000);
    t.update('n', 1, reply([[1, 3, 100, 100, 100], [2, 0, 0, 0, 0]]));
    t.update('n', 2, reply([[2, 0, 0, 0, 0]]));
    const back = t.update('n', 3, reply([[1, 3, 500, 500, 500], [2, 0, 0, 0, 0]]));
    expect(rowsOf(back)).toEqual([[1, 3, null, null, null]]);
    expect(rowsOf(t.update('n', 4, reply([[1, 3, 510, 520, 530], [2, 0, 0, 0, 0]])))).toEqual([[1, 3, 10, 20, 30]]);
  });

  test('counters switched on later: first poll with them is a baseline', () => {
    const t = new SlotCounterTracker(1_000_000);
    t.update('n', 1, reply([[1, 2, 0, 0, 0]], false));
    expect(rowsOf(t.update('n', 2, reply([[1, 2, 40, 40, 40]])))).toEqual([]);
    expect(rowsOf(t.update('n', 3, reply([[1, 2, 50, 60, 70]])))).toEqual([[1, 2, 10, 20, 30]]);
  });

  test('key-count changes alone are reported, without counters too', () => {
    const t = new SlotCounterTracker(1_000_000);
    t.update('n', 1, reply([[1, 2, 0, 0, 0]], false));
    expect(rowsOf(t.update('n', 2, reply([[1, 9, 0, 0, 0]], false)))).toEqual([[1, 9, null, null, null]]);
  });

  test('every owned slot is returned at least every fullEveryMs, so idle slots keep a recent key count', () => {
    const t = new SlotCounterTracker(3);
    const idle = reply([[1, 4, 0, 0, 0], [2, 6, 0, 0, 0]]);
    expect(t.update('n', 1, idle).slots).toEqual([1, 2]);
    expect(t.update('n', 2, idle).slots).toEqual([]);
    expect(t.update('n', 3, idle).slots).toEqual([]);
    expect(rowsOf(t.update('n', 4, idle))).toEqual([[1, 4, 0, 0, 0], [2, 6, 0, 0, 0]]);
  });

  test('reset() (restart, demotion) makes the next poll a baseline', () => {
    const t = new SlotCounterTracker(1_000_000);
    t.update('n', 1, reply([[1, 0, 10, 10, 10]]));
    t.reset();
    expect(rowsOf(t.update('n', 2, reply([[1, 0, 20, 20, 20]])))).toEqual([[1, 0, null, null, null]]);
  });
});
