// The hot keys page's pure parts: units per metric, the cluster-wide ranking, per-node groups, history series, run detail as text.
import { expect, test } from 'bun:test';
import {
  formatDetailValue, formatHotValue, groupByNode, historySeries, humanizeField, metricsIn, rankClusterWide, type HotKeyRowJson,
} from '../../ui/lib/hotkeys.js';

const key = (text: string) => ({ text, hex: Buffer.from(text).toString('hex'), bytes: text.length, binary: false, truncated: false });
function row(node: string, k: string, value: number, more: Partial<HotKeyRowJson> = {}): HotKeyRowJson {
  return { node, key: key(k), metric: 'ops', value, error: null, share: null, memoryBytes: null, slot: null, type: null, ttlMs: null, rank: 1, ...more };
}

test('values carry their unit: CPU µs as µs/ms/s, network in binary bytes, accesses as ops', () => {
  expect(formatHotValue('cpu', 350)).toBe('350 µs');
  expect(formatHotValue('cpu', 12_500)).toBe('12.5 ms');
  expect(formatHotValue('cpu', 2_500_000)).toBe('2.50 s');
  expect(formatHotValue('net', 20 * 1024 * 1024)).toBe('20.0 MiB');
  expect(formatHotValue('ops', 1234)).toBe('1234 ops');
  expect(formatHotValue('qps', 12_345)).toBe('12.3k ops/s');
  expect(formatHotValue('lfu', 7)).toBe('7');
  expect(formatHotValue('ops', null)).toBe('–');
});

test('metrics come in the page order, unknown ones after', () => {
  expect(metricsIn([{ metric: 'ops' }, { metric: 'zzz' }, { metric: 'cpu' }, { metric: 'ops' }])).toEqual(['cpu', 'ops', 'zzz']);
});

test('cluster-wide: a key on two nodes is summed, errors add (exact stays exact), shares are of the cluster total, ranks recomputed', () => {
  const rows = [
    row('n:2', 'a', 60, { share: 0.6, rank: 1, error: 5 }), // node n:2 total 100
    row('n:2', 'b', 40, { share: 0.4, rank: 2 }),
    row('n:10', 'b', 150, { share: 0.5, rank: 1, type: 'string', memoryBytes: 10 }), // node n:10 total 300
    row('n:10', 'c', 30, { share: 0.1, rank: 2 }),
    row('n:10', 'cpu-only', 9, { metric: 'cpu' }),
  ];
  const ranked = rankClusterWide(rows, 'ops');
  expect(ranked.map((r) => [r.key.text, r.value, r.rank, r.node])).toEqual([
    ['b', 190, 1, null],
    ['a', 60, 2, 'n:2'],
    ['c', 30, 3, 'n:10'],
  ]);
  expect(ranked[0]!.nodes).toEqual(['n:2', 'n:10']);
  expect(ranked[0]!.error).toBeNull();
  expect(ranked[0]!.type).toBe('string');
  expect(ranked[0]!.share).toBeCloseTo(190 / 400);
  expect(ranked[1]!.error).toBe(5);
  // the input rows are left as they were
  expect(rows[1]!.value).toBe(40);
  // one node without a known total: no cluster share rather than a wrong one
  const partial = rankClusterWide([row('x:1', 'a', 5, { share: 0.5 }), row('y:1', 'b', 9)], 'ops');
  expect(partial.map((r) => r.share)).toEqual([null, null]);
});

test('per node: nodes in address order (port as a number), keys by rank', () => {
  const groups = groupByNode([row('h:10', 'x', 1, { rank: 2 }), row('h:9', 'y', 1), row('h:10', 'z', 5, { rank: 1 }), row('h:9', 'w', 1, { metric: 'cpu' })], 'ops');
  expect(groups.map((g) => [g.node, g.rows.map((r) => r.key.text)])).toEqual([
    ['h:9', ['y']],
    ['h:10', ['z', 'x']],
  ]);
});

test('history: one x per run time, one column per node, gaps where a node did not report the key', () => {
  const points = [
    { ts: 200, node: 'b:1', metric: 'cpu', value: 3 },
    { ts: 100, node: 'a:1', metric: 'cpu', value: 1 },
    { ts: 200, node: 'a:1', metric: 'cpu', value: 2 },
    { ts: 150, node: 'a:1', metric: 'ops', value: 99 },
  ];
  expect(historySeries(points, 'cpu', 10)).toEqual({ nodes: ['a:1', 'b:1'], data: [[100, 200], [10, 20], [null, 30]] });
});

test('run detail: field names as words without unit suffixes, values in their units', () => {
  expect(humanizeField('monitorOnMs')).toBe('monitor on');
  expect(humanizeField('durationS')).toBe('duration');
  expect(humanizeField('keysRead')).toBe('keys read');
  expect(humanizeField('errors')).toBe('errors');
  expect(formatDetailValue('monitorOnMs', 300)).toBe('300 ms');
  expect(formatDetailValue('durationS', 3)).toBe('3.00 s');
  expect(formatDetailValue('trackingCpuUsec', 1500)).toBe('1.50 ms');
  expect(formatDetailValue('scannedBytes', 2048)).toBe('2.0 KiB');
  expect(formatDetailValue('windows', 2)).toBe('2');
  expect(formatDetailValue('errors', [])).toBe('none');
  expect(formatDetailValue('errors', ['a', 'b'])).toBe('a; b');
  expect(formatDetailValue('commands', { HOTKEYS: 3, INFO: 1 })).toBe('HOTKEYS 3, INFO 1');
  expect(formatDetailValue('x', { deep: { a: 1 } })).toBe('{"deep":{"a":1}}');
  expect(formatDetailValue('cleanup', 'reset')).toBe('reset');
  expect(formatDetailValue('lagged', false)).toBe('no');
  expect(formatDetailValue('x', null)).toBe('–');
});
