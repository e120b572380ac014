// Tests the in-memory newest row per slot: which `to` it may answer, and that it keeps the newest row of each slot.
import { describe, expect, test } from 'bun:test';
import { LatestSlotRows } from './latestSlotRows.ts';

const batch = (ts: number, slots: number[], keys: number[]) => ({ ts, node: 'n', slots, keys, cpuUsec: slots.map(() => null), netIn: slots.map(() => null), netOut: slots.map(() => null) });

describe('LatestSlotRows', () => {
  test('keeps each slot newest row; a late older row does not replace it', () => {
    const l = new LatestSlotRows(-Infinity);
    l.note(1, batch(10_000, [5, 6], [50, 60]));
    l.note(2, batch(20_000, [5], [55]));
    l.note(3, batch(15_000, [5], [99]));
    expect(l.at(20_001, 60_000, 0, 16383)).toEqual({ slots: [5, 6], nodeIds: [2, 1], keys: [55, 60] });
  });

  test('only rows inside [to - lookback, to) count, and only the asked slot range', () => {
    const l = new LatestSlotRows(0);
    l.note(1, batch(10_000, [5, 100], [1, 2]));
    l.note(1, batch(70_000, [6], [3]));
    expect(l.at(80_000, 60_000, 0, 16383)!.slots).toEqual([6]);
    expect(l.at(80_000, 70_000, 0, 99)!.slots).toEqual([5, 6]);
    // A row exactly at `to` is not before it: the query would not read it, so neither may this.
    expect(l.at(70_000, 65_000, 0, 16383)).toBeUndefined();
  });

  test('refuses a `to` older than its newest row, or whose window starts before what it covers', () => {
    const l = new LatestSlotRows(50_000);
    l.note(1, batch(100_000, [1], [1]));
    expect(l.at(99_000, 10_000, 0, 16383)).toBeUndefined();
    expect(l.at(100_000, 10_000, 0, 16383)).toBeUndefined();
    expect(l.at(100_000, 60_000, 0, 16383)).toBeUndefined();
    expect(l.at(110_000, 60_000, 0, 16383)).toEqual({ slots: [1], nodeIds: [1], keys: [1] });
  });

  test('ignores slots out of range and non-finite times', () => {
    const l = new LatestSlotRows(-Infinity);
    l.note(1, batch(Number.NaN, [1], [1]));
    l.note(1, batch(1000, [-1, 16384], [1, 1]));
    expect(l.at(2000, 60_000, 0, 16383)!.slots).toEqual([]);
  });
});
