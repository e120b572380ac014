// The integrated CLI against real servers: routing in a cluster, typed and binary replies, read-only refusals,
// confirmations, refused and bounded commands, history across a restart without secrets, audit rows, Host/Origin checks.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import Redis from 'ioredis';
import { startCluster, startStandalone, type ClusterHandle, type Flavor, type ServerHandle } from '../servers/servers.ts';
import { rawRequest, startTestSkyscope, waitFor, type TestSkyscope } from './harness.ts';


type Args = (string | { hex: string })[];
const cli = (sky: TestSkyscope, args: Args, extra: Record<string, unknown> = {}) =>
  sky.api('/api/cli', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ args, ...extra }) });
const bulk = (text: string) => ({ t: 'bulk', v: expect.objectContaining({ text }) });
const simple = (v: string) => ({ t: 'simple', v });
const dbl = (v: string) => ({ t: 'double', v });

describe('CLI on a 3-primary Valkey 9 cluster', () => {
  let cluster: ClusterHandle;
  let sky: TestSkyscope;
  let seed: Redis;
  /** The key's owner as the server itself says (CLUSTER KEYSLOT and CLUSTER SLOTS), not as Skyscope computes it. */
  const owner = async (key: string) => {
    const slot = (await seed.call('CLUSTER', 'KEYSLOT', key)) as number;
    const slots = (await seed.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
    const range = slots.find(([a, b]) => slot >= a && slot <= b)!;
    return `${range[2][0]}:${range[2][1]}`;
  };
  beforeAll(async () => {
    cluster = await startCluster('valkey9');
    sky = await startTestSkyscope([cluster.seedUrl]);
    await waitFor('3 shards with slots, 6 nodes up', async () => {
      const t = (await sky.api('/api/topology')).body;
      const up = (await sky.api('/api/nodes')).body.nodes.filter((n: { state: string }) => n.state === 'up').length;
      return t.shards.filter((s: { slotCount: number }) => s.slotCount > 0).length === 3 && up === 6;
    });
    seed = new Redis(cluster.nodes[0]!.port, '127.0.0.1');
  }, 60_000);
  afterAll(async () => {
    seed?.disconnect();
    await sky?.dispose();
    await cluster?.stop();
  });

  test('keyed commands go to the node owning the key; keys on three shards', async () => {
    const keys = ['a', 'b', 'c', 'user:1', 'user:2', 'x{t}'];
    const owners = new Set<string>();
    for (const key of keys) {
      const want = await owner(key);
      const set = await cli(sky, ['SET', key, `v-${key}`]);
      expect(set.status).toBe(200);
      expect(set.body.node).toBe(want);
      owners.add(set.body.node);
      const get = await cli(sky, ['GET', key]);
      expect(get.body.node).toBe(want);
      expect(get.body.reply).toEqual(bulk(`v-${key}`));
    }
    expect(owners.size).toBe(3);
  });

  test('keys in different slots are refused with cross_slot; a shared hash tag is fine', async () => {
    const bad = await cli(sky, ['MSET', 'a', '1', 'b', '2']);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('cross_slot');
    const ok = await cli(sky, ['MSET', '{u}a', '1', '{u}b', '2']);
    expect(ok.status).toBe(200);
    expect(ok.body.node).toBe(await owner('{u}a'));
  });

  test('node pins a command; keyless ones go to a primary', async () => {
    const nodes = (await sky.api('/api/nodes')).body.nodes as { address: string; role: string }[];
    const ownerOfA = await owner('a');
    const notOwner = nodes.find((n) => n.role === 'primary' && n.address !== ownerOfA)!.address;
    const pinned = await cli(sky, ['GET', 'a'], { node: notOwner });
    expect(pinned.status).toBe(200);
    expect(pinned.body.node).toBe(notOwner);
    expect(pinned.body.reply.t).toBe('error');
    expect(pinned.body.reply.v).toStartWith('MOVED');
    const replica = nodes.find((n) => n.role === 'replica')!.address;
    const role = await cli(sky, ['ROLE'], { node: replica });
    expect(role.body.node).toBe(replica);
    expect(['slave', 'replica']).toContain(role.body.reply.items[0].v.text ?? role.body.reply.items[0].v);
    const dbsize = await cli(sky, ['DBSIZE']);
    expect(nodes.find((n) => n.address === dbsize.body.node)?.role).toBe('primary');
    const unknown = await cli(sky, ['PING'], { node: '10.0.0.1:1' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toStartWith('node:');
  });

  test('typed replies: arrays, nested arrays, errors, nil, integers', async () => {
    await cli(sky, ['DEL', 'list']);
    expect((await cli(sky, ['RPUSH', 'list', 'x', 'y', 'z'])).body.reply).toEqual({ t: 'int', v: 3 });
    expect((await cli(sky, ['LRANGE', 'list', '0', '-1'])).body.reply).toEqual({ t: 'array', items: [bulk('x'), bulk('y'), bulk('z')] });
    expect((await cli(sky, ['GET', 'missing'])).body.reply).toEqual({ t: 'nil' });
    const wrong = await cli(sky, ['INCR', 'list']);
    expect(wrong.status).toBe(200);
    expect(wrong.body.reply.t).toBe('error');
    expect(wrong.body.reply.v).toStartWith('WRONGTYPE');
    await cli(sky, ['XADD', 'st', '1-1', 'f', 'v']);
    const xr = await cli(sky, ['XRANGE', 'st', '-', '+']);
    expect(xr.body.reply).toEqual({ t: 'array', items: [{ t: 'array', items: [bulk('1-1'), { t: 'array', items: [bulk('f'), bulk('v')] }] }] });
    const nosuch = await cli(sky, ['NOSUCHCOMMAND']);
    expect(nosuch.body.reply.t).toBe('error');
  });

  test('binary arguments and replies round-trip as hex', async () => {
    const key = { hex: '62ff00' };
    const set = await cli(sky, ['SET', key, { hex: '00ff10fe' }]);
    expect(set.status).toBe(200);
    const get = await cli(sky, ['GET', key]);
    expect(get.body.reply.t).toBe('bulk');
    expect(get.body.reply.v).toMatchObject({ hex: '00ff10fe', binary: true, bytes: 4, truncated: false });
    const direct = new Redis(Number(get.body.node.split(':')[1]), '127.0.0.1');
    try {
      expect(await direct.getBuffer(Buffer.from([0x62, 0xff, 0x00]))).toEqual(Buffer.from([0x00, 0xff, 0x10, 0xfe]));
    } finally {
      direct.disconnect();
    }
  });
});

for (const flavor of ['valkey9', 'valkey8', 'redis7', 'redis8'] as Flavor[]) {
  describe(`CLI policy on ${flavor}`, () => {
    let server: ServerHandle;
    let sky: TestSkyscope;
    let ro: TestSkyscope;
    let node: string;
    beforeAll(async () => {
      server = await startStandalone(flavor);
      node = `127.0.0.1:${server.port}`;
      [sky, ro] = await Promise.all([startTestSkyscope([server.url]), startTestSkyscope([server.url], ['--read-only'])]);
      for (const s of [sky, ro]) await waitFor('node up', async () => (await s.api('/api/nodes')).body.nodes.some((n: { state: string }) => n.state === 'up'));
    }, 60_000);
    afterAll(async () => {
      await sky?.dispose();
      await ro?.dispose();
      await server?.stop();
    });

    test('--read-only refuses writes and dangerous commands; reads and introspection run', async () => {
      for (const args of [['SET', 'k', 'v'], ['DEL', 'k'], ['FLUSHALL'], ['CONFIG', 'SET', 'maxmemory', '0'], ['CLIENT', 'KILL', 'ID', '999999'], ['EVAL', 'return 1', '0']]) {
        const r = await cli(ro, args);
        expect([args.join(' '), r.status, r.body.error?.code]).toEqual([args.join(' '), 403, 'read_only']);
      }
      for (const args of [['GET', 'k'], ['INFO', 'server'], ['CONFIG', 'GET', 'maxmemory'], ['CLIENT', 'LIST'], ['SLOWLOG', 'GET', '1'], ['DBSIZE']]) {
        const r = await cli(ro, args);
        expect([args.join(' '), r.status]).toEqual([args.join(' '), 200]);
      }
      const commands = (await ro.api('/api/cli/commands')).body;
      const set = commands.commands.find((c: { name: string }) => c.name === 'SET');
      expect(set).toMatchObject({ allowed: false, group: 'string' });
      expect(set.why).toContain('read-only');
      expect(commands.commands.find((c: { name: string }) => c.name === 'CONFIG GET')).toMatchObject({ allowed: true });
    });

    test('destructive and keyspace-wide commands need the typed confirmation', async () => {
      for (const [args, confirm] of [
        [['FLUSHDB'], `FLUSHDB ${node}`],
        [['KEYS', '*'], `KEYS ${node}`],
        [['CONFIG', 'SET', 'maxmemory-samples', '5'], `CONFIG SET ${node}`],
      ] as [string[], string][]) {
        const first = await cli(sky, args);
        expect([args.join(' '), first.status, first.body.error?.code, first.body.error?.confirm, first.body.error?.target]).toEqual([args.join(' '), 428, 'confirm_required', confirm, node]);
        const wrong = await cli(sky, args, { confirm: 'yes' });
        expect(wrong.status).toBe(428);
        const ok = await cli(sky, args, { confirm });
        expect([args.join(' '), ok.status]).toEqual([args.join(' '), 200]);
      }
    });

    test('connection-stealing commands are refused', async () => {
      for (const args of [['MONITOR'], ['SUBSCRIBE', 'ch'], ['PSUBSCRIBE', 'c*'], ['MULTI'], ['AUTH', 'pw'], ['HELLO', '3'], ['SELECT', '1']]) {
        const r = await cli(sky, args);
        expect([args.join(' '), r.status, r.body.error?.code]).toEqual([args.join(' '), 400, 'refused']);
      }
      // The shared connection still works afterwards.
      expect((await cli(sky, ['PING'])).body.reply).toEqual(simple('PONG'));
    });

    test('RESP3 replies keep their types: simple, map, set, double, verbatim, typed errors, exact bytes', async () => {
      expect((await cli(sky, ['SET', 'str', 'hello'])).body.reply).toEqual(simple('OK'));
      expect((await cli(sky, ['GET', 'str'])).body.reply).toEqual(bulk('hello'));
      await cli(sky, ['DEL', 'h', 's', 'z']);
      await cli(sky, ['HSET', 'h', 'field1', 'value1', 'field2', 'value2']);
      const h = (await cli(sky, ['HGETALL', 'h'])).body.reply;
      expect(h).toEqual({ t: 'map', entries: [[bulk('field1'), bulk('value1')], [bulk('field2'), bulk('value2')]] });
      await cli(sky, ['SADD', 's', 'm1', 'm2']);
      const s = (await cli(sky, ['SMEMBERS', 's'])).body.reply;
      expect(s.t).toBe('set');
      expect(s.items.map((m: { v: { text: string } }) => m.v.text).sort()).toEqual(['m1', 'm2']);
      await cli(sky, ['ZADD', 'z', '1.5', 'a', 'inf', 'b']);
      expect((await cli(sky, ['ZSCORE', 'z', 'a'])).body.reply).toEqual(dbl('1.5'));
      expect((await cli(sky, ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'])).body.reply).toEqual({
        t: 'array',
        items: [{ t: 'array', items: [bulk('a'), dbl('1.5')] }, { t: 'array', items: [bulk('b'), dbl('inf')] }],
      });
      expect((await cli(sky, ['CONFIG', 'GET', 'maxmemory'])).body.reply).toEqual({ t: 'map', entries: [[bulk('maxmemory'), bulk('0')]] });
      const info = (await cli(sky, ['INFO', 'server'])).body.reply;
      expect([info.t, info.format, info.v.text]).toEqual(['verbatim', 'txt', expect.stringMatching(/^# Server\r\n/)]);
      expect((await cli(sky, ['EXISTS', 'h'])).body.reply).toEqual({ t: 'int', v: 1 });
      expect((await cli(sky, ['GET', 'missing'])).body.reply).toEqual({ t: 'nil' });
      const wrong = (await cli(sky, ['INCR', 'h'])).body.reply;
      expect([wrong.t, wrong.v]).toEqual(['error', expect.stringMatching(/^WRONGTYPE/)]);
      expect((await cli(sky, ['INCRBY', 'str', 'x'])).body).toMatchObject({ reply: { t: 'error', v: 'ERR value is not an integer or out of range' } });
      // Binary values round-trip exactly, and a value over 64 KiB comes cut with its whole size.
      const bin = { hex: '00ff0d0a10fe' };
      expect((await cli(sky, ['SET', bin, bin])).body.reply).toEqual(simple('OK'));
      expect((await cli(sky, ['GET', bin])).body.reply.v).toMatchObject({ hex: '00ff0d0a10fe', binary: true, bytes: 6, truncated: false });
      await cli(sky, ['SET', 'big', 'x'.repeat(70_000)]);
      const big = (await cli(sky, ['GET', 'big'])).body.reply.v;
      expect([big.bytes, big.truncated, big.hex.length, big.binary]).toEqual([70_000, true, 65_536 * 2, false]);
    });

    test('writes are audited with the redacted command', async () => {
      await cli(sky, ['SET', 'audited', 'v']);
      await cli(sky, ['CONFIG', 'SET', 'masterauth', 'hunter2-secret'], { confirm: `CONFIG SET ${node}` });
      const audit = await waitFor('audit rows', async () => {
        const rows = (await sky.api('/api/audit')).body.audit as { command: string; source: string; node: string; ok: boolean; target: string }[];
        return rows.some((r) => r.command.startsWith('CONFIG SET masterauth')) ? rows : undefined;
      });
      expect(audit.find((r) => r.command === 'SET audited v')).toMatchObject({ source: 'cli', node, ok: true, target: 'audited' });
      expect(audit.find((r) => r.command.startsWith('CONFIG SET masterauth'))?.command).toBe('CONFIG SET masterauth ***');
      expect(JSON.stringify(audit)).not.toContain('hunter2');
      // Reads are in the history, not the audit.
      expect(audit.some((r) => r.command.startsWith('GET '))).toBe(false);
    });
  });
}

describe('CLI history and bounds (Valkey 9, standalone)', () => {
  let server: ServerHandle;
  let sky: TestSkyscope | undefined;
  let again: TestSkyscope | undefined;
  beforeAll(async () => {
    server = await startStandalone('valkey9');
    sky = await startTestSkyscope([server.url]);
    await waitFor('node up', async () => (await sky!.api('/api/nodes')).body.nodes.some((n: { state: string }) => n.state === 'up'));
  }, 60_000);
  afterAll(async () => {
    await sky?.dispose();
    await again?.dispose();
    await server?.stop();
  });

  test('BLPOP with timeout 0 is capped at 5 s', async () => {
    const started = performance.now();
    const r = await cli(sky!, ['BLPOP', 'empty-list', '0']);
    const s = (performance.now() - started) / 1000;
    expect(r.status).toBe(200);
    expect(r.body.reply).toEqual({ t: 'nil' });
    expect(r.body.cappedTimeoutS).toBe(5);
    expect(s).toBeGreaterThan(4.5);
    expect(s).toBeLessThan(9);
  }, 20_000);

  test('history survives a restart on the same file and holds no password', async () => {
    await cli(sky!, ['SET', 'h1', 'v']);
    await cli(sky!, ['GET', 'h1']);
    await cli(sky!, ['CONFIG', 'SET', 'masterauth', 'hunter2-secret'], { confirm: `CONFIG SET 127.0.0.1:${server.port}` });
    const before = (await sky!.api('/api/cli/history?limit=10')).body.history as { command: string; node: string; ok: boolean; ms: number; ts: number }[];
    expect(before[0]!.command).toBe('CONFIG SET masterauth ***');
    expect(before.map((h) => h.command)).toContain('GET h1');
    const db = sky!.dbPath;
    await sky!.stop();
    expect(readFileSync(db).includes(Buffer.from('hunter2-secret'))).toBe(false);
    again = await startTestSkyscope([server.url], ['--db', db]);
    await waitFor('node up after the restart', async () => (await again!.api('/api/nodes')).body.nodes.some((n: { state: string }) => n.state === 'up'));
    const after = (await again.api('/api/cli/history?limit=10')).body.history as typeof before;
    expect(after.map((h) => h.command)).toEqual(before.map((h) => h.command));
    expect(after[0]!.ts).toBeCloseTo(before[0]!.ts, 2);
    expect(JSON.stringify(after)).not.toContain('hunter2');
  }, 30_000);

  test('forged Host and foreign Origin are refused on the CLI routes', async () => {
    const s = again ?? sky!;
    const host = `127.0.0.1:${s.port}`;
    const body = JSON.stringify({ args: ['PING'] });
    const forgedHost = await rawRequest(s.port, ['POST /api/cli HTTP/1.1', 'Host: evil.example:8379', 'Content-Type: application/json'], body);
    expect(forgedHost.status).toBe(403);
    expect(forgedHost.text).toContain('forbidden_host');
    const forgedOrigin = await rawRequest(s.port, ['POST /api/cli HTTP/1.1', `Host: ${host}`, 'Origin: https://evil.example', 'Content-Type: application/json'], body);
    expect(forgedOrigin.status).toBe(403);
    expect(forgedOrigin.text).toContain('forbidden_origin');
    const history = await rawRequest(s.port, ['GET /api/cli/history HTTP/1.1', 'Host: evil.example']);
    expect(history.status).toBe(403);
    const same = await rawRequest(s.port, ['POST /api/cli HTTP/1.1', `Host: ${host}`, `Origin: http://${host}`, 'Content-Type: application/json'], body);
    expect(same.status).toBe(200);
  });

  test('bad bodies are JSON 400s naming the parameter', async () => {
    const s = again ?? sky!;
    expect((await cli(s, [])).body.error.message).toStartWith('args:');
    const badHex = await cli(s, ['GET', { hex: 'zz' }]);
    expect(badHex.status).toBe(400);
    expect(badHex.body.error.message).toStartWith('args:');
  });
});

describe('CLI connection settings (Valkey 9, ACL user, db 2)', () => {
  let server: ServerHandle;
  let sky: TestSkyscope;
  beforeAll(async () => {
    server = await startStandalone('valkey9', { config: { user: 'cli on >pw-cli ~* &* +@all' } });
    sky = await startTestSkyscope([`redis://cli:pw-cli@127.0.0.1:${server.port}/2`]);
    await waitFor('node up', async () => (await sky.api('/api/nodes')).body.nodes.some((n: { state: string }) => n.state === 'up'));
  }, 60_000);
  afterAll(async () => {
    await sky?.dispose();
    await server?.stop();
  });

  test('the CLI connection logs in as the user, selects the db, speaks RESP3 and names itself', async () => {
    expect((await cli(sky, ['SET', 'in-db-2', 'v'])).body.reply).toEqual(simple('OK'));
    const info = (await cli(sky, ['CLIENT', 'INFO'])).body.reply;
    expect(info.t).toBe('verbatim');
    expect(info.v.text).toMatch(/ name=skyscope-cli /);
    expect(info.v.text).toMatch(/ db=2 /);
    expect(info.v.text).toMatch(/ user=cli /);
    expect(info.v.text).toMatch(/ resp=3 /);
    const direct = new Redis({ port: server.port, host: '127.0.0.1', username: 'cli', password: 'pw-cli', db: 2 });
    try {
      expect(await direct.get('in-db-2')).toBe('v');
    } finally {
      direct.disconnect();
    }
  });
});
