// The UI's number and unit formatting: what every table cell, tooltip and axis label shows.
import { expect, test } from 'bun:test';
import { formatBytes, formatNumber, formatSeconds, formatValue } from '../../ui/lib/format.js';

test('whole numbers stay whole; fractions and large numbers are compact', () => {
  expect(formatNumber(2)).toBe('2');
  expect(formatNumber(0)).toBe('0');
  expect(formatNumber(9999)).toBe('9999');
  expect(formatNumber(12_345)).toBe('12.3k');
  expect(formatNumber(2.5)).toBe('2.50');
  expect(formatNumber(15.25)).toBe('15.3');
  expect(formatNumber(0.001234)).toBe('0.0012');
  expect(formatNumber(3_400_000)).toBe('3.40M');
  expect(formatNumber(null)).toBe('–');
  expect(formatNumber(Number.NaN)).toBe('–');
});

test('units: bytes in binary prefixes, seconds scaled, ratios as percent, counters per second', () => {
  expect(formatBytes(1536)).toBe('1.5 KiB');
  expect(formatBytes(512)).toBe('512 B');
  expect(formatSeconds(0.0000094)).toBe('9.4 µs');
  expect(formatSeconds(0.25)).toBe('250 ms');
  expect(formatValue(0.257, 'ratio', 'gauge')).toBe('25.7%');
  expect(formatValue(3288, 'count', 'counter')).toBe('3288/s');
  expect(formatValue(2, 'count', 'gauge')).toBe('2');
  expect(formatValue(1, 'boolean', 'gauge')).toBe('yes');
  expect(formatValue(2 * 1024 ** 2, 'bytes', 'counter')).toBe('2.0 MiB/s');
});
