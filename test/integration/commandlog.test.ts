// The command log and latency monitor against real servers: each provoked entry stored once, across a reset, a
// rotation, a server restart and a Skyscope restart; COMMANDLOG on Valkey 9.1, SLOWLOG on Redis 7.0 and Valkey 8.0.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Redis from 'ioredis';
import { startCluster, startStandalone, type ClusterHandle, type Flavor, type ServerHandle } from '../servers/servers.ts';
import { startTestSkyscope, waitFor, type TestSkyscope } from './harness.ts';

interface EntryJson {
  ts: number;
  node: string;
  type: string;
  id: number;
  value: number;
  unit: string;
  cmd: string;
  line: string;
  pattern: string;
  args: { text: string; hex: string; binary: boolean }[];
  argsMore: number;
  argsCut: number[];
}

async function knows(c: Redis, name: string): Promise<boolean> {
  return ((await c.call('CONFIG', 'GET', name)) as string[]).length > 0;
}

describe.each(['valkey9', 'redis7', 'valkey8'] as Flavor[])('%s command log and latency monitor', (flavor) => {
  let server: ServerHandle;
  let sky: TestSkyscope;
  let c: Redis;
  let node: string;
  let commandlog = false;

  const entries = async (query: string): Promise<EntryJson[]> => {
    const { status, body } = await sky.api(`/api/commandlog?from=now-1h&limit=1000&${query}`);
    expect(status).toBe(200);
    return body.entries as EntryJson[];
  };
  /** Rows in the file, by SQL: what the API shows must also be what is stored. */
  const storedCount = async (where: string): Promise<number> =>
    Number((await sky.store.sql(`SELECT count(*) FROM v_commandlog WHERE node = '${node}' AND ${where}`)).rows[0]![0]);
  /** Waits until the collector has read the log at least once after now. */
  const nextPoll = async (): Promise<void> => {
    const since = Date.now();
    await waitFor('a command log poll', async () => {
      const n = (await sky.api('/api/nodes')).body.nodes.find((x: { address: string }) => x.address === node);
      return n?.sources?.commandlog?.lastSuccess > since + 50;
    });
  };

  beforeAll(async () => {
    server = await startStandalone(flavor, { config: { 'latency-monitor-threshold': '20', 'slowlog-log-slower-than': '20000' } });
    node = `127.0.0.1:${server.port}`;
    c = new Redis({ host: '127.0.0.1', port: server.port, maxRetriesPerRequest: 1, lazyConnect: true });
    c.on('error', () => undefined);
    await c.connect();
    commandlog = await knows(c, 'commandlog-request-larger-than');
    if (commandlog) {
      await c.call('CONFIG', 'SET', 'commandlog-request-larger-than', '100000');
      await c.call('CONFIG', 'SET', 'commandlog-reply-larger-than', '100000');
    }
    sky = await startTestSkyscope([server.url]);
    await waitFor('the first command log poll', async () => (await sky.api('/api/commandlog/status')).body.nodes[0]?.sourceState === 'ok');
  });
  afterAll(async () => {
    c?.disconnect();
    await sky?.dispose();
    await server?.stop();
  });

  test('a slow command, a large request and a large reply each appear once, with node, type and size', async () => {
    await c.call('DEBUG', 'SLEEP', '0.06');
    await c.set('big:1', 'x'.repeat(200_000));
    await c.get('big:1');
    const slow = await waitFor('the DEBUG SLEEP entry', async () => (await entries('type=slow&cmd=debug')).find((e) => e.line === 'DEBUG SLEEP 0.06'));
    expect(slow).toMatchObject({ node, type: 'slow', unit: 'us', cmd: 'debug', pattern: 'DEBUG SLEEP #' });
    expect(slow.value).toBeGreaterThanOrEqual(60_000);
    expect(slow.value).toBeLessThan(1_000_000);
    if (commandlog) {
      const request = await waitFor('the large request', async () => (await entries('type=large-request&cmd=set'))[0]);
      expect(request).toMatchObject({ node, type: 'large-request', unit: 'bytes', cmd: 'set' });
      expect(request.value).toBeGreaterThanOrEqual(200_000);
      // The server keeps 128 bytes of a long argument and says how much it cut.
      expect(request.args[0]!.text.toLowerCase()).toBe('set');
      expect(request.argsCut[2]).toBe(200_000 - 128);
      expect(request.line).toContain('…(+199872 bytes)');
      const reply = await waitFor('the large reply', async () => (await entries('type=large-reply&cmd=get'))[0]);
      expect(reply).toMatchObject({ node, type: 'large-reply', cmd: 'get', pattern: 'GET big:#' });
      expect(reply.value).toBeGreaterThanOrEqual(200_000);
    } else {
      expect((await sky.api('/api/commandlog/status')).body.nodes[0]).toMatchObject({ source: 'slowlog', logs: [{ type: 'slow', threshold: 20_000, maxLen: 128 }] });
    }
    // Several polls later, still once each, in the API and in the file.
    await nextPoll();
    await nextPoll();
    expect((await entries('cmd=debug')).length).toBe(1);
    await sky.store.flush();
    expect(await storedCount(`cmd = 'debug'`)).toBe(1);
    if (commandlog) expect(await storedCount(`type = 'large-request'`)).toBe(1);
  });

  test('latency events appear in history with their node and size', async () => {
    const sample = await waitFor('the latency sample of the DEBUG SLEEP', async () => {
      const { body } = await sky.api(`/api/latency?from=now-10m&node=${node}&event=command`);
      return body.series.length === 1 && (body.data[1] as (number | null)[]).some((v) => v !== null && v >= 60) ? body : null;
    });
    expect(sample.series).toEqual([{ node, event: 'command' }]);
    const status = (await sky.api('/api/latency/status')).body.nodes[0];
    expect(status).toMatchObject({ node, thresholdMs: 20, enabled: true });
    const event = status.events.find((e: { event: string }) => e.event === 'command');
    expect(event.maxMs).toBeGreaterThanOrEqual(60);
    expect(event.allTimeMaxMs).toBeGreaterThanOrEqual(60);
    // The server's history holds the same second every poll; the file keeps it once.
    await nextPoll();
    await sky.store.flush();
    const rows = (await sky.store.sql(`SELECT ts, count(*) AS n FROM v_latency WHERE node = '${node}' AND event = 'command' GROUP BY ts HAVING n > 1`)).rows;
    expect(rows).toEqual([]);
  });

  test('correlation around the slow command lists it, its latency event, the node\'s traffic and the command that used the time', async () => {
    const slow = (await entries('cmd=debug'))[0]!;
    const { status, body } = await sky.api(`/api/correlate?node=${node}&ts=${slow.ts}&before=30&after=5`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ node, ts: slow.ts, from: slow.ts - 30, to: slow.ts + 5 });
    expect(body.commandlog.map((e: EntryJson) => e.line)).toContain('DEBUG SLEEP 0.06');
    expect(body.latency.some((l: { event: string; ms: number }) => l.event === 'command' && l.ms >= 60)).toBe(true);
    const ops = body.traffic.find((t: { metric: string }) => t.metric === 'valkey_commands_processed_total');
    expect(ops.during).toBeGreaterThan(0);
    // 60 ms of DEBUG in a 35 s window: about 1700 µs/s, more than anything Skyscope's polling costs.
    const debug = body.commands.find((x: { cmd: string }) => x.cmd === 'debug');
    expect(debug.usecPerSec).toBeGreaterThan(500);
    expect(body.commands[0].cmd).toBe('debug');
  });

  test('commandstats over a range: calls/s, µs per call, failed calls and error replies per second', async () => {
    for (let i = 0; i < 20; i++) await c.call('INCR', 'not-a-number-key-' + (i % 2)).catch(() => undefined);
    await c.set('text', 'abc');
    for (let i = 0; i < 10; i++) await c.incr('text').catch(() => undefined);
    const stats = await waitFor('incr calls and failures in commandstats', async () => {
      // INCR succeeds and fails until both rates show: after the loops alone, calls/s read 0 while failed calls/s
      // did not in 2 of 3 runs today (why is not understood yet; a first sighting is a baseline, not a rate).
      await c.call('INCR', 'not-a-number-key-0');
      await c.incr('text').catch(() => undefined);
      const { body } = await sky.api(`/api/commandstats?from=now-2m&node=${node}`);
      const incr = body.commands.find((x: { cmd: string }) => x.cmd === 'incr');
      return incr?.callsPerSec > 0 && incr.failedPerSec > 0 && body.errors.length > 0 ? body : null;
    });
    const incr = stats.commands.find((x: { cmd: string }) => x.cmd === 'incr');
    expect(incr.callsPerSec).toBeGreaterThan(0);
    expect(incr.usecPerCall).toBeGreaterThan(0);
    expect(stats.errors.map((e: { error: string }) => e.error)).toContain('ERR');
    // Sorted by time used.
    const used = stats.commands.map((x: { usecPerSec: number }) => x.usecPerSec);
    expect(used).toEqual([...used].sort((a, b) => b - a));
  });

  test('the latency threshold: LATENCY DOCTOR, setting it, and refusing it under --read-only', async () => {
    const doctor = await sky.api(`/api/latency/doctor?node=${node}`);
    expect(doctor.status).toBe(200);
    expect(doctor.body.text).toMatch(/latency spike/i);
    const set = await sky.api('/api/latency/threshold', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ node, ms: 25 }) });
    expect(set.status).toBe(200);
    expect(set.body.nodes).toEqual([{ node, thresholdMs: 25 }]);
    expect(((await c.call('CONFIG', 'GET', 'latency-monitor-threshold')) as string[])[1]).toBe('25');
    expect((await sky.api('/api/latency/status')).body.nodes[0].thresholdMs).toBe(25);
    await c.call('CONFIG', 'SET', 'latency-monitor-threshold', '20');
    const ro = await startTestSkyscope([server.url], ['--read-only']);
    try {
      const refused = await ro.api('/api/latency/threshold', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ node: 'all', ms: 0 }) });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('read_only');
      expect((await ro.api('/api/latency/status')).body.readOnly).toBe(true);
    } finally {
      await ro.dispose();
    }
    expect(((await c.call('CONFIG', 'GET', 'latency-monitor-threshold')) as string[])[1]).toBe('20');
  });

  test.each([
    ['/api/commandlog?type=slowest', 'type'],
    ['/api/commandlog?before=yesterday', 'before'],
    ['/api/commandlog?min=-1', 'min'],
    ['/api/commandlog?min=10&max=5', 'min'],
    ['/api/commandlog?limit=5000', 'limit'],
    ['/api/commandlog/groups?by=client', 'by'],
    ['/api/commandlog?from=tomorrow', 'from'],
    ['/api/latency?from=now&to=now-1h', 'from'],
    ['/api/latency/doctor', 'node'],
    ['/api/commandstats?from=soon', 'from'],
    ['/api/correlate?node=NODE', 'ts'],
    ['/api/correlate?node=NODE&ts=now&before=-5', 'before'],
  ])('GET %s is a JSON 400 naming %s', async (path, param) => {
    const { status, body } = await sky.api(path.replace('NODE', node));
    expect(status).toBe(400);
    expect(body.error.code).toBe('bad_parameter');
    expect(body.error.message.startsWith(`${param}:`)).toBe(true);
  });

  test('unknown nodes are 404s; a threshold body that is not a number of ms is a 400', async () => {
    expect((await sky.api('/api/correlate?node=10.9.9.9:1&ts=now')).status).toBe(404);
    expect((await sky.api('/api/latency/doctor?node=10.9.9.9:1')).status).toBe(404);
    for (const body of ['{"ms": -1}', '{"ms": "10"}', '{"ms": 1.5}', 'nope', '{"ms": 5, "node": 7}']) {
      const r = await sky.api('/api/latency/threshold', { method: 'PUT', headers: { 'content-type': 'application/json' }, body });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('bad_parameter');
    }
  });

  test('more new entries than the first read asks for are all read; each once', async () => {
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    const p = c.pipeline();
    for (let i = 0; i < 80; i++) p.echo(`burst-${i}`);
    await p.exec();
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '20000');
    await nextPoll();
    await sky.store.flush();
    const burst = (await sky.store.sql(`SELECT entry_id FROM v_commandlog WHERE node = '${node}' AND cmd = 'echo' ORDER BY entry_id`)).rows.map((r) => Number(r[0]));
    expect(burst).toHaveLength(80);
    // Consecutive ids: nothing between them was skipped.
    expect(burst.at(-1)! - burst[0]!).toBe(79);
    // The text filter ignores case; lines are what the client sent.
    expect((await entries('q=BURST-7')).map((e) => e.line).sort()).toEqual(['echo burst-7', 'echo burst-70', 'echo burst-71', 'echo burst-72', 'echo burst-73', 'echo burst-74', 'echo burst-75', 'echo burst-76', 'echo burst-77', 'echo burst-78', 'echo burst-79']);
    // A text filter's pages and total come from one scan: pages of 30 walk all 80 once, each page with the total.
    const lines: string[] = [];
    let before = '';
    for (let i = 0; i < 3; i++) {
      const r = await sky.api(`/api/commandlog?from=now-1h&q=burst-&limit=30${before}`);
      expect(r.status).toBe(200);
      expect(r.body.total).toBe(80);
      lines.push(...r.body.entries.map((e: EntryJson) => e.line));
      expect(r.body.entries.length).toBe([30, 30, 20][i]);
      if (i < 2) before = `&before=${r.body.next}`;
      else expect(r.body.next).toBeNull();
    }
    expect(new Set(lines).size).toBe(80);
  });

  test('a log reset between polls is counted as lost entries, and what follows is collected', async () => {
    const status = async () => (await sky.api('/api/commandlog/status')).body.nodes[0].logs.find((l: { type: string }) => l.type === 'slow');
    const lostBefore = (await status()).lost;
    await nextPoll();
    // Two entries the collector never sees, then a reset, then one it does.
    await c.call('DEBUG', 'SLEEP', '0.03');
    await c.call('DEBUG', 'SLEEP', '0.03');
    await c.call(commandlog ? 'COMMANDLOG' : 'SLOWLOG', ...(commandlog ? ['RESET', 'slow'] : ['RESET']));
    await c.call('DEBUG', 'SLEEP', '0.04');
    await waitFor('the entry after the reset', async () => (await entries('q=debug sleep 0.04')).length === 1);
    expect((await status()).lost).toBe(lostBefore + 2);
    const events = (await sky.api(`/api/events?from=now-5m&node=${node}`)).body.events.filter((e: { kind: string }) => e.kind === 'commandlog_lost');
    expect(events.at(-1).detail).toMatchObject({ type: 'slow', lost: 2, reason: 'reset' });
    expect((await entries('q=debug sleep 0.03')).length).toBe(0);
  });

  test('a log that rotates past unread entries reports how many were lost', async () => {
    const maxLenName = commandlog ? 'commandlog-slow-execution-max-len' : 'slowlog-max-len';
    await nextPoll();
    await c.call('CONFIG', 'SET', maxLenName, '10');
    // The collector reads thresholds and lengths every 12 polls; wait until it knows the log holds 10.
    await waitFor('the new max length', async () => (await sky.api('/api/commandlog/status')).body.nodes[0].logs.find((l: { type: string }) => l.type === 'slow').maxLen === 10, 30_000);
    await nextPoll();
    const before = (await sky.api('/api/commandlog/status')).body.nodes[0].logs.find((l: { type: string }) => l.type === 'slow');
    const lostBefore = before.lost;
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    const p = c.pipeline();
    for (let i = 0; i < 50; i++) p.echo(`rot-${i}`);
    await p.exec();
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '20000');
    const after = await waitFor('the rotation to be noticed', async () => {
      const l = (await sky.api('/api/commandlog/status')).body.nodes[0].logs.find((x: { type: string }) => x.type === 'slow');
      return l.lost > lostBefore ? l : null;
    });
    // At least 51 entries (50 ECHOs and the CONFIG SET before them, logged under its own new threshold) went into a
    // log of 10. Every id since the last read is either stored or counted lost: no gap is unexplained.
    expect(after.lost - lostBefore).toBeGreaterThanOrEqual(41);
    await sky.store.flush();
    const stored = await storedCount(`type = 'slow' AND entry_id > ${before.lastId} AND entry_id <= ${after.lastId}`);
    expect(stored).toBe(10);
    expect(stored + after.lost - lostBefore).toBe(after.lastId - before.lastId);
    const events = (await sky.api(`/api/events?from=now-5m&node=${node}`)).body.events.filter((e: { kind: string }) => e.kind === 'commandlog_lost');
    expect(events.at(-1).detail).toMatchObject({ type: 'slow', reason: 'rotated' });
    await c.call('CONFIG', 'SET', maxLenName, '128');
  });

  test('a server restart starts ids again: new entries are stored, old ones are not stored twice', async () => {
    await nextPoll();
    await sky.store.flush();
    const before = await storedCount('true');
    const oldIds = (await sky.store.sql(`SELECT count(DISTINCT run_id) FROM v_commandlog WHERE node = '${node}'`)).rows[0]![0];
    expect(Number(oldIds)).toBe(1);
    c.disconnect();
    await server.restart();
    c = new Redis({ host: '127.0.0.1', port: server.port, maxRetriesPerRequest: 1 });
    c.on('error', () => undefined);
    // The restarted server's first entry has id 0, which the old run's log had too.
    await c.call('DEBUG', 'SLEEP', '0.05');
    const restarted = await waitFor('the entry after the restart', async () => (await entries('q=debug sleep 0.05')).find((e) => e.line === 'DEBUG SLEEP 0.05'));
    expect(restarted.id).toBe(0);
    await nextPoll();
    await sky.store.flush();
    expect(await storedCount('true')).toBe(before + 1);
    expect(Number((await sky.store.sql(`SELECT count(DISTINCT run_id) FROM v_commandlog WHERE node = '${node}'`)).rows[0]![0])).toBe(2);
  });

  test('a Skyscope restart on the same file stores nothing twice', async () => {
    await nextPoll();
    await sky.store.flush();
    const before = await storedCount('true');
    const latencyBefore = Number((await sky.store.sql(`SELECT count(*) FROM v_latency WHERE node = '${node}'`)).rows[0]![0]);
    expect(latencyBefore).toBeGreaterThan(0);
    const dbPath = sky.dbPath;
    await sky.stop();
    // The server still holds the entries and latency samples read before; the new instance resumes after them.
    const second = await startTestSkyscope([server.url], ['--db', dbPath]);
    try {
      await c.call('DEBUG', 'SLEEP', '0.07');
      await waitFor('the new entry', async () => {
        const r = await second.api('/api/commandlog?from=now-1h&q=debug sleep 0.07');
        return r.body.entries.length === 1;
      });
      await Bun.sleep(1200);
      await second.store.flush();
      const count = Number((await second.store.sql(`SELECT count(*) FROM v_commandlog WHERE node = '${node}'`)).rows[0]![0]);
      expect(count).toBe(before + 1);
      const dup = (await second.store.sql(`SELECT event, ts, count(*) AS n FROM v_latency WHERE node = '${node}' GROUP BY ALL HAVING n > 1`)).rows;
      expect(dup).toEqual([]);
    } finally {
      await second.dispose();
    }
  });
});

