import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RawCapture } from '../../test/fixtures/captureResp3.ts';
import { fromJson, type Json } from '../../test/fixtures/json.ts';
import { commandTable } from './commandPolicy.ts';
import { commandDocs } from './commandDocs.ts';
import { encodeCommand, parseReplies, ProtocolError, Resp3Parser, toResp2, unlimited, type ReplyNode } from './resp3.ts';

const FLAVORS = ['valkey9', 'valkey8', 'redis7', 'redis8'] as const;
type Flavor = (typeof FLAVORS)[number];
const capture = (flavor: Flavor): RawCapture => JSON.parse(readFileSync(join(import.meta.dir, '../../test/fixtures/resp3', `${flavor}.json`), 'utf8')) as RawCapture;
const raw = (flavor: Flavor, name: string): Buffer => {
  const r = capture(flavor).replies.find((x) => x.name === name);
  if (!r) throw new Error(`no capture ${name} for ${flavor}`);
  return Buffer.from(r.raw, 'latin1');
};
const one = (bytes: Buffer): ReplyNode => {
  const all = parseReplies(bytes);
  expect(all.length).toBe(1);
  return all[0]!;
};
const bulk = (s: string | Buffer): ReplyNode => ({ t: 'bulk', v: Buffer.isBuffer(s) ? s : Buffer.from(s) });
const BINARY = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x10, 0xfe]);

