// The Latency page in real Chromium against a real Valkey 9.1 (monitor at 1 ms, DEBUG SLEEP spikes) and a real Redis 7.0 (monitor off, Skyscope --read-only):
// event charts and per-node maxima, a point opening the correlation panel, LATENCY DOCTOR, per-command percentiles, sortable commandstats and errorstats, the threshold control.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Redis from 'ioredis';
import type { Locator, Page } from 'playwright-core';
import { launchBrowser, screenshot, type TestBrowser } from './browser.ts';
import { startStandalone, type ServerHandle } from '../servers/servers.ts';
import { startTestSkyscope, waitFor, waitForNodesUp, type TestSkyscope } from '../integration/harness.ts';

const SPIKES = 3;
const param = (page: Page, k: string) => new URL(page.url()).searchParams.get(k);

/** Clicks the highest sample of a drawn chart (found through its uPlot instance); returns that sample's time. */
async function clickHighestPoint(page: Page, chart: Locator): Promise<{ ts: number; step: number }> {
  // In the middle of the window: at its top edge the sticky header would take the click.
  await chart.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const at = await chart.evaluate((el: any) => {
    const u = el.uplot;
    let best: { i: number; v: number } | null = null;
    for (let s = 1; s < u.data.length; s++) {
      for (let i = 0; i < u.data[0].length; i++) {
        const v = u.data[s][i];
        if (v !== null && v !== undefined && (!best || v > best.v)) best = { i, v };
      }
    }
    const r = u.over.getBoundingClientRect();
    const xs = u.data[0] as number[];
    // The newest or oldest bucket sits on the plot's edge, where a click would land outside it: 2 px inside.
    const inside = (v: number, lo: number, hi: number) => Math.min(hi - 2, Math.max(lo + 2, v));
    return {
      x: inside(r.left + u.valToPos(xs[best!.i], 'x'), r.left, r.right),
      y: inside(r.top + u.valToPos(best!.v, 'y'), r.top, r.bottom),
      ts: xs[best!.i]!,
      step: xs.length > 1 ? xs[1]! - xs[0]! : 1,
    };
  });
  await page.mouse.move(at.x - 20, at.y);
  await page.mouse.move(at.x, at.y);
  // uPlot moves its cursor on the next animation frame; the chart picks the sample under the cursor on click.
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
  await page.mouse.click(at.x, at.y);
  return { ts: at.ts, step: at.step };
}

/**
 * Clicks the chart's highest point until the correlation panel for `node` at that point's time (give or take one
 * bucket) is in the URL. Live
 * points move the time axis, so a point can move between finding it and the click: then it is found again.
 */
async function openPanelAtHighestPoint(page: Page, chart: Locator, node: string, dense = false): Promise<{ ts: number; slack: number }> {
  for (let attempt = 1; ; attempt++) {
    const { ts, step } = await clickHighestPoint(page, chart);
    // The chart picks the sample nearest the pointer; on a dense chart (about one bucket per pixel) that can be the
    // next bucket.
    const slack = dense ? Math.max(1, step) : 1;
    const opened = () => param(page, 'corrNode') === node && Math.abs(Number(param(page, 'corr')) - ts) <= slack;
    const ok = await waitFor('panel in the URL', opened, 3000).then(() => true, (e) => (attempt < 3 ? false : Promise.reject(e)));
    if (ok) return { ts, slack };
  }
}

