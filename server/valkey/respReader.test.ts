// Tests RESP framing and in-place reads on reply bytes captured from Redis 7.0, Valkey 8.0, Valkey 9.1 and Redis 8.6.
import { describe, expect, test } from 'bun:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replyEnd, RespFormatError, RespReader } from './respReader.ts';

const dir = join(import.meta.dir, '../../test/fixtures/resp3');
const captures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .flatMap((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { flavor: string; replies: { name: string; raw: string }[] }).replies.map((r) => ({ file: f, ...r, bytes: Buffer.from(r.raw, 'latin1') })));

describe('replyEnd', () => {
  test('finds the end of every captured reply (maps, sets, pushes, attributes, verbatim, nil, binary bulk)', () => {
    expect(captures.length).toBeGreaterThan(100);
    for (const c of captures) {
      // DEBUG PROTOCOL push sends a push and then its reply: two values back to back.
      const expected = c.name === 'debug-push' ? 2 : 1;
      let pos = 0;
      let values = 0;
      while (pos < c.bytes.length) {
        const end = replyEnd(c.bytes, pos);
        expect(end, `${c.file} ${c.name}`).toBeGreaterThan(pos);
        pos = end;
        values++;
      }
      expect(values, `${c.file} ${c.name}`).toBe(expected);
    }
  });

  test('a reply cut anywhere is not whole yet', () => {
    for (const c of captures) {
      const first = replyEnd(c.bytes);
      for (let cut = 0; cut < first; cut++) if (replyEnd(c.bytes.subarray(0, cut)) !== -1) throw new Error(`${c.file} ${c.name}: whole at ${cut} of ${first}`);
    }
  });

  test('bytes that are not RESP are refused, not skipped', () => {
    expect(() => replyEnd(Buffer.from('hello\r\n'))).toThrow(RespFormatError);
    expect(() => replyEnd(Buffer.from('$3\r\nabcd\r\n'))).toThrow(/not followed by CRLF/);
    expect(() => replyEnd(Buffer.from('*1x\r\n'))).toThrow(/not a number/);
    expect(() => replyEnd(Buffer.from(':1\rx'))).toThrow(/CR without LF/);
  });
});

describe('RespReader', () => {
  test('reads counts, numbers and known names in place, in RESP2 and RESP3', () => {
    const names = ['alpha', 'beta'].map((n) => Buffer.from(n));
    for (const raw of ['*4\r\n$4\r\nbeta\r\n:-12\r\n+gamma\r\n$3\r\n1.5\r\n', '%2\r\n+beta\r\n:-12\r\n$5\r\ngamma\r\n,1.5\r\n']) {
      const r = new RespReader(Buffer.from(raw));
      expect(r.aggregate('test')).toBe(4);
      expect(r.oneOf(names, 'name')).toBe(1);
      expect(r.number('value')).toBe(-12);
      expect(r.oneOf(names, 'name')).toBe(-1);
      expect(r.number('value')).toBe(1.5);
      expect(r.peek()).toBe(-1);
    }
  });

  test('skips any value, tells error replies, and names what it expected', () => {
    const r = new RespReader(Buffer.from('*2\r\n%1\r\n+k\r\n*2\r\n:1\r\n_\r\n:7\r\n'));
    expect(r.aggregate('outer')).toBe(2);
    r.skip();
    expect(r.number('after')).toBe(7);
    expect(new RespReader(Buffer.from('-ERR no such thing\r\n')).error()).toBe('ERR no such thing');
    expect(new RespReader(Buffer.from(':1\r\n')).error()).toBeUndefined();
    expect(() => new RespReader(Buffer.from(':1\r\n')).aggregate('CLUSTER SLOT-STATS')).toThrow("CLUSTER SLOT-STATS: expected an aggregate, got ':'");
    expect(() => new RespReader(Buffer.from('*1\r\n')).skip()).toThrow(/cut short/);
  });
});
