// Tests the CLUSTER NODES parser on replies captured from a 3+3 cluster of each flavor, plus synthetic node states.
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromJson, type Json } from '../../test/fixtures/json.ts';
import { parseClusterNodes, parseNodeAddress, type ClusterNodeEntry } from './clusterNodesReply.ts';

function fixture(flavor: string, name: string): unknown {
  const f = JSON.parse(readFileSync(join(import.meta.dir, '../../test/fixtures', flavor, `${name}.json`), 'utf8')) as { reply: Json };
  return fromJson(f.reply);
}

// Read by hand from cluster-nodes.json: the node that answered (myself), its replica (also slave0 in
// info-cluster-node.json), and the primaries with their slot ranges.
const flavors: { flavor: string; myself: { id: string; port: number }; myReplica: { id: string; port: number }; primaries: Record<string, [number, number][]> }[] = [
  {
    flavor: 'redis7',
    myself: { id: '3eec6d29f67561081bab0ff88e71ce3e1ae019e5', port: 17485 },
    myReplica: { id: 'b5c3c1fe21e5bbab8e9a0d646970238093ad9487', port: 17583 },
    primaries: { '3eec6d29f67561081bab0ff88e71ce3e1ae019e5': [[0, 5460]], bb6a5e2cde05eeca91d4cf9131d744fedb5b1fe7: [[5461, 10921]], '27c6546c4279fcdc70555aa0e2d7c6ebcf34689c': [[10922, 16383]] },
  },
  {
    flavor: 'valkey8',
    myself: { id: 'e78454684f6f7df8eed4a9d11c3978ba0e3bc3c5', port: 13098 },
    myReplica: { id: '65b16beb27d77125946383a14fee980f4c81e01a', port: 11516 },
    primaries: { e78454684f6f7df8eed4a9d11c3978ba0e3bc3c5: [[0, 5460]], '0a8f3464cfd2d59853e83fc4a6965300182a1c4c': [[5461, 10921]], '9eff3dc1fe26c3ff3c4c48f63e58c8ee3d032ffc': [[10922, 16383]] },
  },
  {
    flavor: 'valkey9',
    myself: { id: '49457d8eaea190a939eeb3d73967675ae77138fe', port: 12508 },
    myReplica: { id: '644a922d02ffeadda6883e47681ccda3370ecec4', port: 12406 },
    primaries: { '49457d8eaea190a939eeb3d73967675ae77138fe': [[0, 5460]], ddfb9f183e05d96a7219c2d1b3e8048a3b6e78f0: [[5461, 10921]], '051debc37d97e8164c7dbe97672d03f09531adb2': [[10922, 16383]] },
  },
  {
    flavor: 'redis8',
    myself: { id: '997188ee1bf70bcfadb6c7735cf9f8ca7d2c58cc', port: 11773 },
    myReplica: { id: '0c057e3dcc74fda66cf9730747dbebfcde35998e', port: 12445 },
    primaries: { '997188ee1bf70bcfadb6c7735cf9f8ca7d2c58cc': [[0, 5460]], c660f71c7826ab156467b3579d688b81ae002089: [[5461, 10921]], '4d72397af22ede0e01406980fa1ce32fc18dad2a': [[10922, 16383]] },
  },
];

describe('parseClusterNodes on real CLUSTER NODES replies', () => {
  test.each(flavors)('$flavor: 3 primaries with their slots, 3 replicas, all healthy', ({ flavor, primaries }) => {
    const nodes = parseClusterNodes(String(fixture(flavor, 'cluster-nodes')));
    expect(nodes).toHaveLength(6);
    const byRole = (role: ClusterNodeEntry['role']) => nodes.filter((n) => n.role === role);
    expect(Object.fromEntries(byRole('primary').map((n) => [n.id, n.slots]))).toEqual(primaries);
    expect(byRole('replica')).toHaveLength(3);
    for (const n of nodes) {
      expect(n.host).toBe('127.0.0.1');
      expect(n.hostname).toBeUndefined();
      expect(n.failed).toBe(false);
      expect(n.linkState).toBe('connected');
      expect(n.id).toMatch(/^[0-9a-f]{40}$/);
    }
    // Every slot is served exactly once, by a primary.
    const covered = byRole('primary').flatMap((n) => n.slots).sort((a, b) => a[0] - b[0]);
    expect(covered.reduce((sum, [a, b]) => sum + (b - a + 1), 0)).toBe(16384);
    for (let i = 1; i < covered.length; i++) expect(covered[i]![0]).toBe(covered[i - 1]![1] + 1);
    // Replicas serve no slots and each follows a different primary.
    for (const r of byRole('replica')) {
      expect(r.slots).toEqual([]);
      expect(Object.keys(primaries)).toContain(r.primaryId!);
    }
    expect(new Set(byRole('replica').map((r) => r.primaryId)).size).toBe(3);
    for (const p of byRole('primary')) expect(p.primaryId).toBeUndefined();
  });

  test.each(flavors)('$flavor: myself and its replica', ({ flavor, myself, myReplica }) => {
    const nodes = parseClusterNodes(String(fixture(flavor, 'cluster-nodes')));
    const me = nodes.find((n) => n.flags.includes('myself'))!;
    expect(me).toMatchObject({ id: myself.id, port: myself.port, role: 'primary', flags: ['myself', 'master'], slots: [[0, 5460]] });
    const replica = nodes.find((n) => n.id === myReplica.id)!;
    expect(replica).toMatchObject({ port: myReplica.port, role: 'replica', primaryId: myself.id, flags: ['slave'] });
  });

  test.each(flavors)('$flavor: agrees with CLUSTER SHARDS on each primary\'s slots and ports', ({ flavor }) => {
    const nodes = parseClusterNodes(String(fixture(flavor, 'cluster-nodes')));
    const shards = fixture(flavor, 'cluster-shards') as unknown[][];
    expect(shards).toHaveLength(3);
    for (const shard of shards) {
      const slots = shard[shard.indexOf('slots') + 1] as number[];
      const members = (shard[shard.indexOf('nodes') + 1] as unknown[][]).map((kv) => ({
        id: kv[kv.indexOf('id') + 1] as string,
        port: kv[kv.indexOf('port') + 1] as number,
        role: kv[kv.indexOf('role') + 1] as string,
      }));
      const primary = members.find((m) => m.role === 'master')!;
      const parsed = nodes.find((n) => n.id === primary.id)!;
      expect(parsed.port).toBe(primary.port);
      expect(parsed.slots.flat()).toEqual(slots);
      for (const m of members.filter((x) => x.role === 'replica')) expect(nodes.find((n) => n.id === m.id)?.primaryId).toBe(primary.id);
    }
  });
});

