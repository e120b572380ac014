// The Hot keys page in real Chromium against a real Redis 7.0 under load (MONITOR sampling): start after the cost warning, progress,
// ranked keys (binary and long keys escaped), per node vs cluster-wide, a key's history, shared run links, cancel, the schedule.
// The two-phase method and the slot drill-down on a real cluster are in hotkeysCluster.test.ts.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Redis from 'ioredis';
import type { Page } from 'playwright-core';
import { launchBrowser, screenshot, type TestBrowser } from './browser.ts';
import { startStandalone, type ServerHandle } from '../servers/servers.ts';
import { startTestSkyscope, waitFor, type TestSkyscope } from '../integration/harness.ts';

const binaryKey = Buffer.from([0x00, 0xff, 0x41]);
/** Longer than the 256 bytes the API shows: the page must mark it cut and keep the table's width. */
const longKey = 'long:' + 'x'.repeat(400);
const hex = (s: string | Buffer) => Buffer.from(s).toString('hex');

describe('hot keys page', () => {
  let server: ServerHandle;
  let sky: TestSkyscope;
  let browser: TestBrowser;
  let base: string;
  let node: string;
  let load: Redis | undefined;
  let running = true;
  let loop: Promise<void> | undefined;

  beforeAll(async () => {
    server = await startStandalone('redis7');
    node = `127.0.0.1:${server.port}`;
    load = new Redis({ port: server.port, host: '127.0.0.1' });
    await load.set('hot', 'x'.repeat(100));
    await load.set('warm', 'w', 'PX', 600_000);
    await load.set(binaryKey, 'b');
    await load.set(longKey, 'l');
    // hot : warm : binary : long = 20 : 4 : 1 : 1 per round, until the tests end.
    loop = (async () => {
      while (running) {
        const p = load!.pipeline();
        for (let i = 0; i < 20; i++) p.get('hot');
        for (let i = 0; i < 4; i++) p.get('warm');
        p.get(binaryKey);
        p.get(longKey);
        await p.exec();
      }
    })();
    sky = await startTestSkyscope([server.url], [], {}, { ui: true });
    base = sky.base;
    browser = await launchBrowser();
    await waitFor('node up', async () => (await sky.api('/api/nodes')).body.nodes?.[0]?.state === 'up');
  }, 60_000);

  afterAll(async () => {
    running = false;
    await loop?.catch(() => {});
    load?.disconnect();
    await browser?.close();
    await sky?.dispose();
    await server?.stop();
  });

  const rowHexes = (page: Page) => page.$$eval('[data-testid=hk-row]', (trs) => trs.map((tr) => tr.getAttribute('data-hex')));
  const startRun = async (page: Page, seconds: number) => {
    await page.fill('[data-testid=hk-duration]', String(seconds));
    await page.click('[data-testid=hk-start-btn]');
    const dialog = page.locator('[data-testid=hk-confirm]');
    await dialog.waitFor();
    // The cost is said before anything starts.
    expect(await dialog.textContent()).toContain('MONITOR');
    expect(await dialog.textContent()).toContain(node);
    expect((await sky.api('/api/hotkeys/status')).body.run?.state).not.toBe('running');
    await page.click('[data-testid=hk-confirm-yes]');
    await page.locator('[data-testid=hk-progress][data-method=monitor]').waitFor({ timeout: 5000 });
  };

  test('a run started from the page ranks hot first, shows binary and long keys safely, per node and cluster-wide, with a key history and a shareable link', async () => {
    const { page, errors } = await browser.open(`${base}/hotkeys`);
    await page.locator('[data-testid=hk-auto][data-method=monitor]').waitFor();
    expect(await page.getAttribute('header.top nav a[data-nav="Hot keys"]', 'class')).toContain('on');
    expect(await page.textContent('[data-testid=hk-cost]')).toContain('MONITOR');
    expect(await page.textContent('.state.empty')).toContain('No hot-key runs yet');
    // Cancel in the dialog starts nothing.
    await page.fill('[data-testid=hk-top]', '10');
    await page.click('[data-testid=hk-start-btn]');
    await page.locator('[data-testid=hk-confirm] button', { hasText: 'Cancel' }).click();
    await page.locator('[data-testid=hk-confirm]').waitFor({ state: 'detached' });
    expect((await sky.api('/api/hotkeys/runs')).body.runs).toEqual([]);

    await startRun(page, 3);
    expect(await page.textContent('[data-testid=hk-progress]')).toContain(node);
    expect(await page.textContent('[data-testid=hk-elapsed]')).toMatch(/\d+ s \/ 3 s|reading key details/);
    await page.locator('[data-testid=hk-progress]').waitFor({ state: 'detached', timeout: 20_000 });
    await page.locator('[data-testid=hk-row]').first().waitFor({ timeout: 10_000 });
    const runId = Number(await page.getAttribute('[data-testid=hk-run]', 'data-run'));
    expect(runId).toBeGreaterThan(0);
    expect(await page.getAttribute('[data-testid=hk-run]', 'data-status')).toBe('ok');

    // hot first, then warm; the binary key escaped and marked; the long key cut and marked, its whole hex on hover.
    const hexes = await rowHexes(page);
    expect(hexes.slice(0, 2)).toEqual([hex('hot'), hex('warm')]);
    const hot = page.locator(`[data-testid=hk-row][data-hex="${hex('hot')}"]`);
    expect(await hot.getAttribute('data-rank')).toBe('1');
    expect(await hot.textContent()).toContain('string');
    expect(await hot.textContent()).toMatch(/\d+(\.\d+)?%/);
    expect(await hot.textContent()).toContain(' ops');
    const bin = page.locator(`[data-testid=hk-row][data-hex="${hex(binaryKey)}"]`);
    expect(await bin.locator('.key-chars').textContent()).toBe('\\x00\\xffA');
    expect(await bin.locator('[data-testid=key-binary]').count()).toBe(1);
    const long = page.locator(`[data-testid=hk-row][data-hex="${hex(longKey)}"]`);
    expect(await long.locator('[data-testid=key-cut]').count()).toBe(1);
    expect(await long.locator('.key-text').getAttribute('title')).toContain(hex(longKey));
    const warmText = await page.locator(`[data-testid=hk-row][data-hex="${hex('warm')}"]`).textContent();
    expect(warmText).toMatch(/(9\.\d|10\.0) min/); // its TTL
    // Nothing wider than the window: the long key ellipsizes in its cell.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
    const keyBox = (await long.locator('.hk-key-cell').boundingBox())!;
    expect(keyBox.width).toBeLessThan(700);
    // The run's cost, per node, as the server reported it.
    expect(await page.textContent(`[data-testid=hk-cost-table] tr[data-node="${node}"]`)).toMatch(/\d/);
    expect(await page.textContent('[data-testid=hk-cost-table] thead')).toContain('keys read');
    expect(await page.locator('[data-testid=hk-run-row]').count()).toBe(1);

    // Per node: one group for the one node, same order; back to cluster-wide.
    await page.click('[data-testid=hk-view] button[data-view=node]');
    expect(new URL(page.url()).searchParams.get('view')).toBe('node');
    await page.locator(`[data-testid=hk-node-group][data-node="${node}"]`).waitFor();
    expect((await rowHexes(page)).slice(0, 2)).toEqual([hex('hot'), hex('warm')]);
    expect(await page.textContent('[data-testid=hk-table] thead')).toContain('Share of node');
    await page.click('[data-testid=hk-view] button[data-view=cluster]');
    expect(new URL(page.url()).searchParams.get('view')).toBeNull();
    expect(await page.locator('[data-testid=hk-node-group]').count()).toBe(0);
    expect(await page.textContent('[data-testid=hk-table] thead')).toContain('Share of cluster');

    // A key's history: the run it was found in, with its rank.
    await hot.locator('[data-testid=hk-key]').click();
    expect(new URL(page.url()).searchParams.get('key')).toBe(hex('hot'));
    const history = page.locator(`[data-testid=hk-history][data-hex="${hex('hot')}"]`);
    await history.locator('[data-testid=hk-hist-row]').first().waitFor();
    expect(await history.locator('[data-testid=hk-hist-row]').count()).toBe(1);
    expect(await history.locator('[data-testid=hk-hist-row]').getAttribute('data-run')).toBe(String(runId));
    expect(await history.textContent()).toContain('MONITOR sampling');
    expect(await hot.getAttribute('class')).toContain('selected');
    await screenshot(page, 'hotkeys');

    // The run's own link, opened as someone else would: the same run, the same keys, per node from the URL.
    const link = await page.getAttribute('[data-testid=hk-run-link]', 'href');
    expect(link).toBe(`/hotkeys?run=${runId}`);
    const shared = await browser.open(`${base}${link}&view=node&key=${hex(binaryKey)}`);
    await shared.page.locator(`[data-testid=hk-run][data-run="${runId}"] [data-testid=hk-row]`).first().waitFor();
    expect(await rowHexes(shared.page)).toEqual(hexes);
    expect(await shared.page.locator(`[data-testid=hk-node-group][data-node="${node}"]`).count()).toBe(1);
    await shared.page.locator(`[data-testid=hk-history][data-hex="${hex(binaryKey)}"] [data-testid=hk-hist-row]`).waitFor();
    expect(await shared.page.locator('[data-testid=hk-history] .hk-hex').textContent()).toContain('00ff41');
    expect(shared.errors).toEqual([]);
    await shared.context.close();
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  test('cancel stops a long run at once, keeps what it found, and the key history charts both runs; an idle page stops polling', async () => {
    const { page, errors } = await browser.open(`${base}/hotkeys?key=${hex('hot')}`);
    await page.locator('[data-testid=hk-history] [data-testid=hk-hist-row]').first().waitFor();
    await startRun(page, 120);
    await Bun.sleep(1500);
    await page.click('[data-testid=hk-cancel]');
    await page.locator('[data-testid=hk-progress]').waitFor({ state: 'detached', timeout: 5000 });
    expect(await page.textContent('[data-testid=hk-last]')).toContain('cancelled');
    await page.locator('[data-testid=hk-run][data-status=cancelled]').waitFor();
    expect(await page.locator('[data-testid=hk-run-row]').count()).toBe(2);
    expect(await page.locator('[data-testid=hk-row]').first().getAttribute('data-hex')).toBe(hex('hot'));
    const history = page.locator('[data-testid=hk-history]');
    await waitFor('two history points', async () => (await history.locator('[data-testid=hk-hist-row]').count()) === 2);
    await history.locator('[data-testid=chart][data-drawn="1"]').waitFor();
    await screenshot(page, 'hotkeys-history');

    // Older runs are one click away and keep the open key.
    const older = page.locator('[data-testid=hk-run-row]').nth(1);
    const olderId = await older.getAttribute('data-run');
    await older.click();
    await page.locator(`[data-testid=hk-run][data-run="${olderId}"]`).waitFor();
    expect(new URL(page.url()).searchParams.get('run')).toBe(olderId);
    expect(new URL(page.url()).searchParams.get('key')).toBe(hex('hot'));

    // Nothing runs now: the page makes no status requests.
    let polls = 0;
    page.on('request', (r) => {
      if (r.url().includes('/api/hotkeys/status')) polls++;
    });
    await Bun.sleep(2500);
    expect(polls).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  test('no nodes and a refused start say what to do', async () => {
    const { page, errors } = await browser.open(`${base}/`);
    await page.route(/\/api\/nodes$/, (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ nodes: [], targets: [] }) }));
    await page.goto(`${base}/hotkeys`);
    const start = page.locator('[data-testid=hk-start]');
    await start.locator('.state.empty').waitFor();
    expect(await start.locator('.state.empty').textContent()).toContain('No nodes yet');
    expect(await page.isDisabled('[data-testid=hk-start-btn]')).toBe(true);

    // What the server adds to its status shows as it is: notes about other methods, a schedule.
    const status = (await sky.api('/api/hotkeys/status')).body;
    const next = Date.now() + 10 * 60_000;
    await page.route(/\/api\/hotkeys\/status$/, (route) =>
      route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({ ...status, notes: ['The two-phase method needs slot statistics.'], schedule: { everyMs: 3_600_000, method: 'auto', durationS: 30, top: 100, next, last: null } }),
      }),
    );
    await page.reload();
    await page.locator('[data-testid=hk-schedule]').waitFor();
    expect(await page.textContent('[data-testid=hk-schedule]')).toContain('every 60 min');
    expect(await page.textContent('[data-testid=hk-note]')).toBe('The two-phase method needs slot statistics.');
    await page.unroute(/\/api\/hotkeys\/status$/);

    await page.unroute(/\/api\/nodes$/);
    await page.route(/\/api\/hotkeys\/runs$/, (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: { code: 'busy', message: 'a monitor run is already in progress' } }) })
        : route.continue(),
    );
    await page.reload();
    await page.locator('[data-testid=hk-start-btn]:not([disabled])').waitFor();
    await page.click('[data-testid=hk-start-btn]');
    await page.click('[data-testid=hk-confirm-yes]');
    await start.locator('.state.error', { hasText: 'a monitor run is already in progress' }).waitFor();
    expect(errors.filter((e) => !e.includes('409'))).toEqual([]);
    await page.context().close();
  }, 30_000);

  test('a missing run says so', async () => {
    const missing = await browser.open(`${base}/hotkeys?run=99999`);
    await missing.page.locator('.state.error').waitFor();
    expect(await missing.page.textContent('.state.error')).toContain('no hot-key run 99999');
    // Chromium logs the 404 itself; nothing else may fail.
    expect(missing.errors.filter((e) => !e.includes('404'))).toEqual([]);
    await missing.context.close();
  });

  test('the schedule editor repeats the run described by the form and turns it off again', async () => {
    const { page, errors } = await browser.open(`${base}/hotkeys`);
    await page.locator('[data-testid=hk-schedule-edit]').waitFor();
    await page.fill('[data-testid=hk-duration]', '12');
    await page.selectOption('[data-testid=hk-schedule-every]', '3600');
    await page.click('[data-testid=hk-schedule-save]');
    await waitFor('schedule set', async () => (await sky.api('/api/hotkeys/schedule')).body.everyMs === 3_600_000);
    expect((await sky.api('/api/hotkeys/schedule')).body).toMatchObject({ method: 'auto', durationS: 12 });
    await page.locator('[data-testid=hk-schedule]').waitFor();
    expect(await page.textContent('[data-testid=hk-schedule]')).toContain('for 12 s every');
    await page.selectOption('[data-testid=hk-schedule-every]', '');
    await page.click('[data-testid=hk-schedule-save]');
    await waitFor('schedule off', async () => (await sky.api('/api/hotkeys/schedule')).body.everyMs === null);
    await page.locator('[data-testid=hk-schedule]').waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
  });
});
