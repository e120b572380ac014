// The slot heatmap's pure parts: colour scale, grid size from pixels, slot ranges in the URL, row lookup.
import { expect, test } from 'bun:test';
import { colorAt, heatGrid, parseSlotRange, rowOfSlot, scaleValue, slotRangeText, valueAt, valueExtent } from '../../ui/lib/heatmap.js';

test('the colour scale runs dark to bright (viridis ends) and gets brighter all the way', () => {
  expect(colorAt(0)).toEqual([0x44, 0x01, 0x54]);
  expect(colorAt(1)).toEqual([0xfd, 0xe7, 0x25]);
  const lum = (c: number[]) => 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;
  for (let i = 1; i <= 20; i++) expect(lum(colorAt(i / 20))).toBeGreaterThan(lum(colorAt((i - 1) / 20)));
  expect(colorAt(Number.NaN)).toEqual(colorAt(0));
  expect(colorAt(7)).toEqual(colorAt(1));
});

test('values map to 0..1 (sqrt spreads the low end), null stays null, valueAt inverts', () => {
  expect(scaleValue(null, 0, 10)).toBeUndefined();
  expect(scaleValue(0, 0, 100)).toBe(0);
  expect(scaleValue(100, 0, 100)).toBe(1);
  expect(scaleValue(25, 0, 100)).toBe(0.5);
  expect(scaleValue(25, 0, 100, 'linear')).toBe(0.25);
  expect(scaleValue(500, 0, 100)).toBe(1);
  expect(scaleValue(3, 3, 3)).toBe(1);
  expect(scaleValue(0, 0, 0)).toBe(0);
  expect(valueAt(0.5, 0, 100)).toBe(25);
  expect(valueAt(0.5, 0, 100, 'linear')).toBe(50);
});

test('grid size: about 3 px per row and 4 px per column, within bounds', () => {
  expect(heatGrid(1200, 384)).toEqual({ rows: 128, cols: 300 });
  expect(heatGrid(0, 0)).toEqual({ rows: 16, cols: 10 });
  expect(heatGrid(100_000, 100_000)).toEqual({ rows: 1024, cols: 1000 });
});

test('slot ranges from the URL: "a-b" or one slot, inside 0..16383, from <= to', () => {
  expect(parseSlotRange('100-227')).toEqual({ from: 100, to: 227 });
  expect(parseSlotRange('866')).toEqual({ from: 866, to: 866 });
  expect(parseSlotRange('0-16383')).toEqual({ from: 0, to: 16383 });
  for (const bad of [null, '', '5-3', '0-16384', 'abc', '-1', '1-2-3', ' 1']) expect(parseSlotRange(bad)).toBeUndefined();
  expect(slotRangeText(1, 1)).toBe('slot 1');
  expect(slotRangeText(0, 127)).toBe('slots 0–127');
});

test('row lookup and value extent', () => {
  const rows = [0, 1, 2, 3].map((i) => ({ slotFrom: i * 4096, slotTo: i * 4096 + 4095 }));
  expect(rowOfSlot(rows, 0)).toBe(0);
  expect(rowOfSlot(rows, 4095)).toBe(0);
  expect(rowOfSlot(rows, 4096)).toBe(1);
  expect(rowOfSlot(rows, 16383)).toBe(3);
  expect(rowOfSlot(rows, 16384)).toBe(-1);
  expect(valueExtent([[null, 2], [5, null, 1]])).toEqual({ min: 1, max: 5 });
  expect(valueExtent([[null], []])).toBeUndefined();
});
