// The Command log page in real Chromium against a real Valkey 9.1 (COMMANDLOG: slow, large requests and replies) and a real Redis 7.0 (SLOWLOG):
// filters by type, command, text and bounds change the rows and the URL, paging back in time, grouping, binary and cut arguments, and the correlation panel.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Redis from 'ioredis';
import type { Page } from 'playwright-core';
import { launchBrowser, screenshot, type TestBrowser } from './browser.ts';
import { startStandalone, type ServerHandle } from '../servers/servers.ts';
import { startTestSkyscope, waitFor, waitForNodesUp, type TestSkyscope } from '../integration/harness.ts';

const binaryKey = Buffer.from([0x00, 0xff, 0x41]);
/** Small sleeps first, so the page has more than one page (200) of entries to read back through. */
const SMALL_SLEEPS = 210;
const BIG_SLEEPS = 3;

const rowsOf = (page: Page) =>
  page.$$eval('[data-testid=cl-row]', (trs) =>
    trs.map((tr) => ({ type: tr.getAttribute('data-type'), cmd: tr.getAttribute('data-cmd'), ts: Number(tr.getAttribute('data-ts')), text: tr.textContent ?? '' })),
  );
const param = (page: Page, k: string) => new URL(page.url()).searchParams.get(k);

describe('command log page (Valkey 9.1, COMMANDLOG)', () => {
  let server: ServerHandle;
  let sky: TestSkyscope;
  let browser: TestBrowser;
  let base: string;
  let node: string;
  let total = 0;

  beforeAll(async () => {
    server = await startStandalone('valkey9', {
      config: {
        'latency-monitor-threshold': '1',
        'commandlog-execution-slower-than': '10000',
        'commandlog-slow-execution-max-len': '1000',
        'commandlog-reply-larger-than': '1000000',
        'commandlog-request-larger-than': '1000000',
      },
    });
    node = `127.0.0.1:${server.port}`;
    sky = await startTestSkyscope([server.url], [], {}, { ui: true });
    base = sky.base;
    browser = await launchBrowser();
    await waitForNodesUp(sky);
    const r = new Redis({ port: server.port, host: '127.0.0.1' });
    try {
      // In chunks the collector reads whole between two polls (it asks for 32 at a time).
      for (let i = 0; i < SMALL_SLEEPS; i += 15) {
        for (let j = i; j < Math.min(SMALL_SLEEPS, i + 15); j++) await r.call('DEBUG', 'SLEEP', '0.011');
        await waitFor('the chunk stored', async () => (await sky.api('/api/commandlog?from=now-1h&limit=1')).body.total >= Math.min(SMALL_SLEEPS, i + 15));
      }
      for (let i = 0; i < BIG_SLEEPS; i++) await r.call('DEBUG', 'SLEEP', '0.05');
      await r.client('SETNAME', 'bulk-loader'); // the client filter finds the four large entries by this name
      await r.set('big', 'x'.repeat(2_000_000)); // a large request (one argument cut by the server)
      await r.getBuffer('big'); // a large reply
      await r.set(binaryKey, 'y'.repeat(1_100_000)); // a large request with a binary key
      // 41 arguments over 1 MB: the server keeps 32 of them and says how many more there were.
      await r.mset(...Array.from({ length: 20 }, (_, i) => [`k${i}`, 'z'.repeat(60_000)]).flat());
    } finally {
      r.disconnect();
    }
    total = SMALL_SLEEPS + BIG_SLEEPS + 4;
    await waitFor('every entry stored', async () => (await sky.api('/api/commandlog?from=now-1h&limit=1')).body.total >= total, 30_000);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await sky?.dispose();
    await server?.stop();
  });

  test('status header, newest first with units, binary and cut arguments, filters by type, command, text and bounds in the URL, and paging back', async () => {
    const { page, errors } = await browser.open(`${base}/`);
    await page.locator('header.top nav').waitFor();
    await page.keyboard.press('g');
    await page.keyboard.press('c');
    await page.waitForURL(/\/commandlog$/);
    expect(await page.getAttribute('header.top nav a[data-nav="Command log"]', 'class')).toContain('on');
    // The header: this node reads COMMANDLOG, its thresholds and what was collected.
    const status = page.locator(`[data-testid=cl-status-row][data-node="${node}"]`);
    await status.waitFor();
    expect(await status.getAttribute('data-source')).toBe('commandlog');
    const statusText = (await status.textContent())!;
    expect(statusText).toContain('COMMANDLOG');
    expect(statusText).toContain('> 10 ms');
    expect(statusText).toMatch(/> 976\.6 KiB|> 977 KiB/);
    expect(statusText).toContain(`${SMALL_SLEEPS + BIG_SLEEPS} collected`);

    await page.locator('[data-testid=cl-row]').first().waitFor();
    expect(Number(await page.getAttribute('[data-testid=cl-count]', 'data-total'))).toBe(total);
    // Newest first (the log's times are whole seconds: the last commands share one).
    let rows = await rowsOf(page);
    expect(rows.length).toBe(200);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.ts).toBeLessThanOrEqual(rows[i - 1]!.ts);
    const mset = page.locator('[data-testid=cl-row][data-cmd=mset]');
    expect(await mset.locator('[data-testid=cl-args-more]').textContent()).toMatch(/^\+\d+ more arguments$/);
    const bin = page.locator('[data-testid=cl-row][data-type=large-request]', { has: page.locator('[data-testid=key-binary]') });
    expect(await bin.count()).toBe(1);
    expect(await bin.locator('.cmd-arg .key-chars').first().textContent()).toBe('\\x00\\xffA');
    const setBig = page.locator('[data-testid=cl-row][data-cmd=set]', { hasText: 'big' });
    expect(await setBig.locator('[data-testid=cl-arg-cut]').textContent()).toMatch(/^…\+1\.9 MiB$/);
    expect(await setBig.locator('[data-testid=cl-value]').textContent()).toBe('1.9 MiB');
    const reply = page.locator('[data-testid=cl-row][data-type=large-reply]');
    expect(await reply.count()).toBe(1);
    expect(await reply.getAttribute('data-cmd')).toBe('get');
    // Nothing wider than the window: long arguments ellipsize in their cell.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
    await screenshot(page, 'commandlog');

    // Older entries, one page at a time, until the first one.
    await page.click('[data-testid=cl-older]');
    await waitFor('all rows', async () => (await page.locator('[data-testid=cl-row]').count()) === total);
    expect(await page.locator('[data-testid=cl-older]').count()).toBe(0);

    // Type: only slow.
    await page.click('[data-testid=cl-filters] button[data-type=slow]');
    await waitFor('only slow rows', async () => {
      rows = await rowsOf(page);
      return rows.length > 0 && rows.every((r) => r.type === 'slow') && rows.length === 200;
    });
    expect(param(page, 'type')).toBe('slow');
    expect(Number(await page.getAttribute('[data-testid=cl-count]', 'data-total'))).toBe(SMALL_SLEEPS + BIG_SLEEPS);
    // A lower bound in ms: only the 50 ms sleeps, shown as such.
    await page.fill('[data-testid=cl-min]', '40ms');
    await page.press('[data-testid=cl-min]', 'Enter');
    await waitFor('only the long sleeps', async () => (await rowsOf(page)).length === BIG_SLEEPS);
    expect(param(page, 'min')).toBe('40ms');
    for (const v of await page.$$eval('[data-testid=cl-row] [data-testid=cl-value]', (tds) => tds.map((td) => td.textContent))) {
      expect(v).toMatch(/^\d+(\.\d)? ms$/);
      expect(Number.parseFloat(v!)).toBeGreaterThanOrEqual(50);
    }
    await screenshot(page, 'commandlog-filtered');
    await page.click('[data-testid=cl-clear]');
    await waitFor('filters cleared', async () => (await rowsOf(page)).length === 200);
    expect(param(page, 'type')).toBeNull();
    expect(param(page, 'min')).toBeNull();
    expect(await page.inputValue('[data-testid=cl-min]')).toBe('');

    // Large replies only.
    await page.click('[data-testid=cl-filters] button[data-type=large-reply]');
    await waitFor('only the large reply', async () => {
      rows = await rowsOf(page);
      return rows.length === 1 && rows[0]!.type === 'large-reply';
    });
    await page.click('[data-testid=cl-filters] button[data-type=large-reply]');

    // Command, exact and case-insensitive.
    await page.fill('[data-testid=cl-cmd]', 'MSET');
    await waitFor('only mset', async () => {
      rows = await rowsOf(page);
      return rows.length === 1 && rows[0]!.cmd === 'mset';
    });
    expect(param(page, 'cmd')).toBe('MSET');
    await page.fill('[data-testid=cl-cmd]', '');
    await page.press('[data-testid=cl-cmd]', 'Enter');

    // Client, by name: the connection that sent the large ones.
    await page.fill('[data-testid=cl-client]', 'bulk-loader');
    await waitFor('only the loader\'s entries', async () => {
      rows = await rowsOf(page);
      return rows.length === 4;
    });
    expect(rows.map((r) => r.cmd).sort()).toEqual(['get', 'mset', 'set', 'set']);
    expect(rows.every((r) => r.text.includes('bulk-loader'))).toBe(true);
    expect(param(page, 'client')).toBe('bulk-loader');
    await page.fill('[data-testid=cl-client]', '');
    await page.press('[data-testid=cl-client]', 'Enter');

    // Free text over the command line: "big" is in SET big and GET big, nowhere else.
    await page.fill('[data-testid=cl-q]', 'big');
    await waitFor('only the big ones', async () => {
      rows = await rowsOf(page);
      return rows.length === 2;
    });
    expect(rows.map((r) => `${r.type} ${r.cmd}`).sort()).toEqual(['large-reply get', 'large-request set']);
    expect(param(page, 'q')).toBe('big');

    // The link can be shared: the same rows from the URL alone.
    const shared = await browser.open(page.url());
    await shared.page.locator('[data-testid=cl-row]').first().waitFor();
    expect((await rowsOf(shared.page)).map((r) => r.cmd).sort()).toEqual(['get', 'set']);
    expect(await shared.page.inputValue('[data-testid=cl-q]')).toBe('big');
    await shared.context.close();

    // Each entry opens the dashboard on its node around its moment.
    const href = await page.getAttribute('[data-testid=cl-row] [data-testid=cl-dashboard]', 'href');
    const u = new URL(href!, base);
    expect(u.pathname).toBe('/dashboard');
    expect(u.searchParams.get('node')).toBe(node);
    const ts = Number(await page.getAttribute('[data-testid=cl-row]', 'data-ts'));
    expect(Number(u.searchParams.get('from'))).toBe(Math.floor(ts - 300));
    expect(Number(u.searchParams.get('to'))).toBe(Math.ceil(ts + 300));
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  test('group by command and by pattern, a command group opens its entries', async () => {
    const { page, errors } = await browser.open(`${base}/commandlog`);
    await page.locator('[data-testid=cl-row]').first().waitFor();
    await page.click('[data-testid=cl-group] button[data-group=command]');
    expect(param(page, 'group')).toBe('command');
    const slow = page.locator('[data-testid=cl-groups][data-type=slow]');
    await slow.waitFor();
    const apiGroups = (await sky.api('/api/commandlog/groups?by=command&from=now-24h')).body.groups as any[];
    const debug = apiGroups.find((g) => g.type === 'slow')!;
    expect(debug.count).toBe(SMALL_SLEEPS + BIG_SLEEPS);
    const row = slow.locator('[data-testid=cl-group-row]').first();
    expect(await row.getAttribute('data-key')).toBe(debug.key);
    expect(await row.getAttribute('data-count')).toBe(String(SMALL_SLEEPS + BIG_SLEEPS));
    expect(await page.locator('[data-testid=cl-groups][data-type=large-request] [data-testid=cl-group-row]').count()).toBe(2); // set, mset
    expect(await page.locator('[data-testid=cl-groups][data-type=large-reply] [data-testid=cl-group-row]').count()).toBe(1);
    await screenshot(page, 'commandlog-groups');

    // By pattern: the SETs of "big" and of the binary key are different patterns.
    await page.click('[data-testid=cl-group] button[data-group=pattern]');
    await page.locator('[data-testid=cl-groups][data-type=large-request] [data-testid=cl-group-row]').first().waitFor();
    await waitFor('pattern groups', async () => (await page.locator('[data-testid=cl-groups][data-type=large-request] [data-testid=cl-group-row]').count()) === 3);

    // Back to commands; a command's group lists its entries.
    await page.click('[data-testid=cl-group] button[data-group=command]');
    await page.locator('[data-testid=cl-groups][data-type=large-reply] [data-testid=cl-group-row] a').click();
    expect(param(page, 'group')).toBeNull();
    expect(param(page, 'cmd')).toBe('get');
    await waitFor('only the get entry', async () => {
      const rows = await rowsOf(page);
      return rows.length === 1 && rows[0]!.cmd === 'get';
    });
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  test('"what else happened" on an entry lists the provoked entries and latency events around it', async () => {
    const { page, errors } = await browser.open(`${base}/commandlog?type=slow&min=40ms`);
    await waitFor('the long sleeps', async () => (await page.locator('[data-testid=cl-row]').count()) === BIG_SLEEPS).catch(async (e) => {
      console.log(JSON.stringify(await rowsOf(page)), page.url(), await page.textContent('main'));
      throw e;
    });
    const first = page.locator('[data-testid=cl-row]').first();
    const ts = Number(await first.getAttribute('data-ts'));
    await first.locator('[data-testid=cl-correlate]').click();
    expect(param(page, 'corr')).toBe(String(Math.round(ts)));
    expect(param(page, 'corrNode')).toBe(node);
    const panel = page.locator(`[data-testid=corr-panel][data-node="${node}"]`);
    await panel.locator('[data-testid=corr-log-row]').first().waitFor();
    expect(await first.getAttribute('class')).toContain('selected');
    // The provoked 50 ms sleeps, the large request and reply and the MSET are all in the window.
    const logRows = await panel.locator('[data-testid=corr-log-row]').evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute('data-type')} ${tr.getAttribute('data-cmd')} ${tr.textContent}`));
    expect(logRows.filter((r) => r.startsWith('slow') && /DEBUG.*SLEEP.*0\.05/.test(r)).length).toBe(BIG_SLEEPS);
    expect(logRows.some((r) => r.startsWith('large-reply get'))).toBe(true);
    expect(logRows.some((r) => r.startsWith('large-request mset'))).toBe(true);
    // The latency monitor saw the sleeps as "command" events of about 50 ms.
    const lat = await panel.locator('[data-testid=corr-latency-row]').evaluateAll((trs) => trs.map((tr) => ({ event: tr.getAttribute('data-event'), text: tr.textContent ?? '' })));
    expect(lat.length).toBeGreaterThan(0);
    expect(lat.every((l) => l.event === 'command')).toBe(true);
    expect(lat.some((l) => /5\d ms/.test(l.text))).toBe(true);
    // The commands that used the CPU: DEBUG, with its time per second.
    await panel.locator('[data-testid=corr-command-row][data-cmd=debug]').waitFor();
    expect(await panel.locator('[data-testid=corr-traffic-row]').count()).toBeGreaterThan(0);
    expect(await panel.locator('[data-testid=corr-dashboard]').getAttribute('href')).toContain(`node=${encodeURIComponent(node)}`);
    await screenshot(page, 'commandlog-correlation');

    // A wider window, then Esc closes the panel and its URL state.
    await page.selectOption('[data-testid=corr-window]', '300');
    expect(param(page, 'corrBefore')).toBe('300');
    await page.locator('[data-testid=corr-panel] [data-testid=corr-log-row]').first().waitFor();
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    expect(param(page, 'corr')).toBeNull();
    expect(param(page, 'corrNode')).toBeNull();
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);
});

describe('command log page (Redis 7.0, SLOWLOG)', () => {
  let server: ServerHandle;
  let sky: TestSkyscope;
  let browser: TestBrowser;
  let base: string;
  let node: string;

  beforeAll(async () => {
    server = await startStandalone('redis7', { config: { 'slowlog-log-slower-than': '10000', 'enable-debug-command': 'local' } });
    node = `127.0.0.1:${server.port}`;
    sky = await startTestSkyscope([server.url], [], {}, { ui: true });
    base = sky.base;
    browser = await launchBrowser();
    await waitForNodesUp(sky);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sky?.dispose();
    await server?.stop();
  });

  test('the header says SLOWLOG keeps only slow commands; an empty log says what to do; a slow command appears', async () => {
    const { page, errors } = await browser.open(`${base}/commandlog`);
    // Before the first read the row says so (not "unsupported"); the status refreshes every 10 s.
    const status = page.locator(`[data-testid=cl-status-row][data-node="${node}"][data-source=slowlog]`);
    await status.waitFor({ timeout: 15_000 });
    expect(await status.textContent()).toContain('SLOWLOG');
    expect(await status.textContent()).toContain('not kept');
    await page.locator('.state.empty').waitFor();
    expect(await page.textContent('.state.empty')).toContain('The command log is empty');
    expect(await page.textContent('.state.empty')).toContain('Lower a threshold');

    const r = new Redis({ port: server.port, host: '127.0.0.1' });
    try {
      await r.call('DEBUG', 'SLEEP', '0.05');
    } finally {
      r.disconnect();
    }
    // The newest page refreshes on its own in a live range.
    await page.locator('[data-testid=cl-row][data-type=slow]').waitFor({ timeout: 20_000 });
    const row = page.locator('[data-testid=cl-row]');
    expect(await row.count()).toBe(1);
    expect(await row.getAttribute('data-node')).toBe(node);
    // At least the 50 ms slept; more when the machine is busy (the server's clock runs on).
    const shown = (await row.locator('[data-testid=cl-value]').textContent())!;
    expect(shown).toMatch(/^\d+(\.\d)? ms$/);
    expect(Number.parseFloat(shown)).toBeGreaterThanOrEqual(50);
    expect(await row.textContent()).toContain('DEBUG');
    // Slowlog has no size types: filtering to them leaves nothing, and says so.
    await page.click('[data-testid=cl-filters] button[data-type=large-reply]');
    await page.locator('.state.empty', { hasText: 'No entries match these filters' }).waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);
});
