// Bad targets and failing nodes: unreachable, wrong password, ACL-limited user, TLS mismatch, kill and restart.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import Redis from 'ioredis';
import { startStandalone, type ServerHandle } from '../servers/servers.ts';
import { claimFreePort, releasePort } from '../servers/ports.ts';
import { startTestSkyscope, waitFor, type TestSkyscope } from './harness.ts';

const password = 'Sekrit-Pw-4711';
const wrongPassword = 'Wr0ng-Pw-0815';
const aclPassword = 'Acl-Pw-9931';

async function admin(port: number, auth: string | undefined, ...args: string[]): Promise<unknown> {
  const c = new Redis({ port, password: auth, lazyConnect: true, maxRetriesPerRequest: 0 });
  await c.connect();
  try {
    return await c.call(args[0]!, ...args.slice(1));
  } finally {
    c.disconnect();
  }
}

describe('faulty targets next to a healthy one', () => {
  // One server per target: two targets with the same address would share one watcher.
  let server: ServerHandle;
  let aclServer: ServerHandle;
  let authServer: ServerHandle;
  let plainServer: ServerHandle;
  let sky: TestSkyscope;
  let closedPort: number;
  const nodes = async () => (await sky.api('/api/nodes')).body;
  const nodeByUrl = async (url: string) => (await nodes()).nodes.find((n: any) => n.url === url);

  beforeAll(async () => {
    [server, aclServer, authServer, plainServer] = await Promise.all([1, 2, 3, 4].map(() => startStandalone('valkey9')));
    // Passwords are set after start: the test servers' readiness check PINGs without one.
    for (const s of [server!, aclServer!, authServer!]) {
      await admin(s.port, undefined, 'CONFIG', 'SET', 'requirepass', password);
      await admin(s.port, password, 'ACL', 'SETUSER', 'monitor', 'on', `>${aclPassword}`, '+@all', '-memory', '~*', '&*');
    }
    closedPort = await claimFreePort(false);
    releasePort(closedPort);
    sky = await startTestSkyscope([
      `redis://default:${password}@127.0.0.1:${server!.port}`,
      `redis://127.0.0.1:${closedPort}`,
      `redis://monitor:${wrongPassword}@127.0.0.1:${authServer!.port}`,
      `redis://monitor:${aclPassword}@127.0.0.1:${aclServer!.port}`,
      `rediss://127.0.0.1:${plainServer!.port}?tls_insecure=1`,
    ]);
    await waitFor('every target tried twice', async () => (await nodes()).nodes.length === 5 && (await nodes()).nodes.every((n: any) => n.state !== 'connecting' && (n.sources.info.consecutiveFailures >= 2 || n.sources.info.state === 'ok')));
  });
  afterAll(async () => {
    await sky?.dispose();
    await Promise.all([server, aclServer, authServer, plainServer].map((s) => s?.stop()));
  });

  test('the healthy node is collected while the others fail', async () => {
    const good = await nodeByUrl(`redis://default:***@127.0.0.1:${server.port}`);
    expect(good.state).toBe('up');
    expect(good.sources.memory_stats.state).toBe('ok');
  });

  test('unreachable host: down, connection refused, retried with backoff', async () => {
    const bad = await nodeByUrl(`redis://127.0.0.1:${closedPort}`);
    expect(bad.state).toBe('down');
    expect(bad.lastError).toMatch(/connection refused/);
    const before = bad.sources.info.consecutiveFailures;
    await Bun.sleep(4500);
    const after = (await nodeByUrl(`redis://127.0.0.1:${closedPort}`)).sources.info.consecutiveFailures;
    // Polling every 200 ms without backoff would fail ~22 more times in 4.5 s; doubling delays (1 s, 2 s, 4 s ...
    // each jittered to 50-100%) leave room for one to three more attempts.
    expect(after).toBeGreaterThan(before);
    expect(after - before).toBeLessThanOrEqual(3);
    const down = ((await sky.api('/api/events?from=now-1h')).body.events as any[]).filter((e) => e.kind === 'node_down' && e.node === `127.0.0.1:${closedPort}`);
    expect(down).toHaveLength(1); // recorded once, not once per retry
  });

  test('wrong password: down with an authentication error', async () => {
    const bad = await nodeByUrl(`redis://monitor:***@127.0.0.1:${authServer.port}`);
    expect(bad.state).toBe('down');
    expect(bad.lastError).toMatch(/authentication failed/);
  });

  test('an ACL user without MEMORY still gets INFO metrics; memory_stats says permission denied', async () => {
    const limited = await nodeByUrl(`redis://monitor:***@127.0.0.1:${aclServer.port}`);
    expect(limited.state).toBe('up');
    expect(limited.sources.info.state).toBe('ok');
    expect(limited.sources.memory_stats.state).toBe('failing');
    expect(limited.sources.memory_stats.lastError).toMatch(/permission denied/);
    expect(limited.lastError).toMatch(/memory_stats/);
  });

  test('TLS to a plain-text server: down with a clear error', async () => {
    const tls = await nodeByUrl(`rediss://127.0.0.1:${plainServer.port}`);
    expect(tls.state).toBe('down');
    expect(tls.lastError).toMatch(/timed out connecting after \d+ ms during the TLS handshake/);
  });

  test('passwords never reach the API, the log or the DuckDB file', async () => {
    const bodies = [
      JSON.stringify((await sky.api('/api/nodes')).body),
      JSON.stringify((await sky.api('/api/events?from=now-1h')).body),
      JSON.stringify((await sky.api('/api/health')).body),
      (await sky.text('/metrics')).body,
      sky.logLines.join('\n'),
    ];
    await sky.stop();
    bodies.push(readFileSync(sky.dbPath, 'latin1'));
    for (const b of bodies) {
      expect(b).not.toContain(password);
      expect(b).not.toContain(wrongPassword);
      expect(b).not.toContain(aclPassword);
    }
  });
});

