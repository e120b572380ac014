// The CLI page in real Chromium against a real Valkey 9.1 cluster (3 primaries): completion with Tab and argument hints,
// replies printed like redis-cli 7+ in RESP3 mode (maps, sets, doubles, simple strings, verbatim text, nested arrays,
// errors, nil, binary), history with the arrows (kept across reloads), pinning a node, a 428 confirmation, refused
// commands, and --read-only refusing writes.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Cluster } from 'ioredis';
import type { Page } from 'playwright-core';
import { launchBrowser, screenshot, type TestBrowser } from './browser.ts';
import { startCluster, type ClusterHandle } from '../servers/servers.ts';
import { startTestSkyscope, waitFor, waitForNodesUp, type TestSkyscope } from '../integration/harness.ts';

const binaryKey = Buffer.from([0x00, 0xff, 0x41]);

/** Runs a line and returns the new entry's text and error code once its answer is in. */
async function run(page: Page, line: string): Promise<{ text: string; code: string; reply: string }> {
  const before = await page.locator('[data-testid=cli-entry]').count();
  await page.fill('[data-testid=cli-input]', line);
  await page.press('[data-testid=cli-input]', 'Enter');
  const entry = page.locator('[data-testid=cli-entry]').nth(before);
  await entry.waitFor({ timeout: 15_000 });
  const reply = await entry.locator('pre').innerText();
  return { text: (await entry.textContent()) ?? '', code: (await entry.getAttribute('data-code')) ?? '', reply };
}

