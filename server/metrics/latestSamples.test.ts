import { describe, expect, test } from 'bun:test';
import { LatestSamples } from './latestSamples.ts';

describe('LatestSamples', () => {
  test('keeps the newest sample per node and series, filtered by metric and node', () => {
    const l = new LatestSamples();
    l.appendSamples([
      { ts: 1000, node: 'b:1', metric: 'm', value: 1 },
      { ts: 1000, node: 'a:1', metric: 'm', value: 2 },
      { ts: 1000, node: 'a:1', metric: 'c', labels: { cmd: 'get' }, value: 3 },
      { ts: 1000, node: 'a:1', metric: 'c', labels: { cmd: 'set' }, value: 4 },
    ]);
    l.appendSamples([{ ts: 2000, node: 'a:1', metric: 'c', labels: { cmd: 'get' }, value: 5 }]);
    expect(l.query(new Set(['c'])).map((s) => [s.node, s.labels?.cmd, s.value, s.ts])).toEqual([
      ['a:1', 'get', 5, 2000],
      ['a:1', 'set', 4, 1000],
    ]);
    expect(l.query(undefined, new Set(['b:1'])).map((s) => s.value)).toEqual([1]);
    expect(l.query().map((s) => s.node)).toEqual(['a:1', 'a:1', 'a:1', 'b:1']);
  });

  test('forgets a node when it is removed from the cluster', () => {
    const l = new LatestSamples();
    l.appendSamples([{ ts: 1, node: 'a:1', metric: 'm', value: 1 }]);
    l.appendEvents([{ ts: 2, node: 'a:1', kind: 'node_down', detail: {} }]);
    expect(l.query()).toHaveLength(1);
    l.appendEvents([{ ts: 3, node: 'a:1', kind: 'node_removed', detail: {} }]);
    expect(l.query()).toHaveLength(0);
  });
});
