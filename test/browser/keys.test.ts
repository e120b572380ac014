// The Keys page in real Chromium against a real Valkey 9.1 cluster (3 primaries): browsing with MATCH/TYPE in the URL, the tree and flat
// lists (virtualised: a million synthetic keys keep a screenful of rows in the DOM), a 20,000-field hash paged, edits seen on the server,
// bulk delete behind a typed confirmation, memory analysis with two runs compared, and every write disabled under --read-only.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Redis, { Cluster } from 'ioredis';
import type { Page } from 'playwright-core';
import { launchBrowser, screenshot, type TestBrowser } from './browser.ts';
import { startCluster, type ClusterHandle } from '../servers/servers.ts';
import { startTestSkyscope, waitFor, waitForNodesUp, type TestSkyscope } from '../integration/harness.ts';

const hex = (s: string | Buffer) => Buffer.from(s).toString('hex');
const BIG_FIELDS = 20_000;
const BULK = 120;
const binaryKey = Buffer.from([0x00, 0xff, 0x41]);

const attr = (page: Page, sel: string, name: string) => page.getAttribute(sel, name);
/** Keys on every primary, each asked directly. */
async function dbsizeSum(): Promise<number> {
  let n = 0;
  for (const node of cluster.nodes) {
    const r = new Redis({ port: node.port, host: '127.0.0.1' });
    try {
      n += Number(await r.dbsize());
    } finally {
      r.disconnect();
    }
  }
  return n;
}
const scanDone = (page: Page) => page.locator('[data-testid=keys-progress][data-complete=true]').waitFor({ timeout: 30_000 });

let cluster: ClusterHandle;

