// The metrics explorer in real Chromium against Skyscope watching two real Valkey servers: catalog, search, sparklines, charts by node, shared links.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { launchBrowser, screenshot, type TestBrowser } from './browser.ts';
import { startStandalone, type ServerHandle } from '../servers/servers.ts';
import { startTestSkyscope, waitFor, type TestSkyscope } from '../integration/harness.ts';

describe('metrics explorer', () => {
  let a: ServerHandle;
  let b: ServerHandle;
  let sky: TestSkyscope;
  let browser: TestBrowser;
  let base: string;
  let stored: { name: string; description: string }[];

  beforeAll(async () => {
    [a, b] = await Promise.all([startStandalone('valkey9'), startStandalone('valkey9')]);
    sky = await startTestSkyscope([a.url, b.url], [], {}, { ui: true });
    base = sky.base;
    browser = await launchBrowser();
    stored = (await sky.api('/api/metrics')).body.metrics.filter((m: any) => m.stored);
    await waitFor('both nodes sampled for a few seconds', async () => {
      const r = await sky.api('/api/series?metric=valkey_memory_used_bytes&from=now-1m&step=1s');
      return r.body.series?.length === 2 && r.body.data[1].filter((v: unknown) => v !== null).length >= 3;
    }, 20_000);
  });
  afterAll(async () => {
    await browser?.close();
    await sky?.dispose();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  test('lists every stored metric with values; sparklines are fetched in batches for the visible rows only', async () => {
    const { page, errors } = await browser.open(`${base}/explore`, { height: 800 });
    const sparkRequests: string[][] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname === '/api/sparklines') sparkRequests.push(u.searchParams.get('metric')!.split(','));
    });
    await page.waitForSelector('[data-testid=metric-row]');
    expect(await page.locator('[data-testid=metric-row]').count()).toBe(stored.length);
    expect(await page.textContent('[data-testid=metric-count]')).toBe(`${stored.length} of ${stored.length} metrics`);
    // the current value of a byte gauge is the sum over both nodes, per-node range on hover
    const mem = page.locator('tr[data-metric=valkey_memory_used_bytes] [data-testid=metric-value]');
    await waitFor('memory value', async () => /iB$/.test((await mem.textContent()) ?? ''));
    expect(await mem.getAttribute('title')).toContain('per node');
    await waitFor('sparklines fetched', () => sparkRequests.length > 0, 10_000);
    await page.waitForSelector('tr[data-metric=valkey_blocked_clients] [data-testid=sparkline]:not([data-points="0"])');
    const requested = new Set(sparkRequests.flat());
    for (const batch of sparkRequests) expect(batch.length).toBeLessThanOrEqual(60);
    // rows far below the fold were not asked for yet
    expect(requested.size).toBeLessThan(stored.length);
    const last = stored.map((m) => m.name).sort().at(-1)!;
    expect(requested.has(last)).toBe(false);
    await page.locator(`tr[data-metric="${last}"]`).scrollIntoViewIfNeeded();
    await waitFor('last row sparkline requested', () => sparkRequests.flat().includes(last), 10_000);
    // the screenshot over 5 minutes, where a fresh Skyscope's sparklines have some shape
    await page.evaluate(() => scrollTo(0, 0));
    const refetched = page.waitForResponse((r) => r.url().includes('/api/sparklines'));
    await page.click('[data-range="5m"]');
    await refetched;
    await page.waitForTimeout(200);
    await screenshot(page, 'explore');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('search filters rows as you type and is kept in the URL; source chips filter too', async () => {
    const { page, errors } = await browser.open(`${base}/explore`);
    await page.waitForSelector('[data-testid=metric-row]');
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('metric-search');
    await page.keyboard.type('fragmentation');
    const expected = stored.filter((m) => m.name.includes('fragmentation') || m.description.toLowerCase().includes('fragmentation'));
    await waitFor('filtered rows', async () => (await page.locator('[data-testid=metric-row]').count()) === expected.length);
    expect(expected.length).toBeGreaterThan(1);
    expect(new URL(page.url()).searchParams.get('q')).toBe('fragmentation');
    const names = await page.$$eval('[data-testid=metric-row]', (trs) => trs.map((tr) => tr.getAttribute('data-metric')));
    expect(names.sort()).toEqual(expected.map((m) => m.name).sort());
    // a search matching nothing says so
    await page.fill('[data-testid=metric-search]', 'no-such-metric-anywhere');
    await page.waitForSelector('.state.empty');
    // reload keeps the filter; the source chip narrows further
    await page.goto(`${base}/explore?q=memory&source=memory_stats`);
    await page.waitForSelector('[data-testid=metric-row]');
    const rows = await page.$$eval('[data-testid=metric-row]', (trs) => trs.map((tr) => tr.getAttribute('data-metric')));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((n) => n!.startsWith('valkey_memory_stats'))).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('clicking a metric charts it per node; unticking a node charts only the other; drag zooms into from/to', async () => {
    const { page, errors } = await browser.open(`${base}/explore`);
    const seriesRequests: URL[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname === '/api/series') seriesRequests.push(u);
    });
    await page.click('tr[data-metric=valkey_memory_used_bytes]');
    await page.waitForSelector('[data-testid=metric-panel] [data-testid=chart][data-drawn="1"]');
    expect(new URL(page.url()).searchParams.get('metric')).toBe('valkey_memory_used_bytes');
    expect(Number(await page.getAttribute('[data-testid=metric-panel] [data-testid=chart]', 'data-points'))).toBeGreaterThan(2);
    expect(seriesRequests.at(-1)!.searchParams.get('node')).toBe('all');

    const nodeA = `127.0.0.1:${a.port}`;
    const nodeB = `127.0.0.1:${b.port}`;
    await page.click(`[data-testid=metric-panel] input[data-node="${nodeA}"]`);
    await waitFor('nodes param', () => new URL(page.url()).searchParams.get('nodes') === nodeB);
    await waitFor('series for node B only', () => seriesRequests.at(-1)?.searchParams.get('node') === nodeB);
    await page.waitForSelector('[data-testid=metric-panel] [data-testid=chart][data-drawn="1"]');
    expect(await page.isChecked(`[data-testid=metric-panel] input[data-node="${nodeA}"]`)).toBe(false);

    // agg choice goes to the API and the URL
    await page.selectOption('[data-testid=agg-select]', 'max');
    await waitFor('agg=max', () => seriesRequests.at(-1)?.searchParams.get('agg') === 'max');
    expect(new URL(page.url()).searchParams.get('agg')).toBe('max');

    // drag across the plot: a fixed from/to replaces the live range (once the max series has drawn: under load the
    // plot can still be rebuilding when the URL already says agg=max)
    await page.waitForSelector('[data-testid=metric-panel] [data-testid=chart][data-drawn="1"] .u-over', { state: 'visible' });
    const over = await page.locator('[data-testid=metric-panel] .u-over').boundingBox();
    expect(over).not.toBeNull();
    await page.mouse.move(over!.x + over!.width * 0.55, over!.y + over!.height / 2);
    await page.mouse.down();
    await page.mouse.move(over!.x + over!.width * 0.95, over!.y + over!.height / 2, { steps: 8 });
    await page.mouse.up();
    await waitFor('from/to in the URL', () => new URL(page.url()).searchParams.has('from'));
    const u = new URL(page.url());
    expect(Number(u.searchParams.get('to'))).toBeGreaterThan(Number(u.searchParams.get('from')));
    expect(u.searchParams.get('metric')).toBe('valkey_memory_used_bytes');
    await page.waitForSelector('[data-testid=metric-panel] [data-testid=chart][data-drawn="1"]');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('a shared link opens straight to the chart, split by label', async () => {
    const { page, errors } = await browser.open(`${base}/explore?metric=valkey_command_calls_total&range=5m`);
    await page.waitForSelector('[data-testid=metric-panel] [data-testid=chart][data-drawn="1"]');
    expect(await page.getAttribute('[data-testid=metric-panel]', 'data-metric')).toBe('valkey_command_calls_total');
    expect(await page.getAttribute('[data-range="5m"]', 'class')).toContain('on');
    // labelled metrics are split by their first label (cmd) by default
    expect(await page.$eval('[data-testid=split-select]', (s: any) => s.value)).toBe('cmd');
    expect(await page.getAttribute('tr[data-metric=valkey_command_calls_total]', 'class')).toContain('selected');
    await screenshot(page, 'explore-metric');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
