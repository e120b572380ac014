// The Zipf workload's ground truth checked against real Valkey 9 servers' own counters: commandstats, keyspace events, OBJECT FREQ.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Redis, { Cluster } from 'ioredis';
import { startCluster, startStandalone } from '../servers/servers.ts';
import { keySlot, loadKeyspace, runWorkload, type GroundTruth, type LoadResult, type Target } from '../workload/zipf.ts';
import { waitFor } from './harness.ts';

const KEYS = 100_000;
const OPERATIONS = 200_000;
const workload = { keys: KEYS, exponent: 1.1, seed: 7, readRatio: 0.9, operations: OPERATIONS };

/**
 * Server settings that make per-key counters exact. With lfu-log-factor 0 every access adds one to a key's LFU
 * counter (new keys start at 5, the counter stops at 255) and lfu-decay-time 0 turns decay off, so OBJECT FREQ is
 * min(255, 5 + GETs + SETs). The E$ keyspace events publish one `set` event per SET, naming the key.
 */
const EXACT_COUNTERS = {
  'maxmemory-policy': 'allkeys-lfu',
  'lfu-log-factor': '0',
  'lfu-decay-time': '0',
  'notify-keyspace-events': 'E$',
};
const LFU_INITIAL = 5;
const LFU_MAX = 255;

interface Deployment {
  /** The client the workload uses. */
  target: Target;
  /** Every node that holds keys (standalone: the one server; cluster: the primaries). */
  ports: number[];
  stop(): Promise<void>;
}

async function standalone(): Promise<Deployment> {
  const server = await startStandalone('valkey9', { config: EXACT_COUNTERS });
  const client = new Redis({ port: server.port, maxRetriesPerRequest: 0 });
  return {
    target: client,
    ports: [server.port],
    async stop() {
      client.disconnect();
      await server.stop();
    },
  };
}

async function cluster(): Promise<Deployment> {
  const handle = await startCluster('valkey9', { primaries: 3, replicasPerPrimary: 0, config: EXACT_COUNTERS });
  const client = new Cluster([{ host: '127.0.0.1', port: handle.nodes[0]!.port }], { redisOptions: { maxRetriesPerRequest: 0 } });
  return {
    target: client,
    ports: handle.nodes.map((n) => n.port),
    async stop() {
      client.disconnect();
      await handle.stop();
    },
  };
}

async function onEachNode<T>(ports: number[], fn: (node: Redis) => Promise<T>): Promise<T[]> {
  return Promise.all(
    ports.map(async (port) => {
      const node = new Redis({ port, maxRetriesPerRequest: 0 });
      try {
        return await fn(node);
      } finally {
        node.disconnect();
      }
    }),
  );
}

/** calls= of one command in INFO commandstats (0 when the command never ran). */
function commandCalls(info: string, command: string): number {
  return Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0);
}

/** Counts `set` keyspace events per key on every node, from now on. */
async function countSetEvents(ports: number[]): Promise<{ perKey: Map<string, number>; total(): number; close(): void }> {
  const perKey = new Map<string, number>();
  let total = 0;
  const subscribers = await Promise.all(
    ports.map(async (port) => {
      const sub = new Redis({ port, maxRetriesPerRequest: 0 });
      sub.on('message', (_channel: string, key: string) => {
        perKey.set(key, (perKey.get(key) ?? 0) + 1);
        total++;
      });
      await sub.subscribe('__keyevent@0__:set');
      return sub;
    }),
  );
  return { perKey, total: () => total, close: () => subscribers.forEach((s) => s.disconnect()) };
}

