// Tests building topology shards from captured CLUSTER NODES / CLUSTER SHARDS replies and from a failed-over cluster.
import { expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromJson, type Json } from '../../test/fixtures/json.ts';
import { parseClusterNodes } from '../valkey/clusterNodesReply.ts';
import { parseClusterShards } from '../valkey/clusterShardsReply.ts';
import { buildShards, ownership } from './clusterTopology.ts';

function fixture(flavor: string, name: string): unknown {
  const f = JSON.parse(readFileSync(join(import.meta.dir, '../../test/fixtures', flavor, `${name}.json`), 'utf8')) as { reply: Json };
  return fromJson(f.reply);
}

test('valkey9 capture: three shards by slot, primary first, health and replica lag from SHARDS', () => {
  const shards = buildShards(parseClusterNodes(String(fixture('valkey9', 'cluster-nodes'))), parseClusterShards(fixture('valkey9', 'cluster-shards')), '127.0.0.1');
  expect(shards.map((s) => [s.id, s.slots, s.slotCount, s.nodes.map((n) => [n.address, n.role])])).toEqual([
    ['49457d8eaea190a939eeb3d73967675ae77138fe', [[0, 5460]], 5461, [['127.0.0.1:12508', 'primary'], ['127.0.0.1:12406', 'replica']]],
    ['ddfb9f183e05d96a7219c2d1b3e8048a3b6e78f0', [[5461, 10921]], 5461, [['127.0.0.1:18075', 'primary'], ['127.0.0.1:15290', 'replica']]],
    ['051debc37d97e8164c7dbe97672d03f09531adb2', [[10922, 16383]], 5462, [['127.0.0.1:10495', 'primary'], ['127.0.0.1:14575', 'replica']]],
  ]);
  expect(shards[0]!.nodes).toEqual([
    { address: '127.0.0.1:12508', id: '49457d8eaea190a939eeb3d73967675ae77138fe', role: 'primary', health: 'online', linkState: 'connected', flags: ['myself', 'master'], replicationOffset: 8634, lagBytes: null },
    { address: '127.0.0.1:12406', id: '644a922d02ffeadda6883e47681ccda3370ecec4', role: 'replica', health: 'loading', linkState: 'connected', flags: ['slave'], replicationOffset: 0, lagBytes: 8634 },
  ]);
});

test('without CLUSTER SHARDS the same shards come from CLUSTER NODES alone, with null health and offsets', () => {
  const nodes = parseClusterNodes(String(fixture('valkey9', 'cluster-nodes')));
  const withShards = buildShards(nodes, parseClusterShards(fixture('valkey9', 'cluster-shards')), '127.0.0.1');
  const fallback = buildShards(nodes, undefined, '127.0.0.1');
  expect(ownership(fallback)).toEqual(ownership(withShards));
  for (const n of fallback.flatMap((s) => s.nodes)) expect([n.health, n.replicationOffset, n.lagBytes]).toEqual([null, null, null]);
});

// A 1+1 shard after its primary died: the promoted replica owns the slots, the old primary is failed and slotless.
const afterFailover = [
  'aaaa 127.0.0.1:7001@17001 master,fail - 0 0 1 disconnected',
  'bbbb 127.0.0.1:7002@17002 myself,master - 0 0 4 connected 0-16383',
].join('\n');

test('after a failover the promoted node leads its shard and the failed old primary stays in it (SHARDS)', () => {
  const shards = buildShards(parseClusterNodes(afterFailover), [{ id: 's1', slots: [[0, 16383]], nodes: [
    { id: 'bbbb', ip: '127.0.0.1', port: 7002, role: 'primary', replicationOffset: 100, health: 'online' },
    { id: 'aaaa', ip: '127.0.0.1', port: 7001, role: 'primary', replicationOffset: 90, health: 'fail' },
  ] }], '127.0.0.1');
  expect(shards).toHaveLength(1);
  expect(shards[0]!.id).toBe('bbbb');
  expect(shards[0]!.nodes.map((n) => [n.address, n.health, n.linkState])).toEqual([['127.0.0.1:7002', 'online', 'connected'], ['127.0.0.1:7001', 'fail', 'disconnected']]);
});

test('after a failover without SHARDS the failed old primary is a shard of its own, with no slots, listed last', () => {
  const shards = buildShards(parseClusterNodes(afterFailover), undefined, '10.0.0.9');
  expect(shards.map((s) => [s.id, s.slotCount])).toEqual([['bbbb', 16384], ['aaaa', 0]]);
});

test('an empty address is the host of the node asked; handshake nodes are left out', () => {
  const shards = buildShards(parseClusterNodes([
    'aaaa :7001@17001 myself,master - 0 0 1 connected 0-16383',
    'cccc 127.0.0.1:7009@17009 handshake - 0 0 0 connected',
  ].join('\n')), undefined, '10.0.0.9');
  expect(shards.flatMap((s) => s.nodes.map((n) => n.address))).toEqual(['10.0.0.9:7001']);
});
