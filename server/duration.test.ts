// Tests duration parsing used by --interval and --retention.
import { expect, test } from 'bun:test';
import { formatDuration, parseDuration } from './duration.ts';

test.each([
  ['1s', 1000],
  ['500ms', 500],
  ['7d', 604_800_000],
  ['1h30m', 5_400_000],
  ['2', 2000],
  ['0.5s', 500],
  ['1w', 604_800_000],
])('parseDuration(%p) = %p', (text, ms) => {
  expect(parseDuration(text)).toBe(ms);
});

test.each(['', 'abc', '1x', '-1s', '0s', '0', '1s junk', 's'])('parseDuration(%p) is refused', (text) => {
  expect(parseDuration(text)).toBeUndefined();
});

test('formatDuration picks the largest whole unit', () => {
  expect(formatDuration(604_800_000)).toBe('7d');
  expect(formatDuration(90_000)).toBe('90s');
  expect(formatDuration(250)).toBe('250ms');
});
