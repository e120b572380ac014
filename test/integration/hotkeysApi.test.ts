// Hot-key runs end to end through the HTTP API on a real Redis 7.0 standalone (MONITOR sampling): start, refuse a
// second run and bad parameters, the stored result with key details and shares, a binary key, history, cancel.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Redis from 'ioredis';
import { startStandalone, type ServerHandle } from '../servers/servers.ts';
import { startTestSkyscope, waitFor, type TestSkyscope } from './harness.ts';

const binaryKey = Buffer.from([0x00, 0xff, 0x41]);
let server: ServerHandle;
let sky: TestSkyscope;
let load: Redis;
let running = true;
let loop: Promise<void>;

beforeAll(async () => {
  server = await startStandalone('redis7');
  load = new Redis({ port: server.port, host: '127.0.0.1' });
  await load.set('hot', 'x'.repeat(100));
  await load.set(binaryKey, 'b');
  await load.set('warm', 'w', 'PX', 600_000);
  // hot : warm : binary = 20 : 4 : 1 per round, until the tests end.
  loop = (async () => {
    while (running) {
      const p = load.pipeline();
      for (let i = 0; i < 20; i++) p.get('hot');
      for (let i = 0; i < 4; i++) p.get('warm');
      p.get(binaryKey);
      await p.exec();
    }
  })();
  sky = await startTestSkyscope([server.url]);
  await waitFor('node up', async () => ((await sky.api('/api/nodes')).body as any).nodes?.[0]?.state === 'up');
});

afterAll(async () => {
  running = false;
  await loop;
  load?.disconnect();
  await sky?.dispose();
  await server?.stop();
});

const post = (body: unknown) => sky.api('/api/hotkeys/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('hot keys API', () => {
  test('status names the method and its cost; bad parameters are JSON 400s', async () => {
    const s = await sky.api('/api/hotkeys/status');
    expect(s.status).toBe(200);
    expect(s.body.auto).toBe('monitor');
    expect(s.body.cost).toContain('MONITOR');
    for (const bad of [{ durationS: 0 }, { durationS: 'soon' }, { method: 'telepathy' }, { top: -3 }]) {
      const r = await post(bad);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('bad_parameter');
    }
    const notJson = await sky.api('/api/hotkeys/runs', { method: 'POST', body: '[1,2' });
    expect(notJson.status).toBe(400);
    expect((await sky.api('/api/hotkeys/runs/abc')).status).toBe(400);
    expect((await sky.api('/api/hotkeys/runs/999')).status).toBe(404);
    expect((await sky.api('/api/hotkeys/history?key=zz')).status).toBe(400);
  });

  test('a run finds hot, warm and the binary key in that order, with type, TTL, memory and shares; one run at a time', async () => {
    const started = await post({ durationS: 3, top: 10 });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ state: 'running', method: 'monitor' });
    const again = await post({ durationS: 3 });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('busy');
    const done = await waitFor('run done', async () => {
      const s = (await sky.api('/api/hotkeys/status')).body.run;
      return s?.state === 'done' ? s : undefined;
    }, 15_000);
    const run = await sky.api(`/api/hotkeys/runs/${done.id}`);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ method: 'monitor', status: 'ok', trigger: 'manual' });
    const rows = run.body.rows as any[];
    expect(rows.slice(0, 3).map((r) => r.key.text)).toEqual(['hot', 'warm', '\\x00\\xffA']);
    const [hot, warm, bin] = rows;
    expect(hot).toMatchObject({ metric: 'ops', rank: 1, type: 'string', slot: null, node: `127.0.0.1:${server.port}` });
    expect(hot.memoryBytes).toBeGreaterThan(100);
    expect(hot.share).toBeGreaterThan(0.7);
    expect(hot.share).toBeLessThan(0.9);
    expect(hot.value / warm.value).toBeGreaterThan(4);
    expect(hot.value / warm.value).toBeLessThan(6);
    expect(warm.ttlMs).toBeGreaterThan(500_000);
    expect(hot.ttlMs).toBeNull();
    expect(bin.key).toMatchObject({ hex: '00ff41', binary: true, bytes: 3 });
    expect(run.body.detail.nodes[`127.0.0.1:${server.port}`].keysRead).toBeGreaterThanOrEqual(3);
    const list = await sky.api('/api/hotkeys/runs');
    expect(list.body.runs.map((r: any) => r.id)).toContain(done.id);
    const history = await sky.api(`/api/hotkeys/history?key=${bin.key.hex}`);
    expect(history.body.points.map((p: any) => [p.runId, p.rank])).toEqual([[done.id, 3]]);
  });

  test('cancel stops a long run at once and keeps what it found, as cancelled', async () => {
    expect((await post({ durationS: 120 })).status).toBe(202);
    await Bun.sleep(1500);
    const t0 = performance.now();
    const cancelled = await sky.api('/api/hotkeys/runs/current', { method: 'DELETE' });
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(cancelled.body.state).toBe('cancelled');
    const run = await sky.api(`/api/hotkeys/runs/${cancelled.body.id}`);
    expect(run.body.status).toBe('cancelled');
    expect(run.body.rows[0].key.text).toBe('hot');
    const clients = String(await load.call('CLIENT', 'LIST'));
    expect(clients).not.toMatch(/cmd=monitor/);
  });
  test('the schedule: set through the API, shown in status, bad settings are JSON 400s, null turns it off', async () => {
    const put = (body: unknown) => sky.api('/api/hotkeys/schedule', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await sky.api('/api/hotkeys/schedule')).body).toMatchObject({ everyMs: null, next: null });
    for (const bad of [{ everyS: 10 }, { everyS: 'hourly' }, { everyS: 60, durationS: 120 }, { everyS: 3600, method: 'guess' }]) {
      const r = await put(bad);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('bad_parameter');
    }
    const before = Date.now();
    const set = await put({ everyS: 3600, method: 'monitor', durationS: 20, top: 5 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ everyMs: 3_600_000, method: 'monitor', durationS: 20, top: 5, last: null });
    expect(set.body.next).toBeGreaterThanOrEqual(before + 3_600_000);
    expect((await sky.api('/api/hotkeys/status')).body.schedule).toMatchObject({ everyMs: 3_600_000, method: 'monitor' });
    expect((await put({ everyS: null })).body).toMatchObject({ everyMs: null, next: null });
  });
});


