// The events page in real Chromium: a real Valkey is killed and restarted; node_down/node_up arrive live on the timeline and in the table.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { launchBrowser, screenshot, type TestBrowser } from './browser.ts';
import { startStandalone, type ServerHandle } from '../servers/servers.ts';
import { startTestSkyscope, waitFor, type TestSkyscope } from '../integration/harness.ts';

describe('events page', () => {
  let server: ServerHandle;
  let sky: TestSkyscope;
  let browser: TestBrowser;
  let base: string;
  let node: string;
  const events = async () => (await sky.api('/api/events?from=now-1h')).body.events as any[];

  beforeAll(async () => {
    server = await startStandalone('valkey9');
    node = `127.0.0.1:${server.port}`;
    sky = await startTestSkyscope([server.url], [], {}, { ui: true });
    base = sky.base;
    browser = await launchBrowser();
    await waitFor('node_up', async () => (await events()).some((e) => e.type === 'node_up'));
  });
  afterAll(async () => {
    await browser?.close();
    await sky?.dispose();
    await server?.stop();
  });

  test('a node going down and coming back shows up live on the timeline and in the table', async () => {
    const { page, errors } = await browser.open(`${base}/events`);
    await page.waitForSelector('[data-testid=timeline-marker][data-type=node_up]');
    expect(await page.locator('[data-testid=event-row]').count()).toBe(1);
    expect(await page.getAttribute('[data-range="24h"]', 'class')).toContain('on');

    // kill the server: node_down must arrive over the live stream, without a reload
    server.kill('SIGKILL');
    await page.waitForSelector(`[data-testid=timeline-marker][data-type=node_down][data-node="${node}"]`, { timeout: 15_000 });
    await page.waitForSelector('[data-testid=event-row][data-type=node_down]');
    await server.restart();
    await waitFor('node_up again', async () => (await events()).filter((e) => e.type === 'node_up').length >= 2, 25_000);
    await page.waitForSelector('[data-testid=event-row][data-type=node_up] >> nth=1', { timeout: 10_000 });

    // table: newest first, with the node, a type badge and the readable message
    // (a restart event may land a moment after node_up: compare once both sides agree on the count)
    let apiEvents: any[] = [];
    let rows: { type: string | null; text: string | null }[] = [];
    await waitFor('table matches /api/events', async () => {
      apiEvents = await events();
      rows = await page.$$eval('[data-testid=event-row]', (trs) => trs.map((tr) => ({ type: tr.getAttribute('data-type'), text: tr.textContent })));
      return rows.length === apiEvents.length;
      // Events arrive over the live stream; on a loaded machine the last ones can take several seconds.
    }, 15_000);
    const newest = [...apiEvents].sort((x, y) => y.ts - x.ts);
    expect(rows.map((r) => r.type)).toEqual(newest.map((e) => e.type));
    const down = apiEvents.find((e) => e.type === 'node_down')!;
    const downRow = rows.find((r) => r.type === 'node_down')!;
    expect(downRow.text).toContain(node);
    expect(downRow.text).toContain(down.message);

    // hover explains the marker; click selects its row
    const marker = page.locator('[data-testid=timeline-marker][data-type=node_down]');
    await marker.hover();
    expect(await page.textContent('.tl-tip')).toContain(down.message);
    await marker.click();
    expect(await page.getAttribute('[data-testid=event-row][data-type=node_down]', 'class')).toContain('selected');
    await screenshot(page, 'events');

    // type filter: chips write the URL and narrow table and timeline
    await page.click('button.ev-chip[data-type=node_down]');
    await waitFor('type in URL', () => new URL(page.url()).searchParams.get('type') === 'node_down');
    const types = await page.$$eval('[data-testid=event-row]', (trs) => trs.map((tr) => tr.getAttribute('data-type')));
    expect(types.length).toBeGreaterThan(0);
    expect(types.every((t) => t === 'node_down')).toBe(true);
    expect(await page.locator('[data-testid=timeline-marker][data-type=node_up]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  test('an empty range explains what produces events', async () => {
    const { page, errors } = await browser.open(`${base}/events?from=1000000000&to=1000086400`);
    await page.waitForSelector('.state.empty');
    const text = await page.textContent('.state.empty');
    expect(text).toContain('No events in this range');
    expect(text).toContain('failover');
    expect(text).toContain('restart');
    expect(await page.locator('[data-testid=timeline-marker]').count()).toBe(0);
    // the node still has its (empty) lane
    expect(await page.locator(`.tl-lane[data-lane="${node}"]`).count()).toBe(1);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