describe('latency page (Valkey 9.1)', () => {
  let server: ServerHandle;
  let sky: TestSkyscope;
  let browser: TestBrowser;
  let base: string;
  let node: string;
  let r: Redis;

  beforeAll(async () => {
    server = await startStandalone('valkey9', { config: { 'latency-monitor-threshold': '1', 'commandlog-execution-slower-than': '10000' } });
    node = `127.0.0.1:${server.port}`;
    sky = await startTestSkyscope([server.url], [], {}, { ui: true });
    base = sky.base;
    browser = await launchBrowser();
    await waitForNodesUp(sky);
    r = new Redis({ port: server.port, host: '127.0.0.1' });
    const p = r.pipeline();
    for (let i = 0; i < 2000; i++) p.get('k' + (i % 50));
    await p.exec();
    await r.call('NOSUCHCOMMAND').catch(() => {}); // an error reply for errorstats
    // Spikes a second and more apart: the monitor keeps one sample per event and second.
    for (let i = 0; i < SPIKES; i++) {
      await r.call('DEBUG', 'SLEEP', '0.05');
      await Bun.sleep(1100);
    }
    await waitFor('the spikes stored', async () => {
      const l = (await sky.api('/api/latency?from=now-10m')).body;
      const col = l.data?.[1] ?? [];
      return col.filter((v: number | null) => v !== null && v >= 50).length >= SPIKES;
    }, 30_000);
    await waitFor('the slow entries stored', async () => (await sky.api('/api/commandlog?from=now-10m&type=slow')).body.total >= SPIKES);
  }, 90_000);

  afterAll(async () => {
    r?.disconnect();
    await browser?.close();
    await sky?.dispose();
    await server?.stop();
  });

  test('monitor state, an event chart with per-node maxima, a point opening the correlation panel, LATENCY DOCTOR', async () => {
    const { page, errors } = await browser.open(`${base}/latency?range=5m`);
    expect(await page.getAttribute('header.top nav a[data-nav="Latency"]', 'class')).toContain('on');
    const row = page.locator(`[data-testid=lat-node-row][data-node="${node}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-threshold')).toBe('1');
    expect(await row.textContent()).toContain('on, threshold 1 ms');
    expect(await page.locator('[data-testid=lat-note]').count()).toBe(0);

    const event = page.locator('[data-testid=lat-event][data-event=command]');
    const chart = event.locator('[data-testid=chart][data-drawn="1"]');
    await chart.waitFor();
    const stats = event.locator(`[data-testid=lat-event-row][data-node="${node}"]`);
    expect(await stats.textContent()).toMatch(/5\d ms/);
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThanOrEqual(SPIKES);

    // A spike's point opens what else happened on that node then.
    const { ts } = await openPanelAtHighestPoint(page, chart, node);
    expect(param(page, 'corr')).toBe(String(Math.round(ts)));
    const panel = page.locator(`[data-testid=corr-panel][data-node="${node}"]`);
    await panel.locator('[data-testid=corr-latency-row]').first().waitFor();
    const lat = await panel.locator('[data-testid=corr-latency-row]').evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute('data-event')} ${tr.textContent}`));
    expect(lat.some((l) => /^command .*5\d ms/.test(l))).toBe(true);
    const log = await panel.locator('[data-testid=corr-log-row]').evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute('data-type')} ${tr.textContent}`));
    expect(log.some((l) => /^slow .*DEBUG.*SLEEP.*0\.05/.test(l))).toBe(true);
    await panel.locator('[data-testid=corr-command-row][data-cmd=debug]').waitFor();

    // The same panel from the URL alone.
    const shared = await browser.open(page.url());
    await shared.page.locator(`[data-testid=corr-panel][data-node="${node}"] [data-testid=corr-latency-row]`).first().waitFor();
    await shared.context.close();
    await page.click('[data-testid=corr-panel] button[aria-label="Close the correlation panel"]');
    await panel.waitFor({ state: 'detached' });
    expect(param(page, 'corr')).toBeNull();

    // LATENCY DOCTOR's report, read live, as it is.
    await row.locator('[data-testid=lat-doctor-btn]').click();
    const doctor = page.locator(`[data-testid=lat-doctor][data-node="${node}"]`);
    await doctor.waitFor();
    expect(await doctor.textContent()).toContain('command');
    expect(await doctor.evaluate((el) => el.tagName)).toBe('PRE');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  test('per-command percentiles (a point opens the panel), sortable commandstats, errorstats', async () => {
    const { page, errors } = await browser.open(`${base}/latency?range=5m`);
    const table = page.locator('[data-testid=lat-stats]');
    await table.locator('[data-testid=lat-stats-row]').first().waitFor();
    // Default order: time per second, DEBUG first (3 x 50 ms in 5 minutes).
    expect(await table.locator('[data-testid=lat-stats-row]').first().getAttribute('data-cmd')).toBe('debug');
    expect(await table.locator('th[data-sort=usecPerSec]').getAttribute('aria-sort')).toBe('descending');
    // By calls: GET first; again: ascending; by name: alphabetical.
    await table.locator('th[data-sort=callsPerSec]').click();
    expect(param(page, 'sort')).toBe('-callsPerSec');
    await waitFor('get first', async () => (await table.locator('[data-testid=lat-stats-row]').first().getAttribute('data-cmd')) === 'get');
    await table.locator('th[data-sort=callsPerSec]').click();
    expect(param(page, 'sort')).toBe('callsPerSec');
    await waitFor('get last', async () => (await table.locator('[data-testid=lat-stats-row]').last().getAttribute('data-cmd')) === 'get');
    await table.locator('th[data-sort=cmd]').click();
    const names = await table.locator('[data-testid=lat-stats-row]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-cmd')!));
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    const get = table.locator('[data-testid=lat-stats-row][data-cmd=get]');
    expect(await get.textContent()).toMatch(/µs/);
    // Errors by prefix: the unknown command.
    await page.locator('[data-testid=lat-error-row][data-error=ERR]').waitFor();

    // The busiest command is picked by default; a row picks another.
    expect(await page.getAttribute('[data-testid=lat-cmd]', 'data-cmd')).toBe('debug');
    await get.click();
    expect(param(page, 'cmd')).toBe('get');
    await page.locator('[data-testid=lat-cmd][data-cmd=get]').waitFor();
    expect(await page.inputValue('[data-testid=lat-cmd-select]')).toBe('get');
    await page.selectOption('[data-testid=lat-cmd-select]', 'debug');
    expect(param(page, 'cmd')).toBe('debug');
    const sinceReset = page.locator('[data-testid=lat-cmd] [data-testid=chart][data-metric=valkey_command_latency_seconds][data-drawn="1"]');
    await sinceReset.waitFor();
    expect(await sinceReset.locator('.chart-legend').textContent()).toBe('p50p99p99.9');
    const window = page.locator('[data-testid=lat-cmd] [data-testid=chart][data-metric=valkey_command_window_latency_seconds][data-drawn="1"]');
    await window.waitFor();
    await page.locator('[data-testid=lat-event][data-event=command] [data-testid=chart][data-drawn="1"]').waitFor();
    await page.evaluate(() => scrollTo(0, 0));
    await screenshot(page, 'latency');

    // A point of the per-command chart opens the correlation panel for its node.
    const { ts, slack } = await openPanelAtHighestPoint(page, window, node, true);
    expect(Math.abs(Number(param(page, 'corr')) - ts)).toBeLessThanOrEqual(slack);
    await page.locator(`[data-testid=corr-panel][data-node="${node}"] [data-testid=corr-commands]`).waitFor();
    await page.evaluate(() => scrollTo(0, 0));
    await screenshot(page, 'latency-correlation');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  test('setting the threshold asks first, naming the node; cancel changes nothing', async () => {
    const { page, errors } = await browser.open(`${base}/latency`);
    await page.locator(`[data-testid=lat-node-row][data-node="${node}"]`).waitFor();
    await page.fill('[data-testid=lat-threshold-ms]', '100');
    await page.selectOption('[data-testid=lat-threshold-node]', node);
    await page.click('[data-testid=lat-threshold-btn]');
    const dialog = page.locator('[data-testid=lat-confirm]');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Set latency-monitor-threshold to 100 ms?');
    expect(await dialog.textContent()).toContain(node);
    await dialog.locator('button', { hasText: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await r.config('GET', 'latency-monitor-threshold')).toEqual(['latency-monitor-threshold', '1']);

    await page.click('[data-testid=lat-threshold-btn]');
    await page.click('[data-testid=lat-confirm-yes]');
    await dialog.waitFor({ state: 'detached' });
    await page.locator(`[data-testid=lat-node-row][data-node="${node}"][data-threshold="100"]`).waitFor();
    expect(await r.config('GET', 'latency-monitor-threshold')).toEqual(['latency-monitor-threshold', '100']);
    expect(await page.locator('[data-testid=lat-threshold-error]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 30_000);
});

describe('latency page (Redis 7.0, monitor off, Skyscope --read-only)', () => {
  let server: ServerHandle;
  let sky: TestSkyscope;
  let browser: TestBrowser;
  let base: string;
  let node: string;

  beforeAll(async () => {
    server = await startStandalone('redis7');
    node = `127.0.0.1:${server.port}`;
    sky = await startTestSkyscope([server.url], ['--read-only'], {}, { ui: true });
    base = sky.base;
    browser = await launchBrowser();
    await waitForNodesUp(sky);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sky?.dispose();
    await server?.stop();
  });

  test('a monitor that is off says so and what it costs to turn on; the control says why it is disabled', async () => {
    const { page, errors } = await browser.open(`${base}/latency`);
    const row = page.locator(`[data-testid=lat-node-row][data-node="${node}"][data-threshold="0"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain('off');
    expect(await page.textContent('[data-testid=lat-note]')).toContain('costs nearly nothing');
    await page.locator('.state.empty', { hasText: 'No latency events in this range' }).waitFor();
    expect(await page.textContent('.state.empty')).toContain('The latency monitor is off');
    expect(await page.isDisabled('[data-testid=lat-threshold-btn]')).toBe(true);
    expect(await page.isDisabled('[data-testid=lat-threshold-ms]')).toBe(true);
    expect(await page.textContent('[data-testid=lat-threshold-ro]')).toContain('--read-only');
    // The server refuses too (the page does not rely on being disabled).
    const res = await sky.api('/api/latency/threshold', { method: 'PUT', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify({ node, ms: 100 }) });
    expect(res.status).toBe(403);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 30_000);
});