describe('valkey9 cluster: every node', () => {
  let cluster: ClusterHandle;
  let sky: TestSkyscope;
  beforeAll(async () => {
    cluster = await startCluster('valkey9', { primaries: 3, replicasPerPrimary: 1, config: { 'latency-monitor-threshold': '20', 'slowlog-log-slower-than': '20000' } });
    sky = await startTestSkyscope([cluster.seedUrl]);
    await waitFor('every node polled', async () => {
      const nodes = (await sky.api('/api/commandlog/status')).body.nodes as { sourceState: string }[];
      return nodes.length === 6 && nodes.every((n) => n.sourceState === 'ok');
    });
  });
  afterAll(async () => {
    await sky?.dispose();
    await cluster?.stop();
  });

  test('slow commands on primaries and replicas are attributed to the node that ran them, with its latency event', async () => {
    const [p0, p1] = await cluster.primaries();
    const [r0] = await cluster.replicas();
    const sleeps = new Map([[p0!, '0.031'], [p1!, '0.032'], [r0!, '0.033']]);
    for (const [n, s] of sleeps) {
      const c = new Redis({ host: '127.0.0.1', port: n.port, lazyConnect: true, maxRetriesPerRequest: 1 });
      c.on('error', () => undefined);
      await c.connect();
      await c.call('DEBUG', 'SLEEP', s);
      c.disconnect();
    }
    const found = await waitFor('all three entries', async () => {
      const e = (await sky.api('/api/commandlog?from=now-10m&cmd=debug')).body.entries as EntryJson[];
      return e.length === 3 ? e : null;
    });
    for (const [n, s] of sleeps) expect(found.find((e) => e.line === `DEBUG SLEEP ${s}`)?.node).toBe(`127.0.0.1:${n.port}`);
    // Each of the three nodes has a sample of at least 30 ms (others may have their own events, e.g. from cluster setup).
    const expected = [...sleeps.keys()].map((n) => `127.0.0.1:${n.port}`).sort();
    const latencyNodes = await waitFor('the three latency samples', async () => {
      const { body } = await sky.api('/api/latency?from=now-10m&event=command');
      const withSpike = (body.series as { node: string }[])
        .filter((_, i) => (body.data[i + 1] as (number | null)[]).some((v) => v !== null && v >= 30))
        .map((x) => x.node)
        .sort();
      return expected.every((a) => withSpike.includes(a)) ? withSpike : null;
    }, 30_000);
    expect(latencyNodes).toEqual(expect.arrayContaining(expected));
  });
});
