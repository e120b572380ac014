// The HTTP API against a real server and DuckDB file: parameter errors, SQL refusals, Host/Origin/token checks, live stream.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Redis from 'ioredis';
import { startStandalone, type ServerHandle } from '../servers/servers.ts';
import { rawRequest, startTestSkyscope, waitFor, type TestSkyscope } from './harness.ts';


describe('API', () => {
  let server: ServerHandle;
  let sky: TestSkyscope;
  let node: string;
  beforeAll(async () => {
    server = await startStandalone('valkey9');
    node = `127.0.0.1:${server.port}`;
    sky = await startTestSkyscope([server.url]);
    await waitFor('samples', async () => (await sky.store.sql(`SELECT count(*) FROM v_samples WHERE metric = 'valkey_commands_processed_total'`)).rows[0]![0] as number > 2);
  });
  afterAll(async () => {
    await sky?.dispose();
    await server?.stop();
  });

  test.each([
    ['/api/series', 'metric'],
    ['/api/series?metric=no_such_metric', 'metric'],
    ['/api/series?metric=valkey_db_keys{db=0}', 'metric'],
    ['/api/series?metric=valkey_uptime_seconds&from=yesterday', 'from'],
    ['/api/series?metric=valkey_uptime_seconds&to=2026-13-45T99:00:00Z', 'to'],
    ['/api/series?metric=valkey_uptime_seconds&from=now-1h&to=now-2h', 'from'],
    ['/api/series?metric=valkey_uptime_seconds&from=now-7d&step=1s', 'step'],
    ['/api/series?metric=valkey_uptime_seconds&from=now-12h&step=1s&maxPoints=2000001', 'maxPoints'],
    ['/api/series?metric=valkey_uptime_seconds&from=now-12h&step=1s&maxPoints=50000&node=a:1,b:2', 'step'],
    ['/api/series?metric=valkey_uptime_seconds&format=csv', 'format'],
    ['/api/series?metric=valkey_uptime_seconds&step=fast', 'step'],
    ['/api/series?metric=valkey_uptime_seconds&agg=median', 'agg'],
    ['/api/series?metric=valkey_uptime_seconds&combine=p99', 'combine'],
    ['/api/series?metric=valkey_uptime_seconds&node=,', 'node'],
    ['/api/events?limit=0', 'limit'],
    ['/api/events?from=tomorrow', 'from'],
    ['/api/live?metric=bogus', 'metric'],
    ['/api/latest?metric=valkey_db_keys,bogus', 'metric'],
    ['/api/sparklines', 'metric'],
    ['/api/sparklines?metric=valkey_uptime_seconds&points=0', 'points'],
    ['/api/sparklines?metric=valkey_uptime_seconds&from=now&to=now-1h', 'from'],
  ])('GET %s is a JSON 400 naming %s', async (path, param) => {
    const { status, body } = await sky.api(path);
    expect(status).toBe(400);
    expect(body.error.code).toBe('bad_parameter');
    expect(body.error.message.startsWith(`${param}:`)).toBe(true);
  });

  test('unknown API routes are JSON 404s', async () => {
    const { status, body } = await sky.api('/api/nope');
    expect(status).toBe(404);
    expect(body.error.code).toBe('not_found');
  });

  test('series: node list, label selector, combine', async () => {
    const q = `/api/series?metric=${encodeURIComponent('valkey_command_calls_total{cmd="info"}')}&node=${node}&from=now-30s&step=2s&agg=avg`;
    const { status, body } = await sky.api(q);
    expect(status).toBe(200);
    expect(body).toMatchObject({ metric: 'valkey_command_calls_total', kind: 'counter', unit: 'calls', step: 2, source: 'raw' });
    expect(body.series).toEqual([{ node, labels: { cmd: 'info' } }]);
    // Skyscope itself sends INFO 5 times a second (200 ms polls) plus once a second for topology: about 6 calls/s
    const rates = (body.data[1] as (number | null)[]).filter((v): v is number => v !== null);
    expect(rates.length).toBeGreaterThan(0);
    const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
    expect(mean).toBeGreaterThan(4);
    expect(mean).toBeLessThan(8);
    const combined = await sky.api(`/api/series?metric=valkey_command_calls_total&node=all&from=now-30s&step=5s&combine=sum`);
    expect(combined.status).toBe(200);
    expect(combined.body.series).toEqual([{ node: '*', labels: {} }]);
    expect(combined.body.data).toHaveLength(2);
  });

  test('series: maxPoints lets a caller ask for more than 20 000 buckets; format=f64 is the same data in binary', async () => {
    const q = `/api/series?metric=valkey_connected_clients&node=${node}&from=now-12h&to=now&step=1s`;
    expect((await sky.api(q)).status).toBe(400);
    // The comparison below leaves out the newest 3 s: wait until there is older data to compare.
    await waitFor('samples older than 4 s', async () => (await sky.store.sql(`SELECT count(*) FROM v_samples WHERE metric = 'valkey_connected_clients' AND ts < now() - INTERVAL 4 SECOND`)).rows[0]![0] as number > 0, 10_000);
    const json = await sky.api(`${q}&maxPoints=2000000`);
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ step: 1, source: 'raw', series: [{ node, labels: {} }] });
    expect(json.body.data[0].length).toBeGreaterThan(43_000);
    // f64: uint32 header length, JSON header, padding to 8 bytes, then float64 columns (x first), NaN for null.
    const res = await fetch(`${sky.base}${q}&maxPoints=2000000&format=f64`);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const buf = await res.arrayBuffer();
    const headerLength = new DataView(buf).getUint32(0, true);
    const head = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, headerLength)));
    expect(head).toMatchObject({ metric: 'valkey_connected_clients', step: 1, source: 'raw', series: [{ node, labels: {} }], columns: 2 });
    const offset = Math.ceil((4 + headerLength) / 8) * 8;
    expect(buf.byteLength).toBe(offset + head.columns * head.rows * 8);
    const x = new Float64Array(buf, offset, head.rows);
    const y = new Float64Array(buf, offset + head.rows * 8, head.rows);
    // The two requests ran a moment apart, and samples reach the file in batches of up to a second:
    // compare the buckets both have, leaving out the newest 3 s, which may still have been filling.
    const first = json.body.data[0].indexOf(x[0]);
    expect(first).toBeGreaterThanOrEqual(0);
    let compared = 0;
    const both = Math.min(json.body.data[0].length - first, head.rows) - 3;
    for (let i = 0; i < both; i++) {
      expect(x[i]).toBe(json.body.data[0][i + first]);
      const v = json.body.data[1][i + first];
      if (v === null) expect(Number.isNaN(y[i])).toBe(true);
      else if (!Number.isNaN(y[i])) {
        expect(y[i]).toBe(v);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(0);
  }, 20_000);

  test('series: agg=minmax gives two x per bucket and a min and a max per series; it counts double against the limits', async () => {
    const q = `/api/series?metric=valkey_connected_clients&node=${node}&from=now-30s&step=5s`;
    const mm = await sky.api(`${q}&agg=minmax`);
    expect(mm.status).toBe(200);
    expect(mm.body).toMatchObject({ metric: 'valkey_connected_clients', step: 5, source: 'raw', series: [{ node, labels: {} }] });
    const xs = mm.body.data[0] as number[];
    expect(xs.length % 2).toBe(0);
    // Bucket starts are on 5 s boundaries; the second point of each bucket is 2.5 s later.
    for (let i = 0; i < xs.length; i += 2) {
      expect(xs[i]! % 5).toBe(0);
      expect(xs[i + 1]).toBe(xs[i]! + 2.5);
    }
    expect(mm.body.data).toHaveLength(2);
    const ys = mm.body.data[1] as (number | null)[];
    expect(ys).toHaveLength(xs.length);
    const filled = ys.filter((v): v is number => v !== null);
    expect(filled.length).toBeGreaterThanOrEqual(2);
    // A bucket is either empty (null, null) or has both its min and max; Skyscope is connected, so at least 1 client.
    for (let i = 0; i < ys.length; i += 2) expect(ys[i] === null).toBe(ys[i + 1] === null);
    expect(Math.min(...filled)).toBeGreaterThanOrEqual(1);
    // f64 carries the same doubled columns.
    const res = await fetch(`${sky.base}${q}&agg=minmax&format=f64`);
    const buf = await res.arrayBuffer();
    const headerLength = new DataView(buf).getUint32(0, true);
    const head = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, headerLength)));
    expect(head).toMatchObject({ step: 5, columns: 2 });
    expect(head.rows % 2).toBe(0);
    const offset = Math.ceil((4 + headerLength) / 8) * 8;
    const fx = new Float64Array(buf, offset, head.rows);
    expect(fx[1]! - fx[0]!).toBe(2.5);
    // 3 h at 1 s is 10 800 buckets: fine as one value each, 21 600 points as min/max (the limit is 20 000).
    const long = `/api/series?metric=valkey_connected_clients&node=${node}&from=now-3h&step=1s`;
    expect((await sky.api(long)).status).toBe(200);
    const refused = await sky.api(`${long}&agg=minmax`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toStartWith('step:');
    expect((await sky.api(`${long}&agg=minmax&maxPoints=30000`)).status).toBe(200);
  });

  test('latest: the newest sample per series, counters as rates, filtered by metric and node', async () => {
    const { status, body } = await sky.api(`/api/latest?metric=valkey_commands_processed_total,valkey_db_keys&node=${node}`);
    expect(status).toBe(200);
    for (const v of body.values) expect(['valkey_commands_processed_total', 'valkey_db_keys']).toContain(v.metric);
    const ops = body.values.find((v: any) => v.metric === 'valkey_commands_processed_total');
    expect(ops.node).toBe(node);
    // A rate, not the cumulative count: Skyscope's own polling is a few commands per second.
    expect(ops.value).toBeGreaterThan(0);
    expect(ops.value).toBeLessThan(1000);
    expect(Math.abs(ops.ts - Date.now() / 1000)).toBeLessThan(5);
    const all = await sky.api('/api/latest');
    expect(all.body.values.length).toBeGreaterThan(50);
    const other = await sky.api('/api/latest?node=127.0.0.1:1');
    expect(other.body.values).toEqual([]);
  });

  test('sparklines: one folded column per metric on a shared time axis', async () => {
    const { status, body } = await sky.api('/api/sparklines?metric=valkey_commands_processed_total,valkey_memory_used_ratio,valkey_connected_clients&from=now-2m&points=24');
    expect(status).toBe(200);
    expect(body.step).toBe(5);
    expect(body.x.length).toBeGreaterThanOrEqual(24);
    for (const m of ['valkey_commands_processed_total', 'valkey_memory_used_ratio', 'valkey_connected_clients']) expect(body.series[m]).toHaveLength(body.x.length);
    const clients = body.series.valkey_connected_clients.filter((v: number | null) => v !== null);
    expect(clients.length).toBeGreaterThan(0);
    expect(clients.at(-1)).toBeGreaterThanOrEqual(1);
  });

  test('CONFIG SET maxmemory and its policy becomes one config_change event with before and after', async () => {
    const c = new Redis({ port: server.port, lazyConnect: true, maxRetriesPerRequest: 0, protocol: 2 } as any);
    await c.connect();
    try {
      await c.config('SET', 'maxmemory', '64mb');
      await c.config('SET', 'maxmemory-policy', 'allkeys-lru');
      const found = await waitFor('a config_change event', async () => {
        const { body } = await sky.api('/api/events?from=now-1m');
        const changes = body.events.filter((e: any) => e.kind === 'config_change').flatMap((e: any) => e.detail.changes);
        return changes.some((x: any) => x.field === 'maxmemory_policy') && changes;
      });
      expect(found).toContainEqual({ field: 'maxmemory', from: '0', to: String(64 * 1024 * 1024) });
      expect(found).toContainEqual({ field: 'maxmemory_policy', from: 'noeviction', to: 'allkeys-lru' });
      // The UI gets the kind as `type` and a sentence to show.
      const { body } = await sky.api('/api/events?from=now-1m');
      const policy = body.events.find((e: any) => e.kind === 'config_change' && e.detail.changes.some((x: any) => x.field === 'maxmemory_policy'));
      expect(policy.type).toBe('config_change');
      expect(policy.message).toContain('maxmemory_policy noeviction → allkeys-lru');
    } finally {
      await c.config('SET', 'maxmemory', '0').catch(() => {});
      c.disconnect();
    }
  });

  test('metric catalog names, units and kinds', async () => {
    const { body } = await sky.api('/api/metrics');
    const byName = new Map((body.metrics as any[]).map((m) => [m.name, m]));
    expect(byName.get('valkey_commands_processed_total')).toMatchObject({ kind: 'counter', unit: 'commands', key: true });
    expect(byName.get('valkey_memory_used_bytes')).toMatchObject({ kind: 'gauge', unit: 'bytes' });
    for (const m of body.metrics as any[]) {
      expect(m.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(m.kind === 'counter').toBe(m.name.endsWith('_total'));
      expect(m.description.length).toBeGreaterThan(10);
    }
  });

  test.each([
    ['DELETE FROM samples', 'not_read_only'],
    ['DROP TABLE samples', 'not_read_only'],
    ["COPY samples TO '/tmp/x.csv'", 'not_read_only'],
    ["SELECT * FROM read_csv('/etc/passwd')", 'not_read_only'],
    ['SELECT 1; SELECT 2', 'too_many_statements'],
    ['SELEC 1', 'syntax'],
  ])('POST /api/sql refuses %p with %s', async (sql, code) => {
    const { status, body } = await sky.api('/api/sql', { method: 'POST', body: JSON.stringify({ sql }) });
    expect(status).toBe(400);
    expect(body.error.code).toBe(code);
  });

  test('POST /api/sql: a malformed body is a 400; a SELECT returns columns and rows', async () => {
    const bad = await sky.api('/api/sql', { method: 'POST', body: 'SELECT 1' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^body:/);
    const ok = await sky.api('/api/sql', { method: 'POST', body: JSON.stringify({ sql: `SELECT node, count(*) AS n FROM v_samples GROUP BY node` }) });
    expect(ok.status).toBe(200);
    expect(ok.body.columns.map((c: any) => c.name)).toEqual(['node', 'n']);
    expect(ok.body.rows[0][0]).toBe(node);
    expect(ok.body.truncated).toBe(false);
  });

  test('a forged Host header (DNS rebinding) is refused', async () => {
    const forged = await rawRequest(sky.port, ['GET /api/health HTTP/1.1', 'Host: evil.example:8379']);
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('forbidden_host');
    const real = await rawRequest(sky.port, ['GET /api/health HTTP/1.1', `Host: localhost:${sky.port}`]);
    expect(real.status).toBe(200);
  });

  test('a POST or live stream from a foreign Origin (CSRF) is refused; same origin and no origin pass', async () => {
    const body = JSON.stringify({ sql: 'SELECT 1' });
    const host = `127.0.0.1:${sky.port}`;
    const foreign = await rawRequest(sky.port, ['POST /api/sql HTTP/1.1', `Host: ${host}`, 'Origin: https://evil.example', 'Content-Type: application/json'], body);
    expect(foreign.status).toBe(403);
    expect(foreign.text).toContain('forbidden_origin');
    const stream = await rawRequest(sky.port, ['GET /api/live HTTP/1.1', `Host: ${host}`, 'Origin: http://evil.example']);
    expect(stream.status).toBe(403);
    const same = await rawRequest(sky.port, ['POST /api/sql HTTP/1.1', `Host: ${host}`, `Origin: http://${host}`, 'Content-Type: application/json'], body);
    expect(same.status).toBe(200);
    const none = await rawRequest(sky.port, ['POST /api/sql HTTP/1.1', `Host: ${host}`, 'Content-Type: application/json'], body);
    expect(none.status).toBe(200);
  });

  test('the live stream delivers new samples as server-sent events', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${sky.url}api/live?metric=valkey_commands_processed_total,skyscope_node_up`, { signal: ctrl.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    const deadline = Date.now() + 5000;
    while (!text.includes('event: samples') && Date.now() < deadline) text += new TextDecoder().decode((await reader.read()).value);
    ctrl.abort();
    expect(text).toContain('event: hello');
    const samplesLine = text.split('\n').find((l, i, all) => all[i - 1] === 'event: samples' && l.startsWith('data: '))!;
    const samples = JSON.parse(samplesLine.slice(6)) as any[];
    expect(samples.length).toBeGreaterThan(0);
    for (const s of samples) {
      expect(['valkey_commands_processed_total', 'skyscope_node_up']).toContain(s.metric);
      expect(s.node).toBe(node);
      expect(Math.abs(s.ts - Date.now() / 1000)).toBeLessThan(5);
    }
  });
});

test('with a token, the API needs it; ?token= sets a cookie for the browser', async () => {
  const server = await startStandalone('valkey9');
  const sky = await startTestSkyscope([server.url], ['--token', 'tok-123']);
  try {
    expect((await sky.api('/api/health')).status).toBe(401);
    expect((await fetch(`${sky.url}metrics`)).status).toBe(401);
    expect((await sky.api('/api/health', { headers: { authorization: 'Bearer tok-123' } })).status).toBe(200);
    expect((await sky.api('/api/health', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const viaQuery = await fetch(`${sky.url}api/health?token=tok-123`);
    expect(viaQuery.status).toBe(200);
    const cookie = viaQuery.headers.get('set-cookie')!;
    expect(cookie).toContain('skyscope_token=tok-123');
    expect(cookie).toContain('HttpOnly');
    expect((await sky.api('/api/health', { headers: { cookie: cookie.split(';')[0]! } })).status).toBe(200);
  } finally {
    await sky.dispose();
    await server.stop();
  }
});
