// Server-side HOTKEYS runs against real Redis 8.6 (standalone and a 3-primary cluster), Valkey 9.1 and Redis 7.0.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Redis from 'ioredis';
import { runServerHotkeys, type HotkeysNode, type HotkeysProgress, type HotkeysRun, type HotkeysRunOptions } from '../../server/hotkeys/redisHotkeys.ts';
import { openConnection, type NodeConnection } from '../../server/valkey/connection.ts';
import { parseTarget } from '../../server/valkey/target.ts';
import { startCluster, startStandalone, type ClusterHandle, type ServerHandle } from '../servers/servers.ts';

const KIB = 'v'.repeat(1024);
const opened: NodeConnection[] = [];

async function hotkeysNode(server: ServerHandle): Promise<HotkeysNode> {
  const conn = await openConnection(parseTarget(server.url), { connectTimeoutMs: 5000, commandTimeoutMs: 5000 });
  opened.push(conn);
  return { node: `127.0.0.1:${server.port}`, conn };
}

function client(port: number): Redis {
  const c = new Redis({ host: '127.0.0.1', port, protocol: 2, maxRetriesPerRequest: 1 });
  c.on('error', () => undefined);
  return c;
}

/** Size of a command on the wire (RESP array of bulk strings): what the server counts as the request. */
function requestBytes(args: string[]): number {
  return Buffer.byteLength(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
}

async function pipelined(c: Redis, n: number, add: (p: ReturnType<Redis['pipeline']>, i: number) => void): Promise<void> {
  for (let done = 0; done < n; done += 1000) {
    const p = c.pipeline();
    for (let i = done; i < Math.min(n, done + 1000); i++) add(p, i);
    for (const [err] of (await p.exec()) ?? []) if (err) throw err;
  }
}

/** Starts a run and resolves `started` once every node's session is running, so a workload lands inside it. */
function startRun(nodes: HotkeysNode[], opts: HotkeysRunOptions): { run: Promise<HotkeysRun>; started: Promise<void> } {
  const seen = new Set<string>();
  let ready!: () => void;
  const started = new Promise<void>((r) => (ready = r));
  const onProgress = (p: HotkeysProgress) => {
    opts.onProgress?.(p);
    seen.add(p.node);
    if (seen.size === nodes.length) ready();
  };
  const run = runServerHotkeys(nodes, { ...opts, onProgress });
  // A run that ends without starting (an error on a node) must not leave the test waiting.
  run.then(ready, ready);
  return { run, started };
}

async function hotkeysGet(port: number): Promise<unknown> {
  const c = client(port);
  try {
    return await c.call('HOTKEYS', 'GET');
  } finally {
    c.disconnect();
  }
}

/**
 * The CPU-hot key: LPOS scans a 2000-element list for a value it does not hold, tens of microseconds of CPU
 * for a few bytes. Thousands of cheap GETs would not do: on a busy machine one slow command on another key can
 * outweigh them (seen here with 20,000 GETs against 2000 1 KiB SETs).
 */
async function fillList(c: Redis, key: string): Promise<void> {
  await c.del(key);
  await c.rpush(key, ...Array.from({ length: 2000 }, (_, i) => `item:${i}`));
}

const rowsOf = (run: HotkeysRun, metric: 'cpu' | 'net') => run.rows.filter((r) => r.metric === metric);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(() => {
  for (const c of opened) c.disconnect();
});

describe('redis8 standalone', () => {
  let server: ServerHandle;
  let node: HotkeysNode;
  beforeAll(async () => {
    server = await startStandalone('redis8');
    node = await hotkeysNode(server);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  test('a 2 s session ranks the CPU-hot key first by CPU and the write-heavy key first by bytes, exactly counted', async () => {
    const c = client(server.port);
    try {
      await fillList(c, 'hot:read');
      const began = performance.now();
      const { run, started } = startRun([node], { seconds: 2, pollMs: 500 });
      await started;
      await pipelined(c, 5000, (p) => p.lpos('hot:read', 'absent'));
      await pipelined(c, 2000, (p) => p.set('hot:write', KIB));
      await pipelined(c, 200, (p, i) => p.set(`other:${i}`, 'x'));
      const r = await run;
      expect(performance.now() - began).toBeGreaterThanOrEqual(2000);
      const n = r.nodes[0]!;
      expect(n.error).toBeUndefined();
      expect(n.cleanup).toBe('reset');
      expect(r.aborted).toBe(false);

      const cpu = rowsOf(r, 'cpu');
      const net = rowsOf(r, 'net');
      expect(cpu[0]!.key.toString()).toBe('hot:read');
      expect(net[0]!.key.toString()).toBe('hot:write');
      // SET hot:write <1 KiB> and its +OK\r\n, 2000 times; LPOS hot:read absent and its nil $-1\r\n, 5000 times.
      const writeBytes = 2000 * (requestBytes(['SET', 'hot:write', KIB]) + 5);
      const readBytes = 5000 * (requestBytes(['LPOS', 'hot:read', 'absent']) + 5);
      expect(Math.abs(net[0]!.value - writeBytes) / writeBytes).toBeLessThan(0.01);
      expect(Math.abs(net.find((x) => x.key.toString() === 'hot:read')!.value - readBytes) / readBytes).toBeLessThan(0.01);
      for (const row of r.rows) {
        expect(row.node).toBe(`127.0.0.1:${server.port}`);
        expect(row.sampled).toBe(false);
        expect(row.unit).toBe(row.metric === 'cpu' ? 'usec' : 'bytes');
        expect(row.share).toBe(row.clusterShare);
      }
      // The node's totals hold everything that named a key, so the two hot keys carry nearly all of it.
      expect(net[0]!.share).toBeCloseTo(writeBytes / r.totals.net, 2);
      expect(net[0]!.share + net[1]!.share).toBeGreaterThan(0.95);
      expect(cpu[0]!.share).toBeGreaterThan(0.3);

      expect(n.report!.durationMs).toBeGreaterThanOrEqual(1900);
      expect(n.report!.durationMs).toBeLessThan(4000);
      expect(n.cost.commands['HOTKEYS START']).toBe(1);
      expect(n.cost.commands['HOTKEYS RESET']).toBe(1);
      expect(n.cost.commands['HOTKEYS GET']).toBeGreaterThanOrEqual(3);
      expect(n.cost.commandsTotal).toBeLessThan(15);
      expect(n.cost.trackingCpuMs).toBeGreaterThanOrEqual(0);
      expect(n.cost.sessionMs).toBe(n.report!.durationMs);
      expect(await hotkeysGet(server.port)).toBeNull();
    } finally {
      c.disconnect();
    }
  }, 30_000);

  test('SAMPLE 10: 50,000 GETs of one key are estimated within 5% of the bytes really sent', async () => {
    const c = client(server.port);
    try {
      await c.set('sampled', 's'.repeat(100));
      const { run, started } = startRun([node], { seconds: 2, sampleRatio: 10, pollMs: 500 });
      await started;
      await pipelined(c, 50_000, (p) => p.get('sampled'));
      const r = await run;
      const truth = 50_000 * (requestBytes(['GET', 'sampled']) + 108);
      const row = rowsOf(r, 'net')[0]!;
      expect(row.key.toString()).toBe('sampled');
      expect(row.sampled).toBe(true);
      expect(Math.abs(row.value - truth) / truth).toBeLessThan(0.05);
      // The server's own number is counted on the sampled tenth only.
      const raw = r.nodes[0]!.report!.byNetBytes[0]!.value;
      expect(raw).toBeGreaterThan(truth / 10 * 0.8);
      expect(raw).toBeLessThan(truth / 10 * 1.2);
      // One key did all the keyed work, so its CPU estimate is of the order of the exact total. Sampled CPU is
      // noisy (one slow command weighs 10x, or not at all), hence the wide band; unscaled it would sit near 0.1.
      const cpu = rowsOf(r, 'cpu')[0]!;
      expect(cpu.key.toString()).toBe('sampled');
      expect(cpu.value / r.totals.cpu).toBeGreaterThan(0.3);
      expect(cpu.value / r.totals.cpu).toBeLessThan(3);
      expect(await hotkeysGet(server.port)).toBeNull();
    } finally {
      c.disconnect();
    }
  }, 30_000);

  test("someone else's running session is reported and left alone", async () => {
    const other = client(server.port);
    try {
      await other.call('HOTKEYS', 'START', 'METRICS', '1', 'CPU');
      const theirs = ((await other.call('HOTKEYS', 'GET')) as unknown[][])[0]!;
      const r = await runServerHotkeys([node], { seconds: 1 });
      const n = r.nodes[0]!;
      expect(n.error).toMatch(/another HOTKEYS session is running.*left alone/);
      expect(n.cleanup).toBe('left-alone');
      expect(r.rows).toEqual([]);
      expect(n.cost.commands).toEqual({ 'INFO SERVER': 1, 'HOTKEYS START': 1 });
      const after = ((await other.call('HOTKEYS', 'GET')) as unknown[][])[0]!;
      expect(after.slice(0, 2)).toEqual(['tracking-active', 1]);
      expect(after[after.indexOf('collection-start-time-unix-ms') + 1]).toBe(theirs[theirs.indexOf('collection-start-time-unix-ms') + 1]);
    } finally {
      await other.call('HOTKEYS', 'STOP');
      await other.call('HOTKEYS', 'RESET');
      other.disconnect();
    }
  }, 30_000);

  test('a session replaced by someone else mid-run is not stopped or reset by the run', async () => {
    const other = client(server.port);
    try {
      const { run, started } = startRun([node], { seconds: 5, pollMs: 200 });
      await started;
      await other.call('HOTKEYS', 'STOP');
      await other.call('HOTKEYS', 'RESET');
      await sleep(20);
      await other.call('HOTKEYS', 'START', 'METRICS', '1', 'NET');
      const r = await run;
      expect(r.nodes[0]!.cleanup).toBe('left-alone');
      expect(r.nodes[0]!.error).toMatch(/stopped or replaced by someone else/);
      expect(((await other.call('HOTKEYS', 'GET')) as unknown[][])[0]!.slice(0, 2)).toEqual(['tracking-active', 1]);
    } finally {
      await other.call('HOTKEYS', 'STOP');
      await other.call('HOTKEYS', 'RESET');
      other.disconnect();
    }
  }, 30_000);

  test('an abort mid-session returns at once and leaves no session behind', async () => {
    const abort = new AbortController();
    const { run, started } = startRun([node], { seconds: 60, pollMs: 200, signal: abort.signal });
    await started;
    await sleep(300);
    const t = performance.now();
    abort.abort();
    const r = await run;
    expect(performance.now() - t).toBeLessThan(2000);
    expect(r.aborted).toBe(true);
    expect(r.nodes[0]!.cleanup).toBe('reset');
    expect(r.nodes[0]!.report!.durationMs).toBeLessThan(5000);
    expect(await hotkeysGet(server.port)).toBeNull();
  }, 30_000);
});

describe('redis8 cluster, 3 primaries', () => {
  let cluster: ClusterHandle;
  let nodes: HotkeysNode[];
  let ranges: { port: number; from: number; to: number }[];
  const portOf = (slot: number) => ranges.find((r) => slot >= r.from && slot <= r.to)!.port;

  beforeAll(async () => {
    cluster = await startCluster('redis8', { primaries: 3, replicasPerPrimary: 0 });
    nodes = await Promise.all(cluster.nodes.map(hotkeysNode));
    const c = client(cluster.nodes[0]!.port);
    try {
      ranges = ((await c.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][]).map(([from, to, [, port]]) => ({ port, from, to }));
    } finally {
      c.disconnect();
    }
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  /** A key served by the node on `port`, found with CLUSTER KEYSLOT. */
  async function keyOn(port: number, prefix: string): Promise<string> {
    const c = client(port);
    try {
      for (let i = 0; ; i++) if (portOf(Number(await c.call('CLUSTER', 'KEYSLOT', `${prefix}${i}`))) === port) return `${prefix}${i}`;
    } finally {
      c.disconnect();
    }
  }

  test('keys from every node in one ranking, each on the node that serves it, with node and cluster shares', async () => {
    const [p0, p1] = [cluster.nodes[0]!.port, cluster.nodes[1]!.port];
    const a = await keyOn(p0, 'read:');
    const b = await keyOn(p1, 'write:');
    const ca = client(p0);
    const cb = client(p1);
    const cc = new Redis.Cluster([{ host: '127.0.0.1', port: p0 }], { redisOptions: { protocol: 2 } });
    cc.on('error', () => undefined);
    try {
      await fillList(ca, a);
      const { run, started } = startRun(nodes, { seconds: 2, pollMs: 500 });
      await started;
      await pipelined(ca, 5000, (p) => p.lpos(a, 'absent'));
      await pipelined(cb, 2000, (p) => p.set(b, KIB));
      for (let i = 0; i < 200; i++) await cc.set(`spread:${i}`, 'x');
      const r = await run;
      for (const n of r.nodes) {
        expect(n.error).toBeUndefined();
        expect(n.cleanup).toBe('reset');
        // Without SLOTS a node tracks exactly the slots it serves.
        const own = ranges.find((x) => `127.0.0.1:${x.port}` === n.node)!;
        expect(n.report!.selectedSlots).toEqual([[own.from, own.to]]);
        expect(await hotkeysGet(Number(n.node.split(':')[1]))).toBeNull();
      }
      const cpu = rowsOf(r, 'cpu');
      const net = rowsOf(r, 'net');
      expect([cpu[0]!.key.toString(), cpu[0]!.node]).toEqual([a, `127.0.0.1:${p0}`]);
      expect([net[0]!.key.toString(), net[0]!.node]).toEqual([b, `127.0.0.1:${p1}`]);
      const writeBytes = 2000 * (requestBytes(['SET', b, KIB]) + 5);
      expect(Math.abs(net[0]!.value - writeBytes) / writeBytes).toBeLessThan(0.01);
      // The spread keys landed on all three nodes.
      expect(new Set(net.map((x) => x.node)).size).toBe(3);
      expect(r.totals.net).toBe(r.nodes.reduce((s, n) => s + n.report!.totals.netBytes!, 0));
      expect(net[0]!.clusterShare).toBeCloseTo(net[0]!.value / r.totals.net, 9);
      // B's node carried little else; across the cluster A's 5000 scans also count.
      expect(net[0]!.share).toBeGreaterThan(0.95);
      expect(net[0]!.clusterShare).toBeLessThan(net[0]!.share);
      for (let i = 1; i < net.length; i++) expect(net[i - 1]!.value).toBeGreaterThanOrEqual(net[i]!.value);
    } finally {
      ca.disconnect();
      cb.disconnect();
      cc.disconnect();
    }
  }, 60_000);

  test("someone else's session on one node: that node is reported and untouched, the others run", async () => {
    const busy = cluster.nodes[2]!.port;
    const other = client(busy);
    try {
      await other.call('HOTKEYS', 'START', 'METRICS', '1', 'NET');
      const r = await runServerHotkeys(nodes, { seconds: 1, pollMs: 300 });
      for (const n of r.nodes) {
        if (n.node === `127.0.0.1:${busy}`) {
          expect(n.cleanup).toBe('left-alone');
          expect(n.error).toMatch(/left alone/);
        } else {
          expect(n.error).toBeUndefined();
          expect(n.cleanup).toBe('reset');
        }
      }
      expect(((await other.call('HOTKEYS', 'GET')) as unknown[][])[0]!.slice(0, 2)).toEqual(['tracking-active', 1]);
    } finally {
      await other.call('HOTKEYS', 'STOP');
      await other.call('HOTKEYS', 'RESET');
      other.disconnect();
    }
  }, 30_000);

  test('SLOTS limits a node to the slots asked for; a slot it does not serve is refused by that node only', async () => {
    const p0 = cluster.nodes[0]!.port;
    const slot = ranges.find((x) => x.port === p0)!.from + 7;
    const foreign = ranges.find((x) => x.port !== p0)!.from;
    const withSlots = nodes.map((n) => (n.node === `127.0.0.1:${p0}` ? { ...n, slots: [slot] } : { ...n, slots: [foreign] }));
    const r = await runServerHotkeys(withSlots, { seconds: 1 });
    const mine = r.nodes.find((n) => n.node === `127.0.0.1:${p0}`)!;
    expect(mine.error).toBeUndefined();
    expect(mine.report!.selectedSlots).toEqual([[slot, slot]]);
    const owner = r.nodes.find((n) => n.node === `127.0.0.1:${portOf(foreign)}`)!;
    expect(owner.error).toBeUndefined();
    const refused = r.nodes.filter((n) => n.error);
    expect(refused.length).toBe(1);
    expect(refused[0]!.error).toMatch(/not handled by this node/);
    expect(refused[0]!.cleanup).toBe('not-started');
  }, 30_000);

  test('an abort mid-session leaves no session on any node', async () => {
    const abort = new AbortController();
    const { run, started } = startRun(nodes, { seconds: 60, pollMs: 200, signal: abort.signal });
    await started;
    await sleep(300);
    abort.abort();
    const r = await run;
    expect(r.aborted).toBe(true);
    for (const n of r.nodes) {
      expect(n.cleanup).toBe('reset');
      expect(await hotkeysGet(Number(n.node.split(':')[1]))).toBeNull();
    }
  }, 30_000);
});

describe('servers without Redis 8.6 HOTKEYS', () => {
  test('valkey9 (9.1) is recognised as Valkey: no HOTKEYS command, and no Redis syntax is sent', async () => {
    const server = await startStandalone('valkey9');
    const watcher = client(server.port);
    // MONITOR hides CONFIG and unknown commands, so the server's own counters tell what arrived.
    const counters = async () => {
      const info = (await watcher.info('everything')) as string;
      const field = (re: RegExp) => Number(info.match(re)?.[1] ?? 0);
      return { errors: field(/total_error_replies:(\d+)/), config: field(/cmdstat_config\|get:calls=(\d+)/), unknown: field(/errorstat_ERR:count=(\d+)/) };
    };
    try {
      const before = await counters();
      const r = await runServerHotkeys([await hotkeysNode(server)], { seconds: 1 });
      const after = await counters();
      const n = r.nodes[0]!;
      expect(n.flavor).toBe('valkey');
      expect(n.error).toMatch(/no HOTKEYS command \(Valkey 9\.2/);
      expect(n.cleanup).toBe('not-started');
      expect(r.rows).toEqual([]);
      expect(n.cost.commands).toEqual({ 'INFO SERVER': 1, 'CONFIG GET': 1 });
      expect(after.config).toBe(before.config + 1);
      // A HOTKEYS START would have been answered with an unknown-command error.
      expect(after.errors).toBe(before.errors);
      expect(after.unknown).toBe(before.unknown);
    } finally {
      watcher.disconnect();
      await server.stop();
    }
  }, 30_000);

  test('redis7 answers HOTKEYS START with an unknown command: reported, nothing to clean up', async () => {
    const server = await startStandalone('redis7');
    try {
      const r = await runServerHotkeys([await hotkeysNode(server)], { seconds: 1 });
      expect(r.nodes[0]!.flavor).toBe('redis');
      expect(r.nodes[0]!.error).toMatch(/no HOTKEYS command \(Redis 8\.6/);
      expect(r.nodes[0]!.cleanup).toBe('not-started');
    } finally {
      await server.stop();
    }
  }, 30_000);
});