describe('parseClusterNodes on synthetic lines (states a test cluster does not easily produce)', () => {
  const id = (c: string) => c.repeat(40);

  test('failed, possibly failed, noaddr and handshake nodes', () => {
    const text = [
      `${id('a')} 10.0.0.1:7000@17000 master,fail - 1700000000000 1700000000000 1 disconnected 0-5460`,
      `${id('b')} 10.0.0.2:7000@17000 master,fail? - 1700000000000 1700000000000 2 connected 5461-10921`,
      `${id('c')} :0@0 master,fail,noaddr - 1700000000000 1700000000000 3 disconnected 10922-16383`,
      `${id('d')} 10.0.0.4:7000@17000 handshake - 1700000000000 0 0 disconnected`,
      `${id('e')} 10.0.0.5:7000@17000 slave,fail ${id('a')} 1700000000000 1700000000000 1 disconnected`,
    ].join('\n');
    const nodes = parseClusterNodes(text);
    expect(nodes.map((n) => [n.id[0], n.role, n.failed, n.linkState])).toEqual([
      ['a', 'primary', true, 'disconnected'],
      // "fail?" (PFAIL) is one node's suspicion, not the cluster's verdict.
      ['b', 'primary', false, 'connected'],
      ['c', 'primary', true, 'disconnected'],
      ['d', 'primary', true, 'disconnected'],
      ['e', 'replica', true, 'disconnected'],
    ]);
    expect(nodes[2]).toMatchObject({ host: '', port: 0, slots: [[10922, 16383]] });
    expect(nodes[4]!.primaryId).toBe(id('a'));
  });

  test('migrating and importing markers are left out; single slots and ranges are kept', () => {
    const line = `${id('a')} 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-92 93 94-5460 [93->-${id('b')}] [5461-<-${id('c')}]`;
    expect(parseClusterNodes(line)[0]!.slots).toEqual([[0, 92], [93, 93], [94, 5460]]);
  });

  test('IPv6 addresses (printed without brackets) and announced hostnames', () => {
    const text = [
      `${id('a')} 2001:db8::1:7000@17000,node-a.example master - 0 0 1 connected 0-16383`,
      `${id('b')} ::1:7001@17001 slave ${id('a')} 0 0 1 connected`,
    ].join('\r\n');
    const [a, b] = parseClusterNodes(text);
    expect(a).toMatchObject({ host: '2001:db8::1', port: 7000, hostname: 'node-a.example', slots: [[0, 16383]] });
    expect(b).toMatchObject({ host: '::1', port: 7001, hostname: undefined, role: 'replica', linkState: 'connected' });
  });

  test('CRLF, blank and short lines, empty reply', () => {
    expect(parseClusterNodes('')).toEqual([]);
    expect(parseClusterNodes('\r\n\r\n')).toEqual([]);
    expect(parseClusterNodes('not a node line\n')).toEqual([]);
    const nodes = parseClusterNodes(`${id('a')} 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383\r\n\r\n`);
    expect(nodes).toHaveLength(1);
    expect(nodes[0]!.slots).toEqual([[0, 16383]]);
    expect(nodes[0]!.linkState).toBe('connected');
  });
});

describe('parseNodeAddress', () => {
  test.each([
    ['127.0.0.1:7000@17000', { host: '127.0.0.1', port: 7000, hostname: undefined }],
    ['127.0.0.1:7000@17000,redis-0.svc', { host: '127.0.0.1', port: 7000, hostname: 'redis-0.svc' }],
    // nodes.conf form: empty hostname followed by aux fields.
    ['127.0.0.1:7000@17000,,tls-port=0,shard-id=abc', { host: '127.0.0.1', port: 7000, hostname: undefined }],
    ['[::1]:7000@17000', { host: '::1', port: 7000, hostname: undefined }],
    ['fe80::1:2:7000@17000', { host: 'fe80::1:2', port: 7000, hostname: undefined }],
    // Before Redis 4 there was no cluster bus port.
    ['10.1.2.3:6379', { host: '10.1.2.3', port: 6379, hostname: undefined }],
    [':0@0', { host: '', port: 0, hostname: undefined }],
    // No port at all: the host is kept whole and the port is 0 (which marks the node failed).
    ['garbage', { host: 'garbage', port: 0, hostname: undefined }],
  ])('%p', (addr, want) => {
    expect(parseNodeAddress(addr)).toEqual(want);
  });
});