describe('hot keys API on Redis 8.6 (server-side HOTKEYS)', () => {
  let redis8: ServerHandle;
  let sky8: TestSkyscope;
  let c: Redis;
  beforeAll(async () => {
    redis8 = await startStandalone('redis8');
    c = new Redis({ port: redis8.port, host: '127.0.0.1' });
    await c.rpush('list', ...Array.from({ length: 2000 }, (_, i) => `item${i}`));
    await c.set('big', 'v'.repeat(20_000));
    sky8 = await startTestSkyscope([redis8.url]);
    await waitFor('node up with capabilities', async () => ((await sky8.api('/api/hotkeys/status')).body as any).auto === 'redis_hotkeys');
  });
  afterAll(async () => {
    c?.disconnect();
    await sky8?.dispose();
    await redis8?.stop();
  });

  test('auto picks HOTKEYS; the CPU-hot and the network-hot keys come first, with the session reset after', async () => {
    const started = await sky8.api('/api/hotkeys/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ durationS: 2, top: 10 }) });
    expect(started.status).toBe(202);
    expect(started.body.method).toBe('redis_hotkeys');
    // While it runs: LPOS scans a 2000-item list (CPU), GET big sends 20 KB each time (network).
    for (let i = 0; i < 20; i++) {
      const p = c.pipeline();
      for (let j = 0; j < 50; j++) p.lpos('list', 'item1999');
      for (let j = 0; j < 5; j++) p.get('big');
      await p.exec();
    }
    const done = await waitFor('run done', async () => {
      const s = (await sky8.api('/api/hotkeys/status')).body.run;
      return s?.state === 'done' ? s : undefined;
    }, 15_000);
    const run = await sky8.api(`/api/hotkeys/runs/${done.id}`);
    expect(run.body).toMatchObject({ method: 'redis_hotkeys', status: 'ok' });
    const first = (metric: string) => (run.body.rows as any[]).find((r) => r.metric === metric && r.rank === 1);
    expect(first('cpu')).toMatchObject({ key: { text: 'list' }, type: 'list', error: null });
    expect(first('net')).toMatchObject({ key: { text: 'big' }, type: 'string' });
    // Up to 100 GETs of a 20,000-byte value land inside the 2 s session (the load may outlast it): each counts 20 KB out.
    expect(first('net').value).toBeGreaterThan(20 * 20_000);
    expect(first('net').value).toBeLessThan(101 * 20_100);
    expect(first('net').share).toBeGreaterThan(0.5);
    expect(await c.call('HOTKEYS', 'GET')).toBeNull();
  });
});