test('an ACL user that may not run COMMAND still gets INFO and MEMORY STATS', async () => {
  const server = await startStandalone('redis7');
  const c = new Redis({ port: server.port, lazyConnect: true });
  await c.connect();
  await c.call('ACL', 'SETUSER', 'lean', 'on', `>${aclPassword}`, '+info', '+ping', '+client', '+memory', '~*');
  c.disconnect();
  const sky = await startTestSkyscope([`redis://lean:${aclPassword}@127.0.0.1:${server.port}`]);
  try {
    const n = await waitFor('memory stats ok', async () => {
      const node = (await sky.api('/api/nodes')).body.nodes[0];
      return node.sources.memory_stats.state === 'ok' && node.sources.info.state === 'ok' ? node : undefined;
    });
    expect(n.capabilities).toBeUndefined();
  } finally {
    await sky.dispose();
    await server.stop();
  }
});

test('a node killed mid-poll and restarted: down, then up again with rates reset, samples continue', async () => {
  const server = await startStandalone('valkey8');
  const sky = await startTestSkyscope([server.url]);
  const node = `127.0.0.1:${server.port}`;
  const events = async (kind: string) => ((await sky.api('/api/events?from=now-1h')).body.events as any[]).filter((e) => e.kind === kind && e.node === node);
  try {
    await waitFor('up', async () => (await sky.api('/api/nodes')).body.nodes[0].state === 'up');
    server.kill('SIGKILL');
    await waitFor('node_down', async () => (await events('node_down')).length === 1);
    const downSince = Date.now() / 1000;
    await server.restart();
    await waitFor('node_up after restart', async () => (await events('node_up')).length === 2, 20_000);
    await waitFor('restart event (new run id)', async () => (await events('restart')).length === 1);
    await waitFor('fresh samples', async () => {
      await sky.store.flush();
      const r = await sky.store.sql(`SELECT count(*) FROM v_samples WHERE node = '${node}' AND metric = 'valkey_uptime_seconds' AND epoch(ts) > ${downSince}`);
      return (r.rows[0]![0] as number) >= 2;
    });
    // skyscope_node_up recorded the outage as 0s in history
    const zeros = await sky.store.sql(`SELECT count(*) FROM v_samples WHERE node = '${node}' AND metric = 'skyscope_node_up' AND value = 0`);
    expect(zeros.rows[0]![0] as number).toBeGreaterThan(0);
    // no negative rates from counters that restarted at zero
    const negative = await sky.store.sql(`SELECT count(*) FROM v_samples WHERE node = '${node}' AND metric LIKE '%_total' AND value < 0`);
    expect(negative.rows[0]![0]).toBe(0);
  } finally {
    await sky.dispose();
    await server.stop();
  }
});

test('an ACL user denied INFO: the node is up (it answers), and info says permission denied', async () => {
  const server = await startStandalone('valkey8');
  const c = new Redis({ port: server.port, lazyConnect: true });
  await c.connect();
  await c.call('ACL', 'SETUSER', 'noinfo', 'on', `>${aclPassword}`, '+@all', '-info', '~*');
  c.disconnect();
  const sky = await startTestSkyscope([`redis://noinfo:${aclPassword}@127.0.0.1:${server.port}`]);
  try {
    const n = await waitFor('info failing twice', async () => {
      const node = (await sky.api('/api/nodes')).body.nodes[0];
      return node.sources.info.consecutiveFailures >= 2 ? node : undefined;
    });
    expect(n.state).toBe('up');
    expect(n.sources.info.state).toBe('failing');
    expect(n.lastError).toMatch(/^info: permission denied/);
    expect(n.sources.memory_stats.state).toBe('ok');
  } finally {
    await sky.dispose();
    await server.stop();
  }
});
