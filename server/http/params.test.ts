// Tests query parameter parsing: times, steps, enums, limits and series selectors, and errors that name the parameter.
import { describe, expect, test } from 'bun:test';
import { ApiError } from './errors.ts';
import { parseEnum, parseLimit, parseSelector, parseStep, parseTime } from './params.ts';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

function apiErrorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected an ApiError');
}

describe('parseTime', () => {
  test.each([
    ['1700000000', 1_700_000_000_000],
    ['1700000000.25', 1_700_000_000_250],
    ['0', 0],
    ['now', NOW],
    ['now-1h', NOW - 3_600_000],
    ['now-90', NOW - 90_000],
    ['now-1h30m', NOW - 5_400_000],
    ['2024-01-02T03:04:05Z', Date.UTC(2024, 0, 2, 3, 4, 5)],
    ['2024-01-02T03:04:05.5+02:00', Date.UTC(2024, 0, 2, 1, 4, 5, 500)],
    ['2024-01-02', Date.UTC(2024, 0, 2)],
  ])('%s', (text, want) => {
    expect(parseTime('from', text, -1, NOW)).toBe(want);
  });

  test('absent or empty gives the fallback', () => {
    expect(parseTime('from', undefined, 42, NOW)).toBe(42);
    expect(parseTime('from', '', 42, NOW)).toBe(42);
  });

  test.each(['yesterday', 'now+1h', 'now-', 'now-1x', 'now-0s', '-5', '1e9', '2024-13-45', '12/31/2024', 'Tue, 01 Jan 2030 00:00:00 GMT', ' 1700000000'])(
    '%p is a 400 naming the parameter',
    (text) => {
      const e = apiErrorOf(() => parseTime('to', text, 0, NOW));
      expect(e.status).toBe(400);
      expect(e.code).toBe('bad_parameter');
      expect(e.message).toStartWith('to: ');
      expect(e.message).toContain(`"${text}"`);
    },
  );
});

describe('parseStep', () => {
  test.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['15', 15_000],
    ['2.5', 2_500],
  ])('%s -> %d ms', (text, want) => {
    expect(parseStep('step', text)).toBe(want);
  });

  test('absent or empty is undefined (the caller picks a step)', () => {
    expect(parseStep('step', undefined)).toBeUndefined();
    expect(parseStep('step', '')).toBeUndefined();
  });

  test.each(['abc', '-5s', '0s', '5 minutes', '1y'])('%p is a 400 naming the parameter', (text) => {
    const e = apiErrorOf(() => parseStep('step', text));
    expect(e.status).toBe(400);
    expect(e.message).toStartWith('step: ');
    expect(e.message).toContain(`"${text}"`);
  });
});

describe('parseEnum', () => {
  const aggs = ['avg', 'max', 'min', 'last'] as const;

  test('allowed values, fallback when absent', () => {
    expect(parseEnum('agg', 'max', aggs, 'avg')).toBe('max');
    expect(parseEnum('agg', undefined, aggs, 'avg')).toBe('avg');
    expect(parseEnum('agg', '', aggs, undefined)).toBeUndefined();
  });

  test.each(['MAX', 'median', ' avg'])('%p is a 400 listing the allowed values', (text) => {
    const e = apiErrorOf(() => parseEnum('agg', text, aggs, 'avg'));
    expect(e.status).toBe(400);
    expect(e.message).toBe(`agg: must be one of avg, max, min, last, got "${text}"`);
  });
});

describe('parseLimit', () => {
  test('integers from 1 to max; fallback when absent', () => {
    expect(parseLimit('limit', '1', 10, 100)).toBe(1);
    expect(parseLimit('limit', '100', 10, 100)).toBe(100);
    expect(parseLimit('limit', undefined, 10, 100)).toBe(10);
    expect(parseLimit('limit', '', 10, 100)).toBe(10);
  });

  test.each(['0', '101', '1.5', '-3', 'ten', 'NaN', 'Infinity'])('%p is a 400 naming the parameter', (text) => {
    const e = apiErrorOf(() => parseLimit('limit', text, 10, 100));
    expect(e.status).toBe(400);
    expect(e.message).toBe(`limit: must be an integer from 1 to 100, got "${text}"`);
  });
});

describe('parseSelector', () => {
  test.each([
    ['valkey_db_keys', { metric: 'valkey_db_keys' }],
    ['  valkey_db_keys  ', { metric: 'valkey_db_keys' }],
    ['ns:metric_1', { metric: 'ns:metric_1' }],
    ['valkey_command_calls_total{cmd="get"}', { metric: 'valkey_command_calls_total', labels: { cmd: 'get' } }],
    ['valkey_command_calls_total{cmd="config|get"}', { metric: 'valkey_command_calls_total', labels: { cmd: 'config|get' } }],
    ['m{db="0", node = "a,b" }', { metric: 'm', labels: { db: '0', node: 'a,b' } }],
    ['m{a="1",}', { metric: 'm', labels: { a: '1' } }],
    ['m{a="1", }', { metric: 'm', labels: { a: '1' } }],
    ['m{ }', { metric: 'm', labels: {} }],
    ['m{}', { metric: 'm', labels: {} }],
    // Escapes: \" is a quote, \\ a backslash, \n a newline; a comma, '=' or '}' inside quotes is just text.
    ['m{error="say \\"hi\\""}', { metric: 'm', labels: { error: 'say "hi"' } }],
    ['m{path="C:\\\\dir"}', { metric: 'm', labels: { path: 'C:\\dir' } }],
    ['m{a="x\\ny"}', { metric: 'm', labels: { a: 'x\ny' } }],
    ['m{a="}{=,\\"", b="2"}', { metric: 'm', labels: { a: '}{=,"', b: '2' } }],
    ['m{stat="db.0.overhead.hashtable.main"}', { metric: 'm', labels: { stat: 'db.0.overhead.hashtable.main' } }],
  ])('%s', (text, want) => {
    expect(parseSelector('metric', text)).toEqual(want);
  });

  test('absent or empty is a 400 saying it is required', () => {
    for (const text of [undefined, '']) {
      const e = apiErrorOf(() => parseSelector('metric', text));
      expect(e.status).toBe(400);
      expect(e.message).toStartWith('metric: is required');
    }
  });

  test.each([
    '1abc',
    'valkey-db-keys',
    'm{cmd="get"',
    'm cmd="get"}',
    'm{cmd=get}',
    "m{cmd='get'}",
    'm{cmd="get" db="0"}',
    'm{"cmd"="get"}',
    'm{cmd="get"}x',
    'm{cmd="get"}{db="0"}',
    'm{cmd="unterminated}',
    'm{cmd="a\\"}',
    'm{,}',
    'm{cmd}',
  ])('%p is a 400 naming the parameter', (text) => {
    const e = apiErrorOf(() => parseSelector('metric', text));
    expect(e.status).toBe(400);
    expect(e.code).toBe('bad_parameter');
    expect(e.message).toStartWith('metric: ');
  });
});

test('a label given twice in a selector is refused, naming the parameter', () => {
  expect(() => parseSelector('metric', 'm{a="1",a="2"}')).toThrow(/^metric: label "a" is given twice/);
});
