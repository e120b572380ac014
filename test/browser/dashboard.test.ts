// The dashboard in real Chromium against a real 6-node Valkey cluster under load: charts draw, live points arrive, ranges, zoom, node views.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Cluster } from 'ioredis';
import type { Page } from 'playwright-core';
import { launchBrowser, screenshot, type TestBrowser } from './browser.ts';
import { startCluster, type ClusterHandle } from '../servers/servers.ts';
import { startTestSkyscope, waitFor, type TestSkyscope } from '../integration/harness.ts';

const OPS = '[data-testid=chart][data-metric=valkey_commands_processed_total]';

/** Every /api/series request the page makes, as parsed query parameters. */
function recordSeries(page: Page): URLSearchParams[] {
  const seen: URLSearchParams[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === '/api/series') seen.push(u.searchParams);
  });
  return seen;
}

describe('dashboard', () => {
  let cluster: ClusterHandle;
  let sky: TestSkyscope;
  let browser: TestBrowser;
  let base: string;
  let load: Cluster | undefined;
  let loading = true;
  let loadLoop: Promise<void> | undefined;
  let nodes: { address: string; role: string }[];
  let startedAt: number;
  /** A fixed window over everything collected so far: screenshots then show lines across the whole width. */
  const sinceStart = () => `from=${Math.floor(startedAt)}&to=${Math.ceil(Date.now() / 1000)}`;

  beforeAll(async () => {
    cluster = await startCluster('valkey9');
    sky = await startTestSkyscope([cluster.seedUrl], [], {}, { ui: true });
    startedAt = Date.now() / 1000;
    base = sky.base;
    [browser] = await Promise.all([
      launchBrowser(),
      waitFor('6 nodes up', async () => {
        const n = (await sky.api('/api/nodes')).body.nodes;
        return n.length === 6 && n.every((x: any) => x.state === 'up' && x.role !== 'unknown');
      }, 20_000),
    ]);
    nodes = (await sky.api('/api/nodes')).body.nodes;
    // Steady SET/GET traffic so every node has ops, keys and network to chart.
    load = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }], { lazyConnect: false });
    loadLoop = (async () => {
      let i = 0;
      while (loading) {
        const batch: Promise<unknown>[] = [];
        for (let k = 0; k < 40; k++, i++) batch.push(load!.set(`key:${i % 3000}`, `v${i}`), load!.get(`key:${(i * 7) % 4000}`));
        await Promise.all(batch).catch(() => {});
        await Bun.sleep(25);
      }
    })();
    await waitFor('a few seconds of ops on every node', async () => {
      const r = await sky.api('/api/series?metric=valkey_commands_processed_total&from=now-1m&step=1s');
      return r.body.series?.length === 6 && r.body.data.slice(1).every((c: (number | null)[]) => c.filter((v) => v !== null).length >= 3);
    }, 20_000);
  });

  afterAll(async () => {
    loading = false;
    await loadLoop?.catch(() => {});
    load?.disconnect();
    await browser?.close();
    await sky?.dispose();
    await cluster?.stop();
  });

  test('charts draw one line per node and keep receiving live points without refetching', async () => {
    const { page, errors } = await browser.open(`${base}/dashboard?range=5m`);
    const requests = recordSeries(page);
    await page.waitForSelector(`${OPS}[data-drawn="1"]`);
    expect(await page.locator('[data-testid=chart]').count()).toBeGreaterThanOrEqual(20);
    // cluster view: one column per node; the header shows the cluster total
    expect(await page.getAttribute(OPS, 'data-series')).toBe('6');
    expect(await page.locator(`${OPS} .chart-value`).textContent()).toMatch(/^total [\d.]+k?\/s$/);
    // every chart got its own history request, all sent without waiting for each other
    await waitFor('history loaded', async () => (await page.locator('[data-testid=chart] .chart-state .spinner').count()) === 0, 10_000);
    const historyRequests = requests.length;
    expect(historyRequests).toBeGreaterThanOrEqual(20);
    for (const metric of ['valkey_memory_used_bytes', 'valkey_db_keys', 'valkey_connected_clients', 'valkey_net_input_bytes_total']) {
      expect(await page.getAttribute(`[data-testid=chart][data-metric=${metric}]`, 'data-drawn')).toBe('1');
    }
    // live: the newest x advances over the stream, with no new history request
    await page.waitForSelector('[data-testid=live-status][data-status=live]');
    const last0 = Number(await page.getAttribute(OPS, 'data-last'));
    await waitFor('newer live point', async () => Number(await page.getAttribute(OPS, 'data-last')) >= last0 + 2, 8_000);
    expect(requests.length).toBe(historyRequests);
    // hovering shows the time and a value per node (Skyscope started seconds ago: search from the right edge for points)
    const over = (await page.locator(`${OPS} .u-over`).boundingBox())!;
    const tip = page.locator(`${OPS} .chart-tip`);
    let rows = 0;
    for (let dx = 4; dx < over.width / 2 && rows < 6; dx += 4) {
      await page.mouse.move(over.x + over.width - dx, over.y + over.height / 2);
      rows = (await tip.isVisible()) ? await tip.locator('.ct-row').count() : 0;
    }
    expect(rows).toBe(6);
    expect(await tip.textContent()).toContain('127.0.0.1:');
    await page.mouse.move(0, 0);
    await page.goto(`${base}/dashboard?${sinceStart()}`);
    await page.waitForSelector(`${OPS}[data-drawn="1"]`);
    await waitFor('history loaded', async () => (await page.locator('[data-testid=chart] .chart-state .spinner').count()) === 0, 10_000);
    await screenshot(page, 'dashboard');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('range buttons and keys change the URL and refetch with a matching step', async () => {
    const { page, errors } = await browser.open(`${base}/dashboard?range=5m`);
    const requests = recordSeries(page);
    await page.waitForSelector(`${OPS}[data-drawn="1"]`);
    await page.waitForSelector('[data-testid=step-info][data-step="1"]');
    const stepOf = () => page.getAttribute('[data-testid=step-info]', 'data-step').then(Number);

    await page.click('[data-range="1h"]');
    expect(new URL(page.url()).searchParams.get('range')).toBe('1h');
    await waitFor('1h step', async () => (await stepOf()) > 1, 10_000);
    const step1h = await stepOf();
    const opsReq = requests.filter((q) => q.get('metric') === 'valkey_commands_processed_total');
    const last1h = opsReq[opsReq.length - 1]!;
    expect(Number(last1h.get('to')) - Number(last1h.get('from'))).toBeCloseTo(3600, -1);
    expect(Number(last1h.get('step'))).toBe(step1h);

    // key 3 = 6h: coarser buckets, and the charts are fetched again
    const before = requests.length;
    await page.keyboard.press('3');
    expect(new URL(page.url()).searchParams.get('range')).toBe('6h');
    await waitFor('6h step', async () => (await stepOf()) > step1h, 10_000);
    // every chart is fetched again (a few requests at a time, in chart order)
    await waitFor('every chart refetched', () => requests.length > before + 15, 10_000);
    const last6h = requests.filter((q) => q.get('metric') === 'valkey_commands_processed_total').at(-1)!;
    expect(Number(last6h.get('to')) - Number(last6h.get('from'))).toBeCloseTo(6 * 3600, -1);
    await page.waitForSelector(`${OPS}[data-drawn="1"]`);
    expect(await page.getAttribute('[data-range="6h"]', 'class')).toContain('on');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('dragging across a chart zooms: from/to go into the URL; back to live restores the range', async () => {
    const { page, errors } = await browser.open(`${base}/dashboard?range=5m`);
    const requests = recordSeries(page);
    await page.waitForSelector(`${OPS}[data-drawn="1"]`);
    const over = (await page.locator(`${OPS} .u-over`).boundingBox())!;
    const y = over.y + over.height / 2;
    await page.mouse.move(over.x + over.width * 0.7, y);
    await page.mouse.down();
    await page.mouse.move(over.x + over.width * 0.95, y, { steps: 8 });
    await page.mouse.up();
    await waitFor('from/to in the URL', () => new URL(page.url()).searchParams.has('from'), 3_000);
    const q = new URL(page.url()).searchParams;
    const from = Number(q.get('from'));
    const to = Number(q.get('to'));
    expect(q.has('range')).toBe(false);
    const now = Date.now() / 1000;
    // about a quarter of the five minutes, ending near now
    expect(to - from).toBeGreaterThan(40);
    expect(to - from).toBeLessThan(120);
    expect(now - to).toBeLessThan(60);
    // the charts refetch exactly that window and stop following now
    await waitFor('zoomed history', () => requests.some((r) => Number(r.get('from')) === from && Number(r.get('to')) === to), 5_000);
    await page.waitForSelector('[data-testid=back-live]');
    expect(await page.locator('[data-testid=live-status]').count()).toBe(0);
    expect(await page.getAttribute('[data-range=custom]', 'class')).toContain('on');
    await page.waitForSelector(`${OPS}[data-drawn="1"]`);
    // the x span of the zoomed chart is the selected one
    const points = Number(await page.getAttribute(OPS, 'data-points'));
    expect(points).toBeGreaterThan(30);
    expect(points).toBeLessThan(130);

    await page.click('[data-testid=back-live]');
    const back = new URL(page.url()).searchParams;
    expect(back.get('range')).toBe('5m');
    expect(back.has('from')).toBe(false);
    await page.waitForSelector('[data-testid=live-status]');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('a shared link to one node opens that node, and the combined view folds nodes into one line', async () => {
    const replica = nodes.find((n) => n.role === 'replica')!;
    const url = `${base}/dashboard?node=${encodeURIComponent(replica.address)}&range=5m`;
    const { page, errors } = await browser.open(url);
    const requests = recordSeries(page);
    await page.waitForSelector(`${OPS}[data-drawn="1"]`);
    expect(await page.getAttribute(`[data-testid=node-bar] [data-node="${replica.address}"]`, 'class')).toContain('on');
    expect(await page.getAttribute(OPS, 'data-series')).toBe('1');
    expect(requests.length).toBeGreaterThan(0);
    for (const r of requests) expect(r.get('node')).toBe(replica.address);
    // the node's header value is the node's own, not a cluster total
    expect(await page.locator(`${OPS} .chart-value`).textContent()).toMatch(/^[\d.]+k?\/s$/);

    // back to all nodes, then the combined view: one line per chart, summed by the server
    await page.click('[data-testid=node-bar] [data-node=all]');
    await waitFor('all nodes', async () => (await page.getAttribute(OPS, 'data-series')) === '6', 10_000);
    const n = requests.length;
    await page.click('[data-view=combined]');
    expect(new URL(page.url()).searchParams.get('view')).toBe('combined');
    await waitFor('combined', async () => (await page.getAttribute(OPS, 'data-series')) === '1', 10_000);
    // (requests of the per-node view may still be going out: look at the combined ones)
    const combinedReq = (metric: string) => requests.slice(n).find((r) => r.get('metric') === metric && r.has('combine'));
    expect(combinedReq('valkey_commands_processed_total')!.get('combine')).toBe('sum');
    // keys: replicas hold copies, so the cluster total is asked for the primaries only
    const keysReq = await waitFor('the combined keys request', () => combinedReq('valkey_db_keys'), 10_000);
    expect(keysReq.get('node')!.split(',').sort()).toEqual(nodes.filter((x) => x.role === 'primary').map((x) => x.address).sort());
    await page.waitForSelector(`${OPS}[data-drawn="1"]`);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('light theme, and switching theme redraws the charts', async () => {
    const { page, errors } = await browser.open(`${base}/dashboard?${sinceStart()}`, { theme: 'light' });
    await page.waitForSelector(`${OPS}[data-drawn="1"]`);
    await waitFor('history loaded', async () => (await page.locator('[data-testid=chart] .chart-state .spinner').count()) === 0, 10_000);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await screenshot(page, 'dashboard-light');
    const panelBg = async () => page.evaluate(() => getComputedStyle(document.querySelector('.chart-panel')!).backgroundColor);
    const light = await panelBg();
    await page.keyboard.press('t');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await panelBg()).not.toBe(light);
    await page.waitForSelector(`${OPS}[data-drawn="1"]`);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
