import { describe, expect, test } from 'bun:test';
import { canonicalLabels, labelsInclude } from './labels.ts';

describe('canonicalLabels', () => {
  test('sorts keys and quotes values', () => {
    expect(canonicalLabels({ z: '1', a: 'get' })).toBe('a="get",z="1"');
  });
  test('empty or absent labels are the empty string', () => {
    expect(canonicalLabels(undefined)).toBe('');
    expect(canonicalLabels({})).toBe('');
  });
  test('escapes backslash, quote and newline like Prometheus', () => {
    expect(canonicalLabels({ k: 'a\\b"c\nd' })).toBe('k="a\\\\b\\"c\\nd"');
  });
});

describe('labelsInclude', () => {
  test('every wanted pair must match; an empty want matches all', () => {
    expect(labelsInclude({ cmd: 'get', db: '0' }, { cmd: 'get' })).toBe(true);
    expect(labelsInclude({ cmd: 'get' }, { cmd: 'set' })).toBe(false);
    expect(labelsInclude({}, { cmd: 'get' })).toBe(false);
    expect(labelsInclude({ cmd: 'get' }, {})).toBe(true);
  });
});
