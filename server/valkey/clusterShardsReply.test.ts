// Tests the CLUSTER SHARDS parser on replies captured from a 3+3 cluster of each flavor, plus RESP3 and multi-range shards.
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromJson, type Json } from '../../test/fixtures/json.ts';
import { parseClusterShards } from './clusterShardsReply.ts';

function fixture(flavor: string, name: string): unknown {
  const f = JSON.parse(readFileSync(join(import.meta.dir, '../../test/fixtures', flavor, `${name}.json`), 'utf8')) as { reply: Json };
  return fromJson(f.reply);
}

describe('valkey9 capture', () => {
  const shards = parseClusterShards(fixture('valkey9', 'cluster-shards'));

  test('three shards, each with its shard id, slot range and one primary and one replica', () => {
    // Read by hand from test/fixtures/valkey9/cluster-shards.json.
    expect(shards.map((s) => [s.id, s.slots])).toEqual([
      ['4b9bac1a11e619d2c27da88d5563f4867ddaeb94', [[5461, 10921]]],
      ['a9fb4507a26a471a040e472dcc97b8fc68cdf28f', [[0, 5460]]],
      ['62970b6f9ddee393cebee0f2dfbaa58a0d8ad09b', [[10922, 16383]]],
    ]);
    for (const s of shards) expect(s.nodes.map((n) => n.role)).toEqual(['primary', 'replica']);
  });

  test('node fields', () => {
    expect(shards[1]!.nodes).toEqual([
      { id: '49457d8eaea190a939eeb3d73967675ae77138fe', ip: '127.0.0.1', port: 12508, endpoint: '127.0.0.1', role: 'primary', replicationOffset: 8634, health: 'online' },
      { id: '644a922d02ffeadda6883e47681ccda3370ecec4', ip: '127.0.0.1', port: 12406, endpoint: '127.0.0.1', role: 'replica', replicationOffset: 0, health: 'loading' },
    ]);
  });

  test('agrees with CLUSTER NODES of the same cluster on who owns what', async () => {
    const { parseClusterNodes } = await import('./clusterNodesReply.ts');
    const nodes = parseClusterNodes(String(fixture('valkey9', 'cluster-nodes')));
    for (const s of shards) {
      const primary = nodes.find((n) => n.id === s.nodes[0]!.id)!;
      expect(primary.slots).toEqual(s.slots);
      expect(nodes.find((n) => n.id === s.nodes[1]!.id)!.primaryId).toBe(primary.id);
    }
  });
});

test.each(['redis7', 'valkey8', 'redis8'])('%s capture: 16384 slots over three shards with a primary each', (flavor) => {
  const shards = parseClusterShards(fixture(flavor, 'cluster-shards'));
  expect(shards).toHaveLength(3);
  expect(shards.flatMap((s) => s.slots).reduce((n, [a, b]) => n + b - a + 1, 0)).toBe(16384);
  for (const s of shards) {
    expect(s.nodes.filter((n) => n.role === 'primary')).toHaveLength(1);
    for (const n of s.nodes) {
      expect(n.id).toMatch(/^[0-9a-f]{40}$/);
      expect(n.port).toBeGreaterThan(0);
      expect(typeof n.replicationOffset).toBe('number');
    }
  }
  // Of the four captures only Valkey 9 names its shards in this reply.
  expect(shards.every((s) => s.id === undefined)).toBe(true);
});

test('several slot ranges (flat start/end pairs) come back sorted; RESP3 maps, TLS ports and buffers are understood', () => {
  const [shard] = parseClusterShards([
    new Map<unknown, unknown>([
      ['slots', [Buffer.from('100'), Buffer.from('200'), 0, 10]],
      ['nodes', [new Map<unknown, unknown>([['id', 'a'], ['tls-port', 6380], ['ip', '10.0.0.1'], ['endpoint', '?'], ['hostname', 'h1'], ['role', 'master'], ['replication-offset', 5], ['health', 'fail']])]],
    ]),
  ]);
  expect(shard).toEqual({
    slots: [[0, 10], [100, 200]],
    nodes: [{ id: 'a', ip: '10.0.0.1', port: 6380, hostname: 'h1', role: 'primary', replicationOffset: 5, health: 'fail' }],
  });
});

test('a reply that is not an array is an error', () => {
  expect(() => parseClusterShards('ERR unknown command')).toThrow(/expected an array/);
});
