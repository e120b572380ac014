// The SQL page in real Chromium against a real Skyscope and Valkey: runs queries, shows errors verbatim, charts, shares by URL.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { launchBrowser, screenshot, type TestBrowser } from './browser.ts';
import { startStandalone, type ServerHandle } from '../servers/servers.ts';
import { startTestSkyscope, waitFor, type TestSkyscope } from '../integration/harness.ts';

describe('SQL page', () => {
  let server: ServerHandle;
  let sky: TestSkyscope;
  let browser: TestBrowser;
  let base: string;
  const sql = async (text: string) => (await sky.api('/api/sql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sql: text }) })).body;

  beforeAll(async () => {
    server = await startStandalone('valkey9');
    sky = await startTestSkyscope([server.url], [], {}, { ui: true });
    base = sky.base;
    browser = await launchBrowser();
    // A few seconds of samples so time buckets have more than one point.
    await waitFor('samples over 3 s', async () => {
      const r = await sql("SELECT count(DISTINCT epoch(ts)::BIGINT) AS s FROM v_samples WHERE metric = 'valkey_memory_used_bytes'");
      return r.rows?.[0]?.[0] >= 4;
    }, 20_000);
  });
  afterAll(async () => {
    await browser?.close();
    await sky?.dispose();
    await server?.stop();
  });

  test('runs a query with Ctrl+Enter and shows the same rows as the API', async () => {
    const { page, errors } = await browser.open(`${base}/sql`);
    const cut = (await sql('SELECT epoch_ms(max(ts)) FROM v_samples')).rows[0][0] as number;
    const query = `SELECT metric, count(*) AS n, round(avg(value), 3) AS mean\nFROM v_samples\nWHERE epoch_ms(ts) <= ${cut} AND labels = ''\nGROUP BY metric ORDER BY metric`;
    const expected = await sql(query);
    expect(expected.rows.length).toBeGreaterThan(20);

    await page.fill('[data-testid=sql-editor]', query);
    await page.press('[data-testid=sql-editor]', 'Control+Enter');
    await page.waitForSelector('[data-testid=sql-results] tbody tr');
    expect(await page.textContent('[data-testid=sql-rowcount]')).toBe(`${expected.rows.length} rows`);
    const cells = await page.$$eval('[data-testid=sql-results] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent)));
    expect(cells.map((r) => r[0])).toEqual(expected.rows.map((r: any[]) => r[0]));
    expect(cells.map((r) => Number(r[1]))).toEqual(expected.rows.map((r: any[]) => r[1]));
    expect(cells.map((r) => Number(r[2]))).toEqual(expected.rows.map((r: any[]) => r[2]));
    // numbers are right-aligned
    expect(await page.$eval('[data-testid=sql-results] tbody tr td:nth-child(3)', (td) => getComputedStyle(td).textAlign)).toBe('right');
    // the query went into the URL so the address can be shared
    const url = new URL(page.url());
    expect(url.searchParams.get('q')).toBe(query);
    // the schema panel lists the views from the live database
    expect(await page.textContent('[data-testid=sql-schema]')).toContain('v_samples_1h');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('bad SQL and a write statement show the server error verbatim', async () => {
    const { page, errors } = await browser.open(`${base}/sql`);
    await page.fill('[data-testid=sql-editor]', 'SELEC 1');
    await page.click('[data-testid=sql-run]');
    await page.waitForSelector('[data-testid=sql-error]');
    expect(await page.getAttribute('[data-testid=sql-error]', 'data-code')).toBe('syntax');
    const syntax = (await sql('SELEC 1')).error.message as string;
    expect(syntax).toContain('syntax error');
    expect(await page.textContent('[data-testid=sql-error] pre')).toBe(syntax);
    // DuckDB's LINE n: marker becomes a button that selects that line in the editor
    await page.click('[data-testid=sql-error] button');
    expect(await page.$eval('[data-testid=sql-editor]', (t: any) => t.value.slice(t.selectionStart, t.selectionEnd))).toBe('SELEC 1');

    const before = (await sql('SELECT count(*) FROM v_samples')).rows[0][0];
    await page.fill('[data-testid=sql-editor]', 'DELETE FROM samples');
    await page.click('[data-testid=sql-run]');
    await page.waitForSelector('[data-testid=sql-error][data-code=not_read_only]');
    expect(await page.textContent('[data-testid=sql-error]')).toContain('not DELETE');
    expect(await page.textContent('[data-testid=sql-error] strong')).toContain('only reads');
    expect((await sql('SELECT count(*) FROM v_samples')).rows[0][0]).toBeGreaterThanOrEqual(before);
    expect(await page.$('[data-testid=sql-results]')).toBeNull();
    // Chromium logs every 4xx response; those two are the refusals asked for, anything else is a failure
    expect(errors.filter((e) => !/status of 400 \(Bad Request\)/.test(e))).toEqual([]);
    expect(errors.length).toBeLessThanOrEqual(2);
    await page.context().close();
  });

  test('charts a time-bucketed query, one line per node', async () => {
    const { page, errors } = await browser.open(`${base}/sql?chart=1`);
    const query = "SELECT time_bucket(INTERVAL 1 SECOND, ts) AS t, node, avg(value) AS used FROM v_samples WHERE metric = 'valkey_memory_used_bytes' GROUP BY ALL ORDER BY t";
    const expected = await sql(query);
    await page.fill('[data-testid=sql-editor]', query);
    await page.click('[data-testid=sql-run]');
    await page.waitForSelector('[data-testid=chart][data-drawn="1"]');
    const points = Number(await page.getAttribute('[data-testid=chart]', 'data-points'));
    expect(points).toBeGreaterThanOrEqual(Math.min(4, expected.rows.length));
    expect(points).toBeLessThanOrEqual(expected.rows.length + 2);
    await screenshot(page, 'sql');
    // not chartable: says why instead of drawing nonsense
    await page.fill('[data-testid=sql-editor]', "SELECT 'a' AS x, 1 AS y");
    await page.click('[data-testid=sql-run]');
    await page.waitForSelector('[data-testid=sql-chart-reason]');
    expect(await page.textContent('[data-testid=sql-chart-reason]')).toContain('time column');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('a shared /sql?q=...&run=1 link fills the editor and runs it; huge and binary cells stay contained', async () => {
    const query = "SELECT 42 AS answer, repeat('x', 300000) AS big, '\\x00\\x01\\xFF'::BLOB AS bin, NULL AS nothing";
    const { page, errors } = await browser.open(`${base}/sql?q=${encodeURIComponent(query)}&run=1`, { theme: 'light' });
    await page.waitForSelector('[data-testid=sql-results] tbody tr');
    expect(await page.$eval('[data-testid=sql-editor]', (t: any) => t.value)).toBe(query);
    const tds = await page.$$('[data-testid=sql-results] tbody td');
    expect(await tds[1]!.textContent()).toBe('42');
    // the 300k-character cell is shortened and does not stretch the table
    const big = await tds[2]!.textContent();
    expect(big!.length).toBeLessThan(200);
    const fits = await page.$eval('[data-testid=sql-results]', (el) => el.scrollWidth <= el.clientWidth + 1 && document.documentElement.scrollWidth <= innerWidth);
    expect(fits).toBe(true);
    expect(await tds[3]!.textContent()).toContain('bin');
    expect(await tds[4]!.textContent()).toBe('NULL');
    // a click shows the whole value
    await tds[2]!.click();
    await page.waitForSelector('[data-testid=cell-full]');
    expect((await page.textContent('[data-testid=cell-full]'))!.length).toBe(300000);
    await page.keyboard.press('Escape');
    expect(await page.$('[data-testid=cell-full]')).toBeNull();
    await screenshot(page, 'sql-light');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