describe('CLI page (Valkey 9.1 cluster)', () => {
  let cluster: ClusterHandle;
  let client: Cluster;
  let sky: TestSkyscope;
  let ro: TestSkyscope;
  let browser: TestBrowser;
  let base: string;

  beforeAll(async () => {
    cluster = await startCluster('valkey9', { primaries: 3, replicasPerPrimary: 0 });
    client = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }], { redisOptions: { maxRetriesPerRequest: 1 } });
    await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => client.set(`user:${i}`, `name-${i}`)),
      client.set(binaryKey, Buffer.from([1, 2, 0xfe])),
      client.rpush('cli:list', 'a', 'b', 'c'),
    ]);
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

  test('completion, hints, replies like redis-cli, history', async () => {
    const { page, errors } = await browser.open(`${base}/`);
    await page.locator('header.top nav').waitFor();
    await page.keyboard.press('g');
    await page.keyboard.press('i');
    await page.waitForURL(/\/cli$/);
    const input = page.locator('[data-testid=cli-input]');
    await waitFor('commands known', async () => /\d+ commands known/.test((await page.textContent('[data-testid=cli-hint]')) ?? ''));

    // A prefix lists matching commands; Tab completes the first, and the hint shows its arguments.
    await input.focus();
    await page.keyboard.type('hse');
    const names = await page.locator('[data-testid=cli-suggestion]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
    expect(names[0]).toBe('HSET');
    expect(names).toContain('HSETNX');
    await page.keyboard.press('ArrowDown');
    expect(await page.getAttribute('[data-testid=cli-suggestion][aria-selected=true]', 'data-name')).toBe(names[1]!);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Tab');
    expect(await input.inputValue()).toBe('HSET ');
    expect(await page.textContent('[data-testid=cli-hint]')).toContain('key field value [field value ...]');
    // Subcommands after a container's name.
    await input.fill('config g');
    await page.keyboard.press('Tab');
    expect(await input.inputValue()).toBe('CONFIG GET ');
    // Inside the arguments, the server's tokens for that command: SCAN's MATCH.
    await input.fill('scan 0 ma');
    await page.keyboard.press('Tab');
    expect(await input.inputValue()).toBe('scan 0 MATCH ');

    // Replies.
    let r = await run(page, 'HSET cli:h a 1 b 2');
    expect(r.reply).toBe('(integer) 2');
    // RESP3 types as redis-cli 7+ prints them: a map, a set, a simple string, a double, verbatim text.
    r = await run(page, 'HGETALL cli:h');
    expect(r.reply).toBe(['1# "a" => "1"', '2# "b" => "2"'].join('\n'));
    r = await run(page, 'SET cli:s hello');
    expect(r.reply).toBe('OK');
    expect(await page.locator('[data-testid=cli-entry]').last().locator('.r-simple').count()).toBe(1);
    await run(page, 'SADD cli:set m1');
    r = await run(page, 'SMEMBERS cli:set');
    expect(r.reply).toBe('1~ "m1"');
    r = await run(page, 'INFO keyspace');
    expect(r.reply.split('\n')[0]).toBe('# Keyspace');
    expect(r.reply).not.toContain('"');
    r = await run(page, 'LRANGE cli:list 0 -1');
    expect(r.reply).toBe(['1) "a"', '2) "b"', '3) "c"'].join('\n'));
    r = await run(page, 'SCAN 0 MATCH user:1* COUNT 1000');
    const scanLines = r.reply.split('\n');
    expect(scanLines[0]).toMatch(/^1\) "\d+"$/);
    expect(scanLines[1]).toMatch(/^2\) {1,2}1\) "user:1\d*"$/);
    r = await run(page, 'GET "\\x00\\xffA"');
    expect(r.reply).toBe('"\\x01\\x02\\xfe"');
    r = await run(page, 'GET nothing:here');
    expect(r.reply).toBe('(nil)');
    r = await run(page, 'INCR cli:list');
    expect(r.reply).toMatch(/^\(error\) WRONGTYPE/);
    expect(await page.locator('[data-testid=cli-entry]').last().locator('.r-error').count()).toBe(1);
    await run(page, 'ZADD cli:z 1.5 m');
    r = await run(page, 'ZSCORE cli:z m');
    expect(r.reply).toBe('(double) 1.5');
    r = await run(page, 'ZRANGE cli:z 0 -1 WITHSCORES');
    expect(r.reply).toBe(['1) 1) "m"', '   2) (double) 1.5'].join('\n'));

    // History: ↑ brings back the last lines, ↓ goes forward to the draft.
    await input.fill('dra');
    await page.keyboard.press('ArrowUp');
    expect(await input.inputValue()).toBe('ZRANGE cli:z 0 -1 WITHSCORES');
    await page.keyboard.press('ArrowUp');
    expect(await input.inputValue()).toBe('ZSCORE cli:z m');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await input.inputValue()).toBe('dra');
    await input.fill('INFO keyspace');
    await screenshot(page, 'cli');

    // Stored: a new page has the history from the server.
    const { page: later } = await browser.open(`${base}/cli`);
    await waitFor('history loaded', async () => {
      await later.locator('[data-testid=cli-input]').focus();
      await later.keyboard.press('ArrowUp');
      return (await later.inputValue('[data-testid=cli-input]')) === 'ZRANGE cli:z 0 -1 WITHSCORES';
    });
    await later.context().close();
    expect(errors).toEqual([]);
    await page.context().close();
  }, 90_000);

  test('pinning a node, a 428 confirmation typed by the user, refused commands', async () => {
    const nodes = ((await sky.api('/api/nodes')).body.nodes as any[]).map((n) => n.address as string).sort();
    const { page, errors } = await browser.open(`${base}/cli`);
    await page.selectOption('[data-testid=cli-node]', nodes[1]!);
    await page.waitForURL(/node=/);
    let r = await run(page, 'DBSIZE');
    expect(r.text).toContain(`${nodes[1]}>`);
    expect(r.reply).toMatch(/^\(integer\) \d+$/);
    await page.selectOption('[data-testid=cli-node]', '');

    // KEYS is keyspace-wide: the server asks for a typed confirmation first.
    await page.fill('[data-testid=cli-input]', 'KEYS user:2*');
    await page.press('[data-testid=cli-input]', 'Enter');
    const dialog = page.locator('[data-testid=cli-confirm]');
    await dialog.waitFor();
    const confirm = (await page.textContent('[data-testid=cli-confirm-text]'))!;
    expect(confirm.length).toBeGreaterThan(0);
    await page.fill('[data-testid=cli-confirm-input]', 'nope');
    expect(await page.isDisabled('[data-testid=cli-confirm-yes]')).toBe(true);
    await screenshot(page, 'cli-confirm');
    await page.fill('[data-testid=cli-confirm-input]', confirm);
    await page.click('[data-testid=cli-confirm-yes]');
    const entry = page.locator('[data-testid=cli-entry]').last();
    await waitFor('the KEYS reply', async () => ((await entry.textContent()) ?? '').includes('"user:2'));
    // Cancelled: nothing runs.
    await page.fill('[data-testid=cli-input]', 'KEYS user:1*');
    await page.press('[data-testid=cli-input]', 'Enter');
    await dialog.waitFor();
    await page.click('[data-testid=cli-confirm-cancel]');
    await page.locator('[data-testid=cli-entry][data-code=cancelled]').waitFor();

    // Commands that would hold the connection are refused with the reason.
    r = await run(page, 'MONITOR');
    expect(r.code).toBe('refused');
    expect(r.reply).toMatch(/^\(refused\) /);
    r = await run(page, 'SUBSCRIBE news');
    expect(r.code).toBe('refused');
    // A blocking command with no timeout waits 5 s at most, and says so.
    r = await run(page, 'BLPOP cli:empty 0');
    expect(r.reply).toBe('(nil)');
    expect(await page.locator('[data-testid=cli-entry]').last().locator('[data-testid=cli-capped]').textContent()).toContain('5 s');
    // A line that does not parse never leaves the page.
    r = await run(page, 'GET "open');
    expect(r.code).toBe('parse');
    // The 428 and 400 answers are the page's expected failed requests.
    expect(errors.filter((e) => !/status of (428|400)/.test(e))).toEqual([]);
    await page.context().close();
  }, 60_000);

  test('under --read-only writes are refused with the reason; reads run', async () => {
    const { page, errors } = await browser.open(`${ro.base}/cli`);
    await page.locator('[data-testid=cli-read-only]').waitFor();
    let r = await run(page, 'SET user:1 changed');
    expect(r.code).toBe('read_only');
    expect(r.reply).toContain('(refused: read-only)');
    expect(await client.get('user:1')).toBe('name-1');
    r = await run(page, 'GET user:1');
    expect(r.reply).toBe('"name-1"');
    // The hint says so before running.
    await page.fill('[data-testid=cli-input]', 'DEL ');
    await page.locator('[data-testid=cli-hint-why]').waitFor();
    expect(errors.filter((e) => !/status of 403/.test(e))).toEqual([]);
    await page.context().close();
  }, 60_000);
});
