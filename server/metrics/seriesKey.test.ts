// Tests the canonical series text: sorted labels, Prometheus escaping, and that distinct label sets never share a key.
import { describe, expect, test } from 'bun:test';
import { escapeLabelValue, labelsText, seriesKey } from './seriesKey.ts';

describe('seriesKey', () => {
  test.each([
    ['valkey_uptime_seconds', undefined, 'valkey_uptime_seconds'],
    ['valkey_uptime_seconds', {}, 'valkey_uptime_seconds'],
    ['valkey_command_calls_total', { cmd: 'get' }, 'valkey_command_calls_total{cmd="get"}'],
    ['valkey_command_latency_seconds', { percentile: '99.9', cmd: 'config|get' }, 'valkey_command_latency_seconds{cmd="config|get",percentile="99.9"}'],
    ['valkey_info_field', { section: 'cluster info', field: 'cluster_state' }, 'valkey_info_field{field="cluster_state",section="cluster info"}'],
    ['m', { a: '' }, 'm{a=""}'],
  ])('%s %p', (metric, labels, want) => {
    expect(seriesKey(metric, labels)).toBe(want);
  });

  test('the same labels in any insertion order give the same key', () => {
    expect(seriesKey('m', { b: '2', a: '1', c: '3' })).toBe(seriesKey('m', { c: '3', a: '1', b: '2' }));
  });

  test('values that look like more labels cannot collide with real ones', () => {
    const forged = seriesKey('m', { a: 'x",b="y' });
    const real = seriesKey('m', { a: 'x', b: 'y' });
    expect(forged).toBe('m{a="x\\",b=\\"y"}');
    expect(forged).not.toBe(real);
    expect(seriesKey('m', { a: 'x\\' })).not.toBe(seriesKey('m', { a: 'x\\\\' }));
    expect(seriesKey('m', { a: 'x\n' })).not.toBe(seriesKey('m', { a: 'x\\n' }));
  });
});

describe('escapeLabelValue', () => {
  test.each([
    ['plain', 'plain'],
    ['a"b', 'a\\"b'],
    ['C:\\dir', 'C:\\\\dir'],
    ['line1\nline2', 'line1\\nline2'],
    // Backslashes first, so the escapes added for quotes and newlines are not escaped again.
    ['\\"\n', '\\\\\\"\\n'],
    ['tab\tand \r stay', 'tab\tand \r stay'],
    ['ünïcödé ✓', 'ünïcödé ✓'],
  ])('%p -> %p', (value, want) => {
    expect(escapeLabelValue(value)).toBe(want);
  });
});

describe('labelsText', () => {
  test('sorted, comma separated, no braces; empty for none', () => {
    expect(labelsText({ z: '1', a: '2' })).toBe('a="2",z="1"');
    expect(labelsText(undefined)).toBe('');
    expect(labelsText({})).toBe('');
  });
});
