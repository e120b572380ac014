// Forms a cluster from freshly started nodes with CLUSTER commands, then waits until every node agrees on it.
import Redis from 'ioredis';
import { allMet, slotRange, waitUntil } from '../../server/demo/clusterSetup.ts';

const FORM_TIMEOUT_MS = 30_000;

/** What cluster setup needs from a started server. */
export interface ClusterNode {
  port: number;
  /** Persists a directive in the node's config file so restart() keeps it. */
  setConfig(values: Record<string, string>): void;
  restart(): Promise<void>;
}

/**
 * nodes[0..primaries) own the slots in equal ranges; the rest replicate them in order
 * (node primaries + i*replicasPerPrimary + j replicates primary i).
 */
export async function createCluster(nodes: ClusterNode[], primaries: number, replicasPerPrimary: number): Promise<void> {
  if (nodes.length !== primaries * (1 + replicasPerPrimary)) throw new Error('node count does not match the requested shape');
  let clients = nodes.map((n) => connectTo(n.port));
  try {
    clients = await enableSlotStats(nodes, clients);
    const ids = (await Promise.all(clients.map((c) => c.call('CLUSTER', 'MYID')))) as string[];
    // Distinct epochs up front avoid the slow epoch-collision resolution.
    await Promise.all(clients.map((c, i) => c.call('CLUSTER', 'SET-CONFIG-EPOCH', String(i + 1))));
    await Promise.all(clients.slice(0, primaries).map((c, i) => c.call('CLUSTER', 'ADDSLOTSRANGE', ...slotRange(i, primaries).map(String))));
    await Promise.all(clients.slice(1).map((c) => c.call('CLUSTER', 'MEET', '127.0.0.1', String(nodes[0].port))));
    await waitFor('every node to know every other node', () => allMet(clients, nodes.length));
    const primaryOf = (k: number): number => Math.floor((k - primaries) / replicasPerPrimary);
    await Promise.all(clients.slice(primaries).map((c, j) => c.call('CLUSTER', 'REPLICATE', ids[primaryOf(j + primaries)])));
    const expected = ids.map((id, k) => `${id} ${k < primaries ? `master - ${slotRange(k, primaries).join('-')}` : `slave ${ids[primaryOf(k)]}`}`).sort();
    await waitFor('cluster_state:ok and the same topology on every node', () => converged(clients, expected, primaries));
  } finally {
    for (const c of clients) c.disconnect();
  }
}

/**
 * Valkey 8+ and Redis 8.2+ count CPU and network per slot; detected by the config existing, not by version.
 * Redis refuses to turn it on at run time (memory tracking), so then it goes in the file and the fresh nodes restart.
 */
async function enableSlotStats(nodes: ClusterNode[], clients: Redis[]): Promise<Redis[]> {
  const reply = (await clients[0].call('CONFIG', 'GET', 'cluster-slot-stats-enabled')) as string[];
  if (reply.length === 0) return clients;
  for (const n of nodes) n.setConfig({ 'cluster-slot-stats-enabled': 'yes' });
  const set = await clients[0].call('CONFIG', 'SET', 'cluster-slot-stats-enabled', 'yes').then(() => true, () => false);
  if (set) {
    await Promise.all(clients.slice(1).map((c) => c.call('CONFIG', 'SET', 'cluster-slot-stats-enabled', 'yes')));
    return clients;
  }
  for (const c of clients) c.disconnect();
  await Promise.all(nodes.map((n) => n.restart()));
  return nodes.map((n) => connectTo(n.port));
}

async function converged(clients: Redis[], expected: string[], primaries: number): Promise<true | string> {
  const infos = (await Promise.all(clients.map((c) => c.call('CLUSTER', 'INFO')))) as string[];
  const notOk = infos.findIndex((i) => !i.includes('cluster_state:ok') || !i.includes(`cluster_size:${primaries}`));
  if (notOk >= 0) return `node ${notOk} CLUSTER INFO: ${infos[notOk].trim().split('\r\n').slice(0, 7).join(' ')}`;
  const views = (await Promise.all(clients.map((c) => c.call('CLUSTER', 'NODES')))) as string[];
  const want = expected.join('\n');
  const differs = views.findIndex((v) => topology(v) !== want);
  if (differs >= 0) return `node ${differs} sees\n${topology(views[differs])}\nexpected\n${want}`;
  const repl = (await Promise.all(clients.map((c) => c.call('INFO', 'replication')))) as string[];
  const down = repl.findIndex((r) => !r.includes('role:master') && !r.includes('master_link_status:up'));
  return down < 0 ? true : `node ${down} replication link not up yet`;
}

/** One line per node: "id role primaryId slots", sorted; any failure flag makes it unequal on purpose. */
function topology(clusterNodes: string): string {
  return clusterNodes.trim().split('\n').map((line) => {
    const [id, , flags, primary, , , , , ...slots] = line.trim().split(' ');
    const role = flags.replace('myself,', '');
    return `${id} ${role} ${primary} ${slots.join(' ')}`.trim();
  }).sort().join('\n');
}

function connectTo(port: number): Redis {
  // Setup talks to nodes that just answered PING: fail fast instead of retrying quietly.
  const c = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0, retryStrategy: () => null, enableReadyCheck: false });
  c.on('error', () => undefined);
  return c;
}

function waitFor(what: string, check: () => Promise<true | string>): Promise<void> {
  return waitUntil(what, check, { timeoutMs: FORM_TIMEOUT_MS, fail: (m) => new Error(`cluster did not form: ${m}`) });
}
