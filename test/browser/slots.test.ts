// The Cluster (slots) page in real Chromium against a real 3+3 Valkey 9.1 cluster with one hash tag hammered: topology, enabling
// slot stats, the heatmap's hot row, the drill-down chart and the hot slots table.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Redis, { Cluster } from 'ioredis';
import { launchBrowser, screenshot, type TestBrowser } from './browser.ts';
import { startCluster, type ClusterHandle } from '../servers/servers.ts';
import { startTestSkyscope, waitFor, type TestSkyscope } from '../integration/harness.ts';

/** Slot ownership boundaries of a 3-primary cluster; the hot slot is picked away from them so its heatmap row has one owner. */
const BOUNDARIES = [0, 5461, 10923, 16384];

/** Commands against keys of one hash tag (about 90% of the traffic) and a spread of other keys, until stopped. */
function startLoad(seed: { host: string; port: number }, tag: string) {
  const client = new Cluster([seed], { redisOptions: { protocol: 2, commandTimeout: 2000, connectTimeout: 2000, maxRetriesPerRequest: 1 } as any });
  let stopped = false;
  const value = 'v'.repeat(200);
  const done = (async () => {
    let i = 0;
    while (!stopped) {
      const ops: Promise<unknown>[] = [];
      for (let k = 0; k < 45; k++) {
        ops.push(client.set(`${tag}:${(i + k) % 64}`, value));
        ops.push(client.get(`${tag}:${(i + k + 7) % 64}`));
      }
      for (let k = 0; k < 10; k++) ops.push(client.set(`spread:${(i * 10 + k) % 2000}`, value));
      await Promise.allSettled(ops);
      i++;
      await Bun.sleep(40);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await done;
      client.disconnect();
    },
  };
}

describe('slots page', () => {
  let cluster: ClusterHandle;
  let sky: TestSkyscope;
  let browser: TestBrowser;
  let base: string;
  let load: { stop(): Promise<void> } | undefined;
  let hotTag: string;
  let hotSlot: number;

  beforeAll(async () => {
    cluster = await startCluster('valkey9', { primaries: 3, replicasPerPrimary: 1 });
    sky = await startTestSkyscope([cluster.seedUrl], ['--interval', 'slot_stats=1s'], {}, { ui: true });
    base = sky.base;
    const seed = cluster.nodes[0]!;
    const redis = new Redis({ host: '127.0.0.1', port: seed.port, lazyConnect: true, protocol: 2 } as any);
    try {
      await redis.connect();
      for (let i = 0; ; i++) {
        const tag = `{hot${i}}`;
        const slot = Number(await redis.call('CLUSTER', 'KEYSLOT', tag));
        // Away from owner boundaries and from the edges of its 128-slot heatmap row (the page asks for 128 rows).
        if (BOUNDARIES.every((b) => Math.abs(slot - b) > 300) && slot % 128 >= 32 && slot % 128 < 96) {
          hotTag = tag;
          hotSlot = slot;
          break;
        }
      }
    } finally {
      redis.disconnect();
    }
    [browser] = await Promise.all([
      launchBrowser(),
      waitFor('6 nodes up with roles', async () => {
        const n = (await sky.api('/api/nodes')).body.nodes;
        return n.length === 6 && n.every((x: any) => x.state === 'up' && x.role !== 'unknown');
      }, 20_000),
    ]);
    load = startLoad({ host: '127.0.0.1', port: seed.port }, hotTag);
  });

  afterAll(async () => {
    await load?.stop();
    await browser?.close();
    await sky?.dispose();
    await cluster?.stop();
  });

  test('lists the three shards and enables CPU and network per slot after a confirmation', async () => {
    const { page, errors } = await browser.open(`${base}/slots`);
    await page.waitForSelector('[data-testid=shard]');
    await waitFor('three shards with a primary and a replica each', async () => {
      const shards = await page.$$eval('[data-testid=shard]', (els) =>
        els.map((el) => ({ slots: Number(el.getAttribute('data-slots')), roles: [...el.querySelectorAll('tr[data-node]')].map((tr) => tr.getAttribute('data-role')) })),
      );
      return shards.length === 3 && shards.every((s) => s.slots > 5000 && s.roles.join(',') === 'primary,replica');
    }, 15_000);
    expect(await page.locator('[data-testid=shard] tr[data-state=up]').count()).toBe(6);

    // The test cluster comes with cluster-slot-stats-enabled on: turn it off, then the page says so and offers to turn it on.
    await Promise.all(
      (await cluster.primaries()).map(async (n) => {
        const r = new Redis({ host: '127.0.0.1', port: n.port, lazyConnect: true, protocol: 2 } as any);
        await r.connect();
        await r.config('SET', 'cluster-slot-stats-enabled', 'no');
        r.disconnect();
      }),
    );
    await waitFor('status cpuNet off', async () => (await sky.api('/api/slots/status')).body.cpuNet === 'off', 15_000);
    await page.reload();
    const notice = page.locator('[data-testid=stats-notice]');
    await notice.waitFor({ timeout: 10_000 });
    expect(await notice.getAttribute('data-kind')).toBe('off');
    expect(await notice.textContent()).toContain('cluster-slot-stats-enabled');
    const button = page.locator('[data-testid=enable-stats]');
    expect(await button.textContent()).toBe('Enable on 3 primaries');
    await button.click();
    const dialog = page.locator('[data-testid=confirm-enable]');
    await dialog.waitFor();
    expect(await dialog.locator('li').count()).toBe(3);
    // Cancel changes nothing.
    await dialog.locator('button', { hasText: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await sky.api('/api/slots/status')).body.cpuNet).toBe('off');
    await button.click();
    await page.click('[data-testid=confirm-enable-yes]');
    await notice.waitFor({ state: 'detached', timeout: 10_000 });
    expect((await sky.api('/api/slots/status')).body.cpuNet).toBe('on');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('the hot slot lights up its heatmap row, drills down to a chart and tops the hot slots table', async () => {
    if ((await sky.api('/api/slots/status')).body.cpuNet !== 'on') await sky.api('/api/slots/enable', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const shards = (await sky.api('/api/topology')).body.shards;
    const owner = shards
      .find((s: any) => s.slots.some(([a, b]: number[]) => a <= hotSlot && hotSlot <= b))
      .nodes.find((n: any) => n.role === 'primary').address;
    await waitFor('CPU per slot in the heatmap and the hot slot first', async () => {
      const now = Math.floor(Date.now() / 1000);
      const h = (await sky.api(`/api/slots/heatmap?metric=cpu&from=${now - 300}&to=${now}&rows=128&cols=100`)).body;
      const hot = (await sky.api(`/api/slots/hot?metric=cpu&from=${now - 300}&to=${now}&limit=5`)).body;
      return h.values?.some((r: any[]) => r.some((v) => v > 0)) && hot[0]?.slot === hotSlot;
    }, 60_000, 500);

    const { page, errors } = await browser.open(`${base}/slots?range=5m`, { height: 1500 });
    const canvas = page.locator('[data-testid=heatmap-canvas]');
    await page.waitForSelector('[data-testid=heatmap-canvas][data-drawn="1"]', { timeout: 20_000 });
    expect(Number(await canvas.getAttribute('data-cells'))).toBeGreaterThan(0);

    // Hover the hot slot's row from the right edge leftwards until a column with a value.
    const box = (await canvas.boundingBox())!;
    const y = box.y + ((hotSlot + 0.5) / 16384) * box.height;
    const tip = page.locator('[data-testid=heatmap-tip]');
    let text = '';
    for (let dx = 3; dx < box.width; dx += 4) {
      await page.mouse.move(box.x + box.width - dx, y);
      await tip.waitFor();
      text = (await tip.textContent()) ?? '';
      if (!text.includes('no data')) break;
    }
    const [from, to] = (await tip.getAttribute('data-slots'))!.split('-').map(Number);
    expect(from).toBeLessThanOrEqual(hotSlot);
    expect(to).toBeGreaterThanOrEqual(hotSlot);
    expect(text).toContain(`slots ${from}–${to}`);
    expect(text).toContain(owner);
    expect(text).toContain('of a core');
    expect(await tip.getAttribute('data-node')).toBe(owner);

    // Click: the drill-down charts that range, links the owner's dashboard, and the URL says which range.
    await page.mouse.click(box.x + box.width - 20, y);
    const drill = page.locator('[data-testid=drilldown]');
    await drill.waitFor();
    expect(await drill.getAttribute('data-slots')).toBe(`${from}-${to}`);
    expect(new URL(page.url()).searchParams.get('slots')).toBe(`${from}-${to}`);
    await page.waitForSelector('[data-testid=drilldown] [data-testid=chart][data-drawn="1"]', { timeout: 20_000 });
    expect(await drill.locator('[data-testid=owner-link]').getAttribute('href')).toBe(`/dashboard?node=${encodeURIComponent(owner)}`);
    // No hot-key run yet: the drill-down says so and offers the way to find them.
    const slotKeys = drill.locator('[data-testid=slot-hotkeys]');
    await slotKeys.locator('[data-testid=find-hot-keys]').waitFor();
    expect(await slotKeys.textContent()).toContain('No hot-key run has found keys yet');
    expect(await slotKeys.locator('[data-testid=find-hot-keys]').getAttribute('href')).toBe('/hotkeys');

    // The hot slots table leads with the hammered slot; the balance names the busiest primary.
    const first = page.locator('[data-testid=hot-table] tbody tr').first();
    await first.waitFor();
    expect(await first.getAttribute('data-slot')).toBe(String(hotSlot));
    expect(await first.getAttribute('data-node')).toBe(owner);
    await page.waitForSelector('[data-testid=balance] [data-testid=advice]');
    const busiest = page.locator('[data-testid=balance] tbody tr').first();
    expect(await busiest.getAttribute('data-node')).toBe(owner);
    await page.mouse.move(box.x + box.width - 40, y);
    await tip.waitFor();
    await screenshot(page, 'slots');

    // Keys per slot: a URL of its own, and the heatmap draws again.
    await page.click('[data-testid=metric-pick] button[data-metric=keys]');
    expect(new URL(page.url()).searchParams.get('metric')).toBe('keys');
    await page.waitForFunction(() => document.querySelector('[data-testid=heatmap-legend]')?.textContent?.includes('keys'));
    await page.waitForSelector('[data-testid=heatmap-canvas][data-drawn="1"]');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('read-only and unsupported clusters say what is needed instead of offering the button', async () => {
    const primaries: string[] = (await sky.api('/api/topology')).body.shards.map((s: any) => s.nodes.find((n: any) => n.role === 'primary').address);
    const nodes = primaries.map((address, i) => ({ address, supported: true, cpuNet: i === 0 }));
    const { page, errors } = await browser.open(`${base}/`);
    await page.route('**/api/slots/status', (r) =>
      r.fulfill({ contentType: 'application/json', body: JSON.stringify({ available: true, cpuNet: 'mixed', readOnly: true, nodes }) }),
    );
    await page.goto(`${base}/slots`);
    const notice = page.locator('[data-testid=stats-notice]');
    await notice.waitFor();
    expect(await notice.getAttribute('data-kind')).toBe('mixed');
    expect(await notice.textContent()).toContain('on for 1 of 3 primaries');
    expect(await page.locator('[data-testid=read-only-note]').textContent()).toContain('--read-only');
    expect(await page.locator('[data-testid=enable-stats]').count()).toBe(0);

    await page.unroute('**/api/slots/status');
    await page.route('**/api/slots/status', (r) =>
      r.fulfill({ contentType: 'application/json', body: JSON.stringify({ available: false, cpuNet: 'unsupported', readOnly: false, reason: 'No primary answers CLUSTER SLOT-STATS.', nodes: [] }) }),
    );
    await page.reload();
    await notice.waitFor();
    expect(await notice.getAttribute('data-kind')).toBe('unavailable');
    expect(await notice.textContent()).toContain('Valkey 8.0');
    // The topology still shows.
    await page.waitForSelector('[data-testid=shard]');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('a killed replica is marked down in its shard, live', async () => {
    const { page, errors } = await browser.open(`${base}/slots`);
    await page.waitForSelector('[data-testid=shard] tr[data-node]');
    const replicas = await cluster.replicas();
    const victim = replicas[replicas.length - 1]!;
    const address = `127.0.0.1:${victim.port}`;
    victim.kill('SIGKILL');
    // The topology polls every 5 s; Skyscope notices the node down within a few polls.
    const row = page.locator(`[data-testid=shard] tr[data-node="${address}"][data-state=down]`);
    await row.waitFor({ timeout: 25_000 });
    expect(await row.getAttribute('class')).toContain('flagged');
    expect(await row.textContent()).toContain('down');
    const card = page.locator('[data-testid=shard]', { has: page.locator(`tr[data-node="${address}"]`) });
    expect(await card.getAttribute('class')).toContain('troubled');
    expect(await page.locator('[data-testid=shard].troubled').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
