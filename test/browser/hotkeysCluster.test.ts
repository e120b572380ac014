// The Hot keys page on a real Valkey 9.1 cluster under a Zipf load: a two-phase (slot_scan) run started from the page, its
// hot slots and per-node cost, the network tab, and the Slots page's drill-down listing the keys found in a slot.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Cluster } from 'ioredis';
import { launchBrowser, screenshot, type TestBrowser } from './browser.ts';
import { startCluster, type ClusterHandle } from '../servers/servers.ts';
import { startTestSkyscope, waitFor, type TestSkyscope } from '../integration/harness.ts';
import { Keyspace, loadKeyspace, runWorkload } from '../workload/zipf.ts';

const KEYS = 20_000;
const hex = (s: string) => Buffer.from(s).toString('hex');

describe('hot keys page on a cluster (two-phase)', () => {
  let cluster: ClusterHandle;
  let client: Cluster;
  let sky: TestSkyscope;
  let browser: TestBrowser;
  let base: string;
  const load = new AbortController();
  let workload: Promise<unknown> | undefined;
  // The designed hottest key of the Zipf load (rank 1 draws about 11% of all commands at exponent 1.1 over 20,000 keys).
  const hottest = new Keyspace({ size: KEYS, seed: 5 }).keyOfRank(1);

  beforeAll(async () => {
    cluster = await startCluster('valkey9', { primaries: 3, replicasPerPrimary: 0, config: { 'cluster-slot-stats-enabled': 'yes', 'maxmemory-policy': 'allkeys-lfu' } });
    client = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }], { redisOptions: { maxRetriesPerRequest: 0 } });
    await loadKeyspace(client, KEYS);
    workload = runWorkload(client, { keys: KEYS, seed: 5, exponent: 1.1, opsPerSecond: 5_000, durationMs: 300_000, signal: load.signal }).catch(() => undefined);
    sky = await startTestSkyscope([cluster.seedUrl], ['--interval', 'slot_stats=1s'], {}, { ui: true });
    base = sky.base;
    browser = await launchBrowser();
    await waitFor('slot_scan available', async () => (await sky.api('/api/hotkeys/status')).body.available?.includes('slot_scan'), 30_000);
    await waitFor('3 primaries up', async () => ((await sky.api('/api/nodes')).body.nodes as any[]).filter((n) => n.state === 'up').length === 3, 30_000);
  }, 90_000);

  afterAll(async () => {
    load.abort();
    await workload;
    client?.disconnect();
    await browser?.close();
    await sky?.dispose();
    await cluster?.stop();
  });

  test('auto picks the two-phase method; a run from the page finds the hottest key with its hot slot, cost per node and network share', async () => {
    const { page, errors } = await browser.open(`${base}/hotkeys`);
    await page.locator('[data-testid=hk-auto][data-method=slot_scan]').waitFor();
    expect(await page.textContent('[data-testid=hk-cost]')).toContain('SLOT-STATS');
    await page.fill('[data-testid=hk-duration]', '4');
    await page.click('[data-testid=hk-start-btn]');
    await page.locator('[data-testid=hk-confirm]').waitFor();
    expect(await page.textContent('[data-testid=hk-confirm-cost]')).toContain('hot slots');
    await page.click('[data-testid=hk-confirm-yes]');
    await page.locator('[data-testid=hk-progress][data-method=slot_scan]').waitFor({ timeout: 5000 });
    const run = page.locator('[data-testid=hk-run][data-status=ok]');
    await run.waitFor({ timeout: 30_000 });
    expect(await run.textContent()).toContain('two-phase slot scan');

    // CPU first; the hottest key leads the network tab (slot bytes are exact, split by OBJECT FREQ inside the slot).
    await page.click('[data-testid=hk-metrics] button[data-metric=net]');
    const first = page.locator('[data-testid=hk-row] >> nth=0');
    expect(await first.getAttribute('data-hex')).toBe(hex(hottest));
    const slot = Number(await client.call('CLUSTER', 'KEYSLOT', hottest));
    expect(await first.locator('a[href^="/slots"]').getAttribute('href')).toBe(`/slots?slots=${slot}`);
    // The run's hot slots include that slot, and each primary's cost row says what phase 2 read.
    expect(await page.locator(`[data-testid=hk-hot-slot][href="/slots?slots=${slot}"]`).count()).toBe(1);
    const head = await page.textContent('[data-testid=hk-cost-table] thead');
    expect(head).toContain('keys scanned');
    expect(await page.locator('[data-testid=hk-cost-table] tbody tr').count()).toBe(3);
    await screenshot(page, 'hotkeys-slot-scan');

    // The Slots page's drill-down on that slot lists the key, linking back to the run with the key open.
    await page.goto(`${base}/slots?slots=${slot}`);
    const section = page.locator('[data-testid=slot-hotkeys]');
    const link = section.locator(`[data-testid=slot-hotkey][href*="key=${hex(hottest)}"]`);
    await link.first().waitFor({ timeout: 15_000 });
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, 'slots-hotkeys');
    await link.first().click();
    await page.locator(`[data-testid=hk-history][data-hex="${hex(hottest)}"]`).waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  }, 90_000);
});