describe.each([
  ['standalone', standalone],
  ['3-primary cluster', cluster],
] as const)('Zipf workload ground truth on a Valkey 9 %s', (_name, deploy) => {
  let deployment: Deployment;
  let load: LoadResult;
  let truth: GroundTruth;
  let events: Awaited<ReturnType<typeof countSetEvents>>;
  const sumOverNodes = async (fn: (node: Redis) => Promise<number>) => (await onEachNode(deployment.ports, fn)).reduce((a, b) => a + b, 0);

  beforeAll(async () => {
    deployment = await deploy();
    load = await loadKeyspace(deployment.target, KEYS);
    // Only the workload's own commands and events from here on.
    await onEachNode(deployment.ports, (node) => node.config('RESETSTAT'));
    events = await countSetEvents(deployment.ports);
    truth = await runWorkload(deployment.target, workload);
    await waitFor('every set event', () => events.total() >= truth.totalSets);
  }, 60_000);

  afterAll(async () => {
    events?.close();
    await deployment?.stop();
  });

  test('the keyspace is loaded in full', async () => {
    expect(load.keys).toBe(KEYS);
    expect(await sumOverNodes((node) => node.dbsize())).toBe(KEYS);
    // EXISTS leaves the LFU counters alone (a GET here would add to them).
    for (const id of [0, 1, 4242, KEYS - 1]) expect(await deployment.target.exists(`zk:${id}`)).toBe(1);
    expect(await deployment.target.exists(`zk:${KEYS}`)).toBe(0);
  });

  test('the run completed without errors and followed the read ratio', () => {
    expect(truth.endReason).toBe('operations');
    expect(truth.errors).toBe(0);
    expect(truth.totalOps).toBe(OPERATIONS);
    expect(truth.getMisses).toBe(0);
    expect(Math.abs(truth.totalGets / OPERATIONS - 0.9)).toBeLessThan(0.005);
  });

  test('GET and SET calls in INFO commandstats equal the recorded totals', async () => {
    const infos = await onEachNode(deployment.ports, (node) => node.info('commandstats'));
    expect(infos.reduce((sum, info) => sum + commandCalls(info, 'get'), 0)).toBe(truth.totalGets);
    expect(infos.reduce((sum, info) => sum + commandCalls(info, 'set'), 0)).toBe(truth.totalSets);
  });

  test('SETs per key equal the set keyspace events per key', () => {
    const ks = truth.keyspace;
    expect(events.total()).toBe(truth.totalSets);
    let keysWithSets = 0;
    for (let id = 0; id < ks.size; id++) {
      const key = ks.keyOf(id);
      if (truth.sets[id]) keysWithSets++;
      if ((events.perKey.get(key) ?? 0) !== truth.sets[id]) throw new Error(`${key}: ${events.perKey.get(key)} set events, ${truth.sets[id]} recorded`);
    }
    expect(events.perKey.size).toBe(keysWithSets);
  });

  test('OBJECT FREQ is 5 + recorded touches (up to 255) for the hottest 1000 keys and a spread of others', async () => {
    const top = truth.topK(1000);
    const ids = [...new Set([...top.map((t) => t.id), ...Array.from({ length: 1000 }, (_, i) => i * 100)])];
    const freqs = await Promise.all(ids.map((id) => deployment.target.call('OBJECT', 'FREQ', truth.keyspace.keyOf(id)) as Promise<number>));
    const mismatches = ids.flatMap((id, i) => {
      const expected = Math.min(LFU_MAX, LFU_INITIAL + truth.gets[id]! + truth.sets[id]!);
      return freqs[i] === expected ? [] : [`${truth.keyspace.keyOf(id)}: freq ${freqs[i]}, expected ${expected}`];
    });
    expect(mismatches).toEqual([]);
    // The check reaches below saturation, where OBJECT FREQ orders keys exactly as the recorded counts do.
    const unsaturated = top.filter((t) => t.value + LFU_INITIAL < LFU_MAX);
    expect(unsaturated.length).toBeGreaterThan(500);
    expect(unsaturated.some((t) => truth.sets[t.id]! > 0)).toBe(true);
  }, 30_000);

  test('hash slots used to group commands match the server\'s CLUSTER KEYSLOT', async () => {
    // Valkey answers CLUSTER KEYSLOT with cluster mode off too.
    const keys = ['zk:0', 'zk:99999', 'zk:{cart}:12', 'foo{}{bar}', 'foo{{bar}}zap', '{user1000}.following', 'ключ:{тег}:1', '123456789'];
    const [slots] = await onEachNode(deployment.ports.slice(0, 1), (node) => Promise.all(keys.map((k) => node.call('CLUSTER', 'KEYSLOT', k) as Promise<number>)));
    expect(keys.map(keySlot)).toEqual(slots!);
  });
});
