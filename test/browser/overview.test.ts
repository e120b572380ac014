// The overview in real Chromium against a real 6-node Valkey cluster: every node with its role and values, a killed node flagged first.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Redis from 'ioredis';
import { launchBrowser, screenshot, type TestBrowser } from './browser.ts';
import { startCluster, type ClusterHandle } from '../servers/servers.ts';
import { startTestSkyscope, waitFor, type TestSkyscope } from '../integration/harness.ts';

describe('overview', () => {
  let cluster: ClusterHandle;
  let sky: TestSkyscope;
  let browser: TestBrowser;
  let base: string;
  let nodes: { address: string; role: string; primary?: string }[];

  beforeAll(async () => {
    cluster = await startCluster('valkey9');
    sky = await startTestSkyscope([cluster.seedUrl], [], {}, { ui: true });
    base = sky.base;
    [browser] = await Promise.all([
      launchBrowser(),
      waitFor('6 nodes up with roles', async () => {
        const n = (await sky.api('/api/nodes')).body.nodes;
        return n.length === 6 && n.every((x: any) => x.state === 'up' && x.role !== 'unknown' && (x.role === 'primary' || x.primary));
      }, 20_000),
    ]);
    nodes = (await sky.api('/api/nodes')).body.nodes;
    await waitFor('latest values for every node', async () => {
      const v = (await sky.api('/api/latest?metric=valkey_commands_processed_total,valkey_memory_used_bytes')).body.values;
      return new Set(v.map((x: any) => x.node)).size === 6;
    });
  });

  afterAll(async () => {
    await browser?.close();
    await sky?.dispose();
    await cluster?.stop();
  });

  test('lists all six nodes with roles, versions and values; no problems on a healthy cluster', async () => {
    const { page, errors } = await browser.open(`${base}/`);
    await page.waitForSelector('[data-testid=node-table] tr[data-node]');
    const rows = await page.$$eval('[data-testid=node-table] tr[data-node]', (trs) =>
      trs.map((tr) => ({ node: tr.getAttribute('data-node'), role: tr.getAttribute('data-role'), state: tr.getAttribute('data-state'), cells: [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim()) })),
    );
    expect(rows.map((r) => r.node).sort()).toEqual(nodes.map((n) => n.address).sort());
    for (const r of rows) {
      const n = nodes.find((x) => x.address === r.node)!;
      expect(r.role).toBe(n.role);
      expect(r.state).toBe('up');
      expect(r.cells[1]).toContain(n.role);
      if (n.role === 'replica') expect(r.cells[1]).toContain(`of ${n.primary}`);
      expect(r.cells[2]).toMatch(/valkey \d+\.\d+/);
      expect(r.cells[4]).toMatch(/^\d/); // ops/s
      expect(r.cells[5]).toMatch(/iB|\d B/); // memory
    }
    // shard order: each primary followed by its replica
    for (let i = 0; i < rows.length; i += 2) {
      expect(rows[i]!.role).toBe('primary');
      expect(nodes.find((x) => x.address === rows[i + 1]!.node)!.primary).toBe(rows[i]!.node!);
    }
    expect(await page.getAttribute('[data-testid=problems]', 'data-count')).toBe('0');
    const tiles = await page.locator('[data-testid=tiles]').textContent();
    expect(tiles).toContain('6 / 6');
    expect(tiles).toContain('3 / 3');
    await screenshot(page, 'overview');

    // a node address opens that node on the dashboard
    const replica = nodes.find((n) => n.role === 'replica')!;
    await page.click(`[data-testid=node-table] tr[data-node="${replica.address}"] a`);
    await page.waitForSelector('[data-testid=dashboard]');
    expect(new URL(page.url()).searchParams.get('node')).toBe(replica.address);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('a failed refresh keeps the last data and says so', async () => {
    const { page, errors } = await browser.open(`${base}/`);
    await page.waitForSelector('[data-testid=node-table] tr[data-node]');
    await page.route('**/api/nodes', (r) => r.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'store busy' } }) }));
    await page.waitForSelector('.state.error >> text=Refresh failed; showing the last data', { timeout: 6_000 });
    expect(await page.locator('[data-testid=node-table] tr[data-node]').count()).toBe(6);
    await page.unroute('**/api/nodes');
    await page.waitForSelector('.state.error', { state: 'detached', timeout: 6_000 });
    // the browser logs the 503 responses themselves as console errors; nothing else may appear
    expect(errors.filter((e) => !e.includes('503'))).toEqual([]);
    await page.context().close();
  });

  test('a node near its maxmemory is listed as a problem and shows its memory as a share of maxmemory', async () => {
    const primary = (await cluster.primaries())[0]!;
    const address = `127.0.0.1:${primary.port}`;
    const redis = new Redis({ host: '127.0.0.1', port: primary.port, lazyConnect: true, protocol: 2 } as any);
    try {
      await redis.connect();
      const used = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
      // Just above what it uses now: 90% or more of maxmemory, without refusing writes.
      await redis.config('SET', 'maxmemory', String(Math.ceil(used / 0.93)));
      const { page, errors } = await browser.open(`${base}/`);
      const problem = page.locator(`[data-testid=problems] .problem[data-node="${address}"]`);
      await problem.waitFor({ timeout: 15_000 });
      expect(await problem.textContent()).toMatch(new RegExp(`${address} uses 9\\d(\\.\\d+)?% of maxmemory`));
      const memory = await page.locator(`[data-testid=node-table] tr[data-node="${address}"] td`).nth(5).textContent();
      expect(memory).toMatch(/iB 9\d%$/);
      expect(errors).toEqual([]);
      await page.context().close();
    } finally {
      await redis.config('SET', 'maxmemory', '0').catch(() => {});
      redis.disconnect();
    }
  });

  test('a killed node shows as down at the top of the table and in the problems strip, live', async () => {
    const { page, errors } = await browser.open(`${base}/`);
    await page.waitForSelector('[data-testid=node-table] tr[data-node]');
    const replicas = await cluster.replicas();
    const victim = replicas[replicas.length - 1]!;
    const address = `127.0.0.1:${victim.port}`;
    victim.kill('SIGKILL');
    await page.waitForSelector(`[data-testid=node-table] tr[data-node="${address}"][data-state=down]`, { timeout: 15_000 });
    const first = page.locator('[data-testid=node-table] tr[data-node]').first();
    expect(await first.getAttribute('data-node')).toBe(address);
    const problem = page.locator('[data-testid=problems] .problem').first();
    expect(await problem.getAttribute('class')).toContain('bad');
    expect(await problem.getAttribute('data-node')).toBe(address);
    expect(await problem.textContent()).toContain(`${address} is down`);
    expect(await page.locator('[data-testid=tiles]').textContent()).toContain('5 / 6');
    // The header badge agrees with the page within one of its polls.
    await page.waitForSelector('header .health.bad >> text=5/6 up', { timeout: 5_000 });
    await screenshot(page, 'overview-node-down');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