describe('key browser (Valkey 9.1 cluster)', () => {
  let client: Cluster;
  let sky: TestSkyscope;
  let ro: TestSkyscope;
  let browser: TestBrowser;
  let base: string;
  let total = 0;

  beforeAll(async () => {
    cluster = await startCluster('valkey9', { primaries: 3, replicasPerPrimary: 0 });
    client = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }], { redisOptions: { maxRetriesPerRequest: 1 } });
    // A cluster pipeline must stay in one slot: plain commands sent together instead.
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 300; i++) writes.push(client.set(`user:${i % 10}:session:${i}`, `s${i}`));
    for (let i = 0; i < 40; i++) writes.push(client.hset(`cart:${i}`, 'item', String(i)));
    for (let i = 0; i < BULK; i++) writes.push(client.set(`bulk:${i}`, 'x'));
    writes.push(client.set('greeting', 'hello'), client.set('victim', 'bye'), client.set(binaryKey, Buffer.from([1, 2, 3, 0xfe])));
    await Promise.all(writes);
    const fields: string[] = [];
    for (let i = 0; i < BIG_FIELDS; i++) fields.push(`f${i}`, `value-${i}`);
    await client.hset('bighash', ...fields);
    total = 300 + 40 + BULK + 3 + 1;
    sky = await startTestSkyscope([cluster.seedUrl], [], {}, { ui: true });
    ro = await startTestSkyscope([cluster.seedUrl], ['--read-only'], {}, { ui: true });
    base = sky.base;
    browser = await launchBrowser();
    await waitForNodesUp(sky, 3, 30_000);
  }, 120_000);

  afterAll(async () => {
    client?.disconnect();
    await browser?.close();
    await sky?.dispose();
    await ro?.dispose();
    await cluster?.stop();
  });

  test('lists every key until the scan says complete, filters by MATCH and TYPE in the URL, tree and flat views, keyboard', async () => {
    const { page, errors } = await browser.open(`${base}/`);
    await page.locator('header.top nav').waitFor();
    await page.keyboard.press('g');
    await page.keyboard.press('k');
    await page.waitForURL(/\/keys$/);
    await scanDone(page);
    expect(Number(await attr(page, '[data-testid=keys-progress]', 'data-listed'))).toBe(total);
    expect(await page.textContent('[data-testid=keys-counts]')).toContain('3/3 nodes done');
    expect(await page.textContent('[data-testid=keys-state]')).toBe('complete');
    // The tree: folders first with their counts.
    const folder = (path: string) => page.locator(`[data-testid=key-folder][data-path="${path}"]`);
    expect(await folder('user:').textContent()).toContain('300');
    expect(await folder('cart:').textContent()).toContain('40');
    expect(await page.locator(`[data-testid=key-row][data-hex="${hex(binaryKey)}"] [data-testid=key-binary]`).count()).toBe(1);

    // MATCH: typed, then Enter; the URL keeps it and the list is only the matches.
    await page.fill('[data-testid=keys-match]', 'user:3:*');
    await page.press('[data-testid=keys-match]', 'Enter');
    await page.waitForURL(/match=user%3A3%3A\*/);
    await waitFor('30 matches', async () => (await attr(page, '[data-testid=keys-progress]', 'data-listed')) === '30' && (await attr(page, '[data-testid=keys-progress]', 'data-complete')) === 'true', 30_000);
    // Keyboard: the list takes the focus, Enter opens a folder, → opens the next, ↓ selects a key.
    await page.locator('[data-testid=keys-list]').focus();
    await page.keyboard.press('Enter');
    expect(await folder('user:').getAttribute('data-open')).toBe('true');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    expect(await folder('user:3:').getAttribute('data-open')).toBe('true');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await page.waitForURL(/key=/);
    await page.locator('[data-testid=key-detail][data-type=string]').waitFor();
    expect(new URL(page.url()).searchParams.get('key')).toMatch(new RegExp('^' + hex('user:3:session:')));

    // TYPE hash: only the carts and the big hash; the flat view lists them with their type.
    await page.fill('[data-testid=keys-match]', '');
    await page.press('[data-testid=keys-match]', 'Enter');
    await page.selectOption('[data-testid=keys-type]', 'hash');
    await page.waitForURL(/type=hash/);
    await waitFor('41 hashes', async () => (await attr(page, '[data-testid=keys-progress]', 'data-listed')) === '41' && (await attr(page, '[data-testid=keys-progress]', 'data-complete')) === 'true', 30_000);
    await page.click('[data-testid=keys-view] button[data-view=flat]');
    await page.waitForURL(/view=flat/);
    expect(await page.locator('[data-testid=key-row] .kt-hash').count()).toBeGreaterThan(10);
    await page.fill('[data-testid=keys-match]', 'big*');
    await page.press('[data-testid=keys-match]', 'Enter');
    await page.locator(`[data-testid=key-row][data-hex="${hex('bighash')}"]`).click();
    await page.locator('[data-testid=key-detail][data-type=hash]').waitFor();

    // A shared link opens the same view.
    const { page: again } = await browser.open(page.url());
    await again.locator('[data-testid=key-detail]').waitFor();
    expect(await again.inputValue('[data-testid=keys-type]')).toBe('hash');
    await again.context().close();

    await page.goto(`${base}/keys?key=${hex('bighash')}`);
    await scanDone(page);
    await page.locator('[data-testid=key-detail][data-type=hash]').waitFor();
    await folder('user:').click();
    await folder('user:1:').click();
    await page.locator(`[data-testid=key-row][data-hex="${hex('bighash')}"]`).waitFor();
    await screenshot(page, 'keys');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 90_000);

  test('a 20,000-field hash is paged: load more adds pages, only visible rows are in the DOM, text and hex', async () => {
    const { page, errors } = await browser.open(`${base}/keys?key=${hex('bighash')}`);
    const value = page.locator('[data-testid=kd-value][data-kind=hash]');
    await value.waitFor();
    expect(await page.textContent('[data-testid=kd-facts] [data-fact=Length]')).toContain('20,000 fields');
    const loaded = async () => Number(await value.getAttribute('data-loaded'));
    const first = await loaded();
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(BIG_FIELDS);
    for (let i = 0; i < 3; i++) {
      const before = await loaded();
      await page.click('[data-testid=kd-more]');
      await waitFor('a page more', async () => (await loaded()) > before);
    }
    const after = await loaded();
    expect(after).toBeGreaterThan(first + 1000);
    expect(await page.textContent('[data-testid=kd-loaded]')).toContain('of 20,000 fields loaded');
    // Virtualised: a screenful of rows in the DOM, not thousands.
    expect(await page.locator('[data-testid=kd-row]').count()).toBeLessThan(60);
    // Scrolled to the end, the last loaded row is there.
    await page.locator('[data-testid=kd-rows]').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.locator(`[data-testid=kd-rows] .vrow[data-index="${after - 1}"]`).waitFor();
    // A field opens whole; hex shows its bytes.
    await page.locator('[data-testid=kd-row]').last().click();
    const elem = page.locator('[data-testid=kd-element]');
    await elem.waitFor();
    expect(await elem.textContent()).toMatch(/value-\d+/);
    await page.click('[data-testid=kd-mode] button[data-mode=hex]');
    await page.waitForURL(/hex=1/);
    expect(await page.locator('[data-testid=kd-row] .kd-cell').nth(1).textContent()).toMatch(/^76616c75652d/);
    // The binary string: \xHH in text, exact bytes in hex.
    await page.goto(`${base}/keys?key=${hex(binaryKey)}&hex=1`);
    await page.locator('[data-testid=kd-string]').waitFor();
    expect(await page.textContent('[data-testid=kd-string]')).toContain('01 02 03 fe');
    await page.click('[data-testid=kd-mode] button[data-mode=text]');
    await waitFor('text mode', async () => (await page.textContent('[data-testid=kd-string]')) === '\\x01\\x02\\x03\\xfe');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  test('type badges without a TYPE filter; a 300 KB hash field and list item are cut, load whole, and are then edited or removed whole', async () => {
    const big = 'abcdefghij'.repeat(30_000);
    await client.hset('bigfield', 'big', big, 'small', 'tiny');
    try {
      // types=1: the tree's leaves and the flat list show each key's type, no TYPE filter needed.
      const { page, errors } = await browser.open(`${base}/keys`);
      await scanDone(page);
      const row = (k: string) => page.locator(`[data-testid=key-row][data-hex="${hex(k)}"]`);
      expect(await row('greeting').locator('.ktype').textContent()).toBe('string');
      expect(await row('bigfield').locator('.ktype').textContent()).toBe('hash');
      await page.click('[data-testid=keys-view] button[data-view=flat]');
      await page.waitForURL(/view=flat/);
      const rows = await page.locator('[data-testid=key-row]').count();
      expect(rows).toBeGreaterThan(10);
      expect(await page.locator('[data-testid=key-row] .ktype').count()).toBe(rows);

      await page.goto(`${base}/keys?key=${hex('bigfield')}`);
      await page.locator('[data-testid=kd-row]', { hasText: 'abcdefghij' }).click();
      const value = page.locator('[data-testid=kd-element] [data-testid=kd-elem-value]');
      expect(await value.getAttribute('data-whole')).toBe('false');
      expect(await page.isDisabled('[data-testid=kd-elem-edit]')).toBe(true);
      expect(await page.textContent('[data-testid=kd-elem-load]')).toBe('load whole value (300,000 bytes)');
      await page.click('[data-testid=kd-elem-load]');
      await page.locator('[data-testid=kd-element] [data-testid=kd-elem-value][data-whole=true][data-bytes="300000"]').waitFor();
      expect((await value.locator('pre').textContent())!.length).toBe(300_000);
      await page.click('[data-testid=kd-elem-edit]');
      const area = page.locator('[data-testid=kd-edit-form] textarea');
      expect((await area.inputValue()).length).toBe(300_000);
      await area.fill(`${big}!`);
      await page.click('[data-testid=kd-save]');
      await waitFor('the whole new value on the server', async () => (await client.hget('bigfield', 'big')) === `${big}!`);
      expect(await client.hget('bigfield', 'small')).toBe('tiny');

      // A cut list item: LREM names it by its bytes, so Remove waits until it is loaded whole.
      await client.rpush('biglist', 'a', big);
      await page.goto(`${base}/keys?key=${hex('biglist')}`);
      await page.locator('[data-testid=kd-row]', { hasText: 'abcdefghij' }).click();
      expect(await page.isDisabled('[data-testid=kd-elem-delete]')).toBe(true);
      await page.click('[data-testid=kd-elem-load]');
      await page.locator('[data-testid=kd-element] [data-testid=kd-elem-value][data-whole=true]').waitFor();
      await page.click('[data-testid=kd-elem-delete]');
      await waitFor('the big item removed on the server', async () => (await client.lrange('biglist', 0, -1)).join() === 'a');
      expect(errors).toEqual([]);
      await page.context().close();
    } finally {
      await client.del('bigfield');
      await client.del('biglist');
    }
  }, 60_000);

  test('edits reach the server: value, hash field, TTL, rename, add key, delete with confirmation', async () => {
    const { page, errors } = await browser.open(`${base}/keys?key=${hex('greeting')}`);
    await page.locator('[data-testid=key-detail][data-type=string]').waitFor();
    await page.click('[data-testid=kd-edit]');
    await page.fill('[data-testid=kd-edit-form] textarea', 'hello from the browser');
    await page.click('[data-testid=kd-save]');
    await waitFor('the new value on the server', async () => (await client.get('greeting')) === 'hello from the browser');
    await waitFor('the page shows it', async () => (await page.textContent('[data-testid=kd-string]')) === 'hello from the browser');

    await page.click('[data-testid=kd-ttl]');
    await page.fill('[data-testid=kd-ttl-form] input', '600');
    await page.press('[data-testid=kd-ttl-form] input', 'Enter');
    await waitFor('a TTL on the server', async () => (await client.ttl('greeting')) > 500);
    await waitFor('the TTL shown', async () => (await page.textContent('[data-testid=kd-facts] [data-fact=TTL]'))?.includes('min'));

    // A field of the big hash.
    await page.goto(`${base}/keys?key=${hex('bighash')}`);
    await page.locator('[data-testid=kd-row]').first().click();
    const field = (await page.locator('[data-testid=kd-element] strong .key-chars').textContent())!;
    await page.click('[data-testid=kd-elem-edit]');
    await page.fill('[data-testid=kd-edit-form] textarea', 'changed');
    await page.click('[data-testid=kd-save]');
    await waitFor('hset on the server', async () => (await client.hget('bighash', field)) === 'changed');

    // Add a key, rename it, delete it.
    await page.click('[data-testid=keys-add]');
    await page.fill('[data-testid=add-key-name]', 'made:{here}');
    await page.selectOption('[data-testid=add-key-type]', 'list');
    await page.fill('[data-testid=add-key-a]', 'first');
    await page.click('[data-testid=add-key-save]');
    await page.locator(`[data-testid=key-detail][data-hex="${hex('made:{here}')}"]`).waitFor();
    expect(await client.lrange('made:{here}', 0, -1)).toEqual(['first']);
    // The name is taken: 409 says so in the dialog.
    await page.click('[data-testid=keys-add]');
    await page.fill('[data-testid=add-key-name]', 'made:{here}');
    await page.fill('[data-testid=add-key-a]', 'x');
    await page.click('[data-testid=add-key-save]');
    await page.locator('[data-testid=add-key-error]').waitFor();
    await page.keyboard.press('Escape');

    // Renamed within its slot (a cluster refuses a new name in another slot: the server's cross_slot).
    await page.click('[data-testid=kd-rename]');
    await page.fill('[data-testid=kd-rename-form] input', 'renamed:{here}');
    await page.press('[data-testid=kd-rename-form] input', 'Enter');
    await page.locator(`[data-testid=key-detail][data-hex="${hex('renamed:{here}')}"]`).waitFor();
    expect(await client.exists('made:{here}')).toBe(0);
    expect(await client.lrange('renamed:{here}', 0, -1)).toEqual(['first']);
    const name = 'renamed:{here}';
    await page.click('[data-testid=kd-delete]');
    await page.locator('[data-testid=kd-delete-confirm]').waitFor();
    await page.click('[data-testid=kd-delete-yes]');
    await waitFor('deleted on the server', async () => (await client.exists(name)) === 0);
    await waitFor('selection cleared', async () => !new URL(page.url()).searchParams.has('key'));
    // The 409 of the taken name is the one failed request.
    expect(errors.filter((e) => !e.includes('409'))).toEqual([]);
    await page.context().close();
  }, 60_000);

  test('bulk delete: preview count, typed confirmation, progress to done, keys gone on the server; cancel keeps what was deleted', async () => {
    const { page, errors } = await browser.open(`${base}/keys?match=bulk:*`);
    await scanDone(page);
    await page.click('[data-testid=keys-bulk]');
    expect(await page.inputValue('[data-testid=bulk-match]')).toBe('bulk:*');
    await page.click('[data-testid=bulk-preview]');
    const preview = page.locator('[data-testid=bulk-preview-result]');
    await preview.waitFor({ timeout: 30_000 });
    expect(Number(await preview.getAttribute('data-matched'))).toBe(BULK);
    const confirm = (await page.textContent('[data-testid=bulk-confirm-text]'))!;
    expect(confirm).toContain('bulk:*');
    // A wrong text keeps the button off.
    await page.fill('[data-testid=bulk-typed]', confirm.slice(0, -1));
    expect(await page.isDisabled('[data-testid=bulk-start]')).toBe(true);
    await page.fill('[data-testid=bulk-typed]', confirm);
    expect(await page.isDisabled('[data-testid=bulk-start]')).toBe(false);
    await screenshot(page, 'keys-bulk-delete');
    await page.click('[data-testid=bulk-start]');
    const job = page.locator('[data-testid=bulk-job][data-state=done]');
    await job.waitFor({ timeout: 30_000 });
    expect(Number(await job.getAttribute('data-deleted'))).toBe(BULK);
    expect((await client.keys('bulk:*')).length).toBe(0);
    // Other keys are untouched; the list rescans to nothing.
    expect(await client.exists('user:1:session:1')).toBe(1);
    await page.click('[data-testid=bulk-close]');
    await waitFor('the list is empty', async () => (await attr(page, '[data-testid=keys-progress]', 'data-complete')) === 'true' && (await attr(page, '[data-testid=keys-progress]', 'data-listed')) === '0', 30_000);
    await page.locator('[data-testid=keys-empty]').waitFor();

    // A bigger delete, cancelled while it runs: what was deleted stays deleted, the rest stays.
    const SLOW = 30_000;
    const others = await dbsizeSum();
    for (let i = 0; i < SLOW; i += 5000) await Promise.all(Array.from({ length: 5000 }, (_, j) => client.set(`slow:${i + j}`, 'x')));
    await page.click('[data-testid=keys-bulk]');
    await page.fill('[data-testid=bulk-match]', 'slow:*');
    await page.click('[data-testid=bulk-preview]');
    await preview.waitFor({ timeout: 30_000 });
    await page.fill('[data-testid=bulk-typed]', (await page.textContent('[data-testid=bulk-confirm-text]'))!);
    await page.click('[data-testid=bulk-start]');
    await page.click('[data-testid=bulk-cancel]');
    const cancelled = page.locator('[data-testid=bulk-job][data-state=cancelled]');
    await cancelled.waitFor({ timeout: 30_000 });
    const deleted = Number(await cancelled.getAttribute('data-deleted'));
    expect(deleted).toBeLessThan(SLOW);
    // Every key the job counted is gone, every other slow: key is still there.
    expect((await dbsizeSum()) - others).toBe(SLOW - deleted);
    // The rest go directly, so the analysis below reads the small keyspace it expects.
    for (const node of cluster.nodes) {
      const r = new Redis({ port: node.port, host: '127.0.0.1' });
      try {
        const p = r.pipeline();
        for (const k of await r.keys('slow:*')) p.unlink(k);
        await p.exec();
      } finally {
        r.disconnect();
      }
    }
    expect(await dbsizeSum()).toBe(others);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  test('a million listed keys stay smooth: one screenful of rows in the DOM, the end reachable, tree counts right', async () => {
    const { page, errors, context } = await browser.open('about:blank');
    const N = 1_000_000;
    const STEP = 50_000;
    // Synthetic scan steps (the server is real for everything else): 20 steps of 50,000 keys, complete on the last.
    await context.route('**/api/keys/scan**', async (route) => {
      const url = new URL(route.request().url());
      const from = Number(url.searchParams.get('cursor') ?? '0');
      const keys = [];
      for (let i = from; i < Math.min(N, from + STEP); i++) {
        const text = `t:${i % 1000}:k${i}`;
        keys.push({ key: { text, hex: Buffer.from(text).toString('hex'), bytes: text.length, binary: false, truncated: false }, node: '127.0.0.1:1' });
      }
      const next = from + STEP;
      const complete = next >= N;
      await route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({ keys, cursor: complete ? null : String(next), complete, scanned: { calls: next / 1000, keys: Math.min(N, next), nodes: [{ node: '127.0.0.1:1', done: complete, dbsize: N }] }, totalKeys: N }),
      });
    });
    await page.goto(`${base}/keys?view=flat`);
    await waitFor('a million listed', async () => (await attr(page, '[data-testid=keys-progress]', 'data-complete')) === 'true', 60_000);
    expect(Number(await attr(page, '[data-testid=keys-progress]', 'data-listed'))).toBe(N);
    const list = page.locator('[data-testid=keys-list]');
    expect(Number(await list.getAttribute('data-count'))).toBe(N);
    expect(await page.locator('[data-testid=key-row]').count()).toBeLessThan(80);
    // Jump to the end, then the middle: each paints in well under a second with the right rows.
    const jump = async (frac: number) => {
      const t = performance.now();
      await list.evaluate((el, f) => (el.scrollTop = (el.scrollHeight - el.clientHeight) * f), frac);
      await page.waitForFunction((f) => {
        const rows = [...document.querySelectorAll('[data-testid=keys-list] .vrow')].map((r) => Number(r.getAttribute('data-index')));
        return rows.length > 0 && Math.abs(Math.min(...rows) - 1_000_000 * f) < 1000;
      }, frac);
      return performance.now() - t;
    };
    expect(await jump(1)).toBeLessThan(2000);
    await page.locator('[data-testid=keys-list] .vrow[data-index="999999"]').waitFor();
    expect(await page.locator('[data-testid=keys-list] .vrow[data-index="999999"]').textContent()).toContain('t:999:k999999');
    expect(await jump(0.5)).toBeLessThan(2000);
    expect(await page.locator('[data-testid=key-row]').count()).toBeLessThan(80);
    // The tree: one folder of a million, a thousand sub-folders.
    await page.click('[data-testid=keys-view] button[data-view=tree]');
    const top = page.locator('[data-testid=key-folder][data-path="t:"]');
    expect(await top.textContent()).toContain('1.00M');
    await top.click();
    await waitFor('1001 rows', async () => (await list.getAttribute('data-count')) === '1001');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  test('memory analysis: a run from the page, estimates by type, prefix and TTL, biggest keys, two runs compared', async () => {
    const { page, errors } = await browser.open(`${base}/keys?tab=analysis`);
    await page.fill('[data-testid=ka-sample]', '100000');
    await page.click('[data-testid=ka-start-btn]');
    const run = page.locator('[data-testid=ka-run][data-state=done]');
    await run.waitFor({ timeout: 60_000 });
    const firstId = await run.getAttribute('data-id');
    expect(new URL(page.url()).searchParams.get('run')).toBe(firstId);
    // Every key was sampled: exact, and the big hash leads the biggest keys.
    expect(await page.locator('[data-testid=ka-by-type] [data-testid=ka-row][data-id=hash]').count()).toBe(1);
    expect(await page.locator('[data-testid=ka-by-prefix] [data-testid=ka-row][data-id="user:"]').count()).toBe(1);
    expect(await page.locator('[data-testid=ka-by-ttl] [data-testid=ka-row]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=ka-big-row]').first().textContent()).toContain('bighash');
    expect(await page.textContent('[data-testid=ka-confidence]')).toMatch(/exact/i);

    // More keys, a second run, compared with the first.
    await Promise.all(Array.from({ length: 200 }, (_, i) => client.set(`user:new:${i}`, 'y'.repeat(200))));
    await page.click('[data-testid=ka-start-btn]');
    await waitFor('a second run done', async () => {
      const id = await page.getAttribute('[data-testid=ka-run]', 'data-id');
      return id !== firstId && (await page.getAttribute('[data-testid=ka-run]', 'data-state')) === 'done';
    }, 60_000);
    await page.selectOption('[data-testid=ka-cmp]', firstId!);
    await page.waitForURL(/cmp=/);
    const delta = page.locator('[data-testid=ka-by-prefix] [data-testid=ka-row][data-id="user:"] [data-testid=ka-delta]');
    await delta.waitFor();
    expect(await delta.textContent()).toMatch(/^\+/);
    await screenshot(page, 'analysis');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 150_000);

  test('under --read-only every write control is disabled with the reason; reading still works', async () => {
    const roBase = ro.base;
    const { page, errors } = await browser.open(`${roBase}/keys?key=${hex('cart:1')}`);
    await page.locator('[data-testid=keys][data-read-only=true]').waitFor();
    await page.locator('[data-testid=kd-value][data-kind=hash]').waitFor();
    for (const id of ['keys-add', 'keys-bulk', 'kd-rename', 'kd-ttl', 'kd-delete', 'kd-add-elem']) {
      const el = page.locator(`[data-testid=${id}]`);
      expect(await el.isDisabled()).toBe(true);
      expect(await el.getAttribute('title')).toContain('--read-only');
    }
    await page.locator('[data-testid=kd-row]').first().click();
    expect(await page.isDisabled('[data-testid=kd-elem-edit]')).toBe(true);
    expect(await page.isDisabled('[data-testid=kd-elem-delete]')).toBe(true);
    // The server refuses too, whatever a page sends.
    const res = await ro.api('/api/keys/key?key=' + hex('cart:1'), { method: 'DELETE' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('read_only');
    expect(await client.exists('cart:1')).toBe(1);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);
});