describe('resp3 parser on synthetic bytes', () => {
  test('every type', () => {
    const cases: [string, ReplyNode][] = [
      ['+OK\r\n', { t: 'simple', v: 'OK' }],
      ['-ERR bad\r\n', { t: 'error', v: 'ERR bad' }],
      [':-42\r\n', { t: 'int', v: -42 }],
      [':9223372036854775807\r\n', { t: 'int', v: '9223372036854775807' }],
      ['$3\r\na\r\n\r\n', bulk('a\r\n')],
      ['$0\r\n\r\n', bulk('')],
      ['$-1\r\n', { t: 'nil' }],
      ['*-1\r\n', { t: 'nil' }],
      ['_\r\n', { t: 'nil' }],
      [',1.5\r\n', { t: 'double', v: '1.5' }],
      [',-inf\r\n', { t: 'double', v: '-inf' }],
      [',nan\r\n', { t: 'double', v: 'nan' }],
      ['#t\r\n', { t: 'bool', v: true }],
      ['#f\r\n', { t: 'bool', v: false }],
      ['(12345678901234567890\r\n', { t: 'bignum', v: '12345678901234567890' }],
      ['!8\r\nERR a\r\nb\r\n', { t: 'error', v: 'ERR a\r\nb' }],
      ['=9\r\nmkd:# x\ny\r\n', { t: 'verbatim', format: 'mkd', v: Buffer.from('# x\ny') }],
      ['*0\r\n', { t: 'array', items: [] }],
      ['%1\r\n+k\r\n*1\r\n:1\r\n', { t: 'map', entries: [[{ t: 'simple', v: 'k' }, { t: 'array', items: [{ t: 'int', v: 1 }] }]] }],
      ['~2\r\n:1\r\n#t\r\n', { t: 'set', items: [{ t: 'int', v: 1 }, { t: 'bool', v: true }] }],
      ['>2\r\n+message\r\n$1\r\nx\r\n', { t: 'push', items: [{ t: 'simple', v: 'message' }, bulk('x')] }],
      // An attribute is read and dropped, at the top and inside an aggregate.
      ['|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n', bulk('v')],
      ['*2\r\n|1\r\n+a\r\n*1\r\n:1\r\n:7\r\n:8\r\n', { t: 'array', items: [{ t: 'int', v: 7 }, { t: 'int', v: 8 }] }],
    ];
    for (const [bytes, want] of cases) expect([bytes, one(Buffer.from(bytes, 'latin1'))]).toEqual([bytes, want]);
  });

  test('bulk payloads are exact bytes', () => {
    const payload = Buffer.from([0, 0xff, 13, 10, 0x24, 0x2a]);
    expect(one(Buffer.concat([Buffer.from('$6\r\n'), payload, Buffer.from('\r\n')]))).toEqual(bulk(payload));
  });

  test('framing errors are ProtocolErrors', () => {
    for (const bad of ['?x\r\n', '$x\r\n', '$3\r\nabcde\r\n', '#x\r\n', ':1.5\r\n', '=3\r\ntxt\r\n']) expect(() => parseReplies(Buffer.from(bad))).toThrow(ProtocolError);
  });

  test('limits: elements past the budget are read through and counted in more; long bulks are cut with their size', () => {
    const nested = Buffer.from('*2\r\n*3\r\n:1\r\n:2\r\n:3\r\n*3\r\n:4\r\n:5\r\n:6\r\n+after\r\n');
    const [first, after] = parseReplies(nested, { maxItems: 4, maxBulkBytes: 10 });
    expect(first).toEqual({ t: 'array', items: [{ t: 'array', items: [{ t: 'int', v: 1 }, { t: 'int', v: 2 }], more: 1 }, { t: 'array', items: [], more: 3 }] });
    expect(after).toEqual({ t: 'simple', v: 'after' });
    // Map entries are kept whole: a budget of 3 keeps one entry.
    expect(parseReplies(Buffer.from('%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n'), { maxItems: 3, maxBulkBytes: 10 })[0]).toEqual({ t: 'map', entries: [[{ t: 'simple', v: 'a' }, { t: 'int', v: 1 }]], more: 1 });
    // Containers inside a dropped element are dropped whole.
    expect(parseReplies(Buffer.from('*2\r\n:1\r\n*2\r\n*1\r\n:2\r\n%1\r\n:3\r\n:4\r\n'), { maxItems: 1, maxBulkBytes: 10 })[0]).toEqual({ t: 'array', items: [{ t: 'int', v: 1 }], more: 1 });
    expect(parseReplies(Buffer.from('$12\r\nhello world!\r\n=9\r\ntxt:abcde\r\n'), { maxItems: 10, maxBulkBytes: 5 })).toEqual([
      { t: 'bulk', v: Buffer.from('hello'), size: 12 },
      { t: 'verbatim', format: 'txt', v: Buffer.from('a'), size: 5 },
    ]);
    // The budget is per reply.
    const p = new Resp3Parser({ maxItems: 2, maxBulkBytes: 10 });
    p.push(Buffer.from('*3\r\n:1\r\n:2\r\n:3\r\n*2\r\n:1\r\n:2\r\n'));
    expect(p.next()).toMatchObject({ more: 1 });
    expect(p.next()).toEqual({ t: 'array', items: [{ t: 'int', v: 1 }, { t: 'int', v: 2 }] });
  });

  test('a big bulk arriving in many chunks is joined once', () => {
    const payload = Buffer.alloc(1 << 20, 0x61);
    const bytes = Buffer.concat([Buffer.from(`$${payload.length}\r\n`), payload, Buffer.from('\r\n')]);
    const p = new Resp3Parser(unlimited);
    for (let i = 0; i < bytes.length; i += 1000) {
      p.push(bytes.subarray(i, i + 1000));
      if (i + 1000 < bytes.length) expect(p.next()).toBeUndefined();
    }
    expect(p.next()).toEqual(bulk(payload));
  });

  test('encodeCommand writes a RESP array of bulk strings', () => {
    expect(encodeCommand([Buffer.from('SET'), BINARY]).toString('latin1')).toBe('*2\r\n$3\r\nSET\r\n$6\r\n' + BINARY.toString('latin1') + '\r\n');
  });
});

describe.each(FLAVORS)('resp3 parser on replies captured from %s', (flavor) => {
  test('typed replies', () => {
    expect(one(raw(flavor, 'set-ok'))).toEqual({ t: 'simple', v: 'OK' });
    expect(one(raw(flavor, 'hgetall'))).toEqual({ t: 'map', entries: [[bulk('field1'), bulk('value1')], [bulk('field2'), bulk('value2')]] });
    expect(one(raw(flavor, 'hgetall-empty'))).toEqual({ t: 'map', entries: [] });
    expect(one(raw(flavor, 'zscore'))).toEqual({ t: 'double', v: '1.5' });
    expect(one(raw(flavor, 'zscore-inf'))).toEqual({ t: 'double', v: 'inf' });
    expect(one(raw(flavor, 'zrange-withscores'))).toEqual({
      t: 'array',
      items: [
        { t: 'array', items: [bulk('a'), { t: 'double', v: '1.5' }] },
        { t: 'array', items: [bulk('b'), { t: 'double', v: '2' }] },
        { t: 'array', items: [bulk('c'), { t: 'double', v: 'inf' }] },
      ],
    });
    const members = one(raw(flavor, 'smembers'));
    expect(members.t).toBe('set');
    expect((members as { items: ReplyNode[] }).items.map((m) => String((m as { v: Buffer }).v)).sort()).toEqual(['m1', 'm2', 'm3']);
    const config = one(raw(flavor, 'config-get'));
    expect(config.t).toBe('map');
    expect((config as { entries: [ReplyNode, ReplyNode][] }).entries.map(([k]) => String((k as { v: Buffer }).v))).toContain('maxmemory');
    const hello = one(raw(flavor, 'hello')) as Extract<ReplyNode, { t: 'map' }>;
    expect(hello.t).toBe('map');
    const proto = hello.entries.find(([k]) => String((k as { v: Buffer }).v) === 'proto');
    expect(proto?.[1]).toEqual({ t: 'int', v: 3 });
    expect(one(raw(flavor, 'client-trackinginfo')).t).toBe('map');
    expect(one(raw(flavor, 'exec-without-multi'))).toEqual({ t: 'error', v: 'ERR EXEC without MULTI' });
    expect(one(raw(flavor, 'wrongtype'))).toMatchObject({ t: 'error', v: expect.stringMatching(/^WRONGTYPE/) });
    expect(one(raw(flavor, 'unknown-command'))).toMatchObject({ t: 'error', v: expect.stringMatching(/^ERR unknown command/) });
    expect(one(raw(flavor, 'get-binary'))).toEqual(bulk(BINARY));
    expect(one(raw(flavor, 'get-nil'))).toEqual({ t: 'nil' });
    expect(one(raw(flavor, 'xrange'))).toEqual({ t: 'array', items: [{ t: 'array', items: [bulk('1-1'), { t: 'array', items: [bulk('f'), bulk('v')] }] }] });
    expect(one(raw(flavor, 'info-keyspace'))).toMatchObject({ t: 'verbatim', format: 'txt' });
    expect(String((one(raw(flavor, 'info-keyspace')) as { v: Buffer }).v)).toStartWith('# Keyspace\r\n');
  });

  test('DEBUG PROTOCOL: every RESP3 type the server can send', () => {
    expect(one(raw(flavor, 'debug-string'))).toEqual(bulk('Hello World'));
    expect(one(raw(flavor, 'debug-integer'))).toEqual({ t: 'int', v: 12345 });
    expect(one(raw(flavor, 'debug-double'))).toMatchObject({ t: 'double', v: expect.stringMatching(/^3\.14/) });
    expect(one(raw(flavor, 'debug-bignum'))).toEqual({ t: 'bignum', v: '1234567999999999999999999999999999999' });
    expect(one(raw(flavor, 'debug-null'))).toEqual({ t: 'nil' });
    expect(one(raw(flavor, 'debug-array'))).toEqual({ t: 'array', items: [0, 1, 2].map((v) => ({ t: 'int', v })) });
    expect(one(raw(flavor, 'debug-set'))).toEqual({ t: 'set', items: [0, 1, 2].map((v) => ({ t: 'int', v })) });
    expect(one(raw(flavor, 'debug-map'))).toEqual({ t: 'map', entries: [0, 1, 2].map((v) => [{ t: 'int', v }, { t: 'bool', v: v === 1 }]) });
    expect(one(raw(flavor, 'debug-true'))).toEqual({ t: 'bool', v: true });
    expect(one(raw(flavor, 'debug-false'))).toEqual({ t: 'bool', v: false });
    expect(one(raw(flavor, 'debug-verbatim'))).toEqual({ t: 'verbatim', format: 'txt', v: Buffer.from('This is a verbatim\nstring') });
    // The attribute is dropped; what follows it is the reply.
    expect(raw(flavor, 'debug-attrib')[0]).toBe('|'.charCodeAt(0));
    expect(one(raw(flavor, 'debug-attrib'))).toEqual(bulk('Some real reply following the attribute'));
    // Redis 7.0 sends the push before the reply, Valkey 8+ and Redis 8 after it: either way it is a frame of its own.
    const both = parseReplies(raw(flavor, 'debug-push'));
    expect(both.find((r) => r.t === 'push')).toEqual({ t: 'push', items: [bulk('server-cpu-usage'), { t: 'int', v: 42 }] });
    expect(both.filter((r) => r.t !== 'push')).toEqual([bulk('Some real reply following the push reply')]);
  });

  test('RESP2 replies read by the same parser', () => {
    expect(one(raw(flavor, 'resp2-set-ok'))).toEqual({ t: 'simple', v: 'OK' });
    expect(one(raw(flavor, 'resp2-hgetall'))).toEqual({ t: 'array', items: ['field1', 'value1', 'field2', 'value2'].map(bulk) });
    expect(one(raw(flavor, 'resp2-zscore'))).toEqual(bulk('1.5'));
    expect(one(raw(flavor, 'resp2-get-binary'))).toEqual(bulk(BINARY));
    expect(one(raw(flavor, 'resp2-get-nil'))).toEqual({ t: 'nil' });
    expect(one(raw(flavor, 'resp2-blpop-timeout'))).toEqual({ t: 'nil' });
    expect(one(raw(flavor, 'resp2-wrongtype')).t).toBe('error');
    expect(one(raw(flavor, 'resp2-debug-map'))).toEqual({ t: 'array', items: [0, 0, 1, 1, 2, 0].map((v) => ({ t: 'int', v })) });
  });

  test('COMMAND INFO and DOCS in RESP3, flattened, read as the RESP2 command table does', () => {
    const resp2 = commandTable(fromJson((JSON.parse(readFileSync(join(import.meta.dir, '../../test/fixtures/commands', `${flavor}-command.json`), 'utf8')) as { reply: Json }).reply));
    const resp3 = commandTable(toResp2(one(raw(flavor, 'command-info'))));
    for (const name of ['get', 'set']) expect([name, resp3.get(name)]).toEqual([name, resp2.get(name)]);
    const docs = commandDocs(toResp2(one(raw(flavor, 'command-docs'))));
    expect(docs.get('get')?.arguments?.[0]).toMatchObject({ name: 'key', type: 'key' });
  });

  test('split at every offset, the stream gives the same replies (the parser is incremental)', () => {
    const all = Buffer.concat(capture(flavor).replies.map((r) => Buffer.from(r.raw, 'latin1')));
    const whole = parseReplies(all, unlimited);
    for (let cut = 1; cut < all.length; cut++) {
      const p = new Resp3Parser(unlimited);
      const out: ReplyNode[] = [];
      p.push(all.subarray(0, cut));
      for (let r = p.next(); r; r = p.next()) out.push(r);
      p.push(all.subarray(cut));
      for (let r = p.next(); r; r = p.next()) out.push(r);
      if (out.length !== whole.length) throw new Error(`cut at ${cut}: ${out.length} replies instead of ${whole.length}`);
      expect(out).toEqual(whole);
    }
    // And byte by byte.
    const p = new Resp3Parser(unlimited);
    const out: ReplyNode[] = [];
    for (let i = 0; i < all.length; i++) {
      p.push(all.subarray(i, i + 1));
      for (let r = p.next(); r; r = p.next()) out.push(r);
    }
    expect(out).toEqual(whole);
  });
});
