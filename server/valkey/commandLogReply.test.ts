// Tests the SLOWLOG / COMMANDLOG parsers on replies captured from every flavor (test/fixtures/latency) and on hand-built edge cases.
import { describe, expect, test } from 'bun:test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLAVORS, type Flavor } from '../../test/servers/flavors.ts';
import { fromJson, type Json } from '../../test/fixtures/json.ts';
import { logSettings, parseCommandLog, parseConfigPairs, parseLogLength, type CommandLogRecord } from './commandLogReply.ts';

interface Fixture {
  command: string[];
  reply?: unknown;
  error?: string;
}

const DIR = join(import.meta.dir, '../../test/fixtures/latency');

function fixture(flavor: Flavor, name: string): Fixture {
  const f = JSON.parse(readFileSync(join(DIR, `${flavor}-${name}.json`), 'utf8')) as Fixture & { reply?: Json };
  return { ...f, reply: f.reply === undefined ? undefined : fromJson(f.reply) };
}

function log(flavor: Flavor, name: string): CommandLogRecord[] {
  const f = fixture(flavor, name);
  if (f.error) throw new Error(`${flavor}-${name}: ${f.error}`);
  return parseCommandLog(f.reply);
}

const hasCommandLog = (flavor: Flavor) => fixture(flavor, 'commandlog-len-slow').error === undefined;
const text = (r: CommandLogRecord) => r.args.map((a) => a.bytes.toString('latin1'));
const now = (flavor: Flavor) => Number((fixture(flavor, 'time').reply as string[])[0]);

// What captureLatency.ts sent as the second list element: 100 bytes, non-UTF-8 bytes, then 40 two-byte "é"s, so the
// server's 128-byte cut falls inside a character.
const LONG_BINARY_ARG = Buffer.concat([Buffer.from('b'.repeat(100)), Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]), Buffer.from('\u00e9'.repeat(40), 'utf8')]);

describe('parseCommandLog on captured slow logs', () => {
  for (const flavor of FLAVORS) {
    test(`${flavor}: every entry, newest first, with the client's address and name`, () => {
      const entries = log(flavor, 'slowlog-get');
      expect(entries.map((e) => e.id)).toEqual([6, 5, 4, 3, 2, 1, 0]);
      expect(entries.map((e) => text(e)[0])).toEqual(['SORT', 'EVAL', 'DEBUG', 'rpush', 'CONFIG', 'DEBUG', 'DEBUG']);
      for (const e of entries) {
        expect(e.ts).toBeLessThanOrEqual(now(flavor));
        expect(e.ts).toBeGreaterThan(now(flavor) - 60);
        expect(e.client).toMatch(/^127\.0\.0\.1:\d+$/);
        expect(e.clientName).toBe('skyscope-capture');
      }
      const sleeps = entries.filter((e) => text(e).join(' ') === 'DEBUG SLEEP 0.02');
      expect(sleeps.length).toBe(2);
      for (const e of sleeps) {
        expect(e.value).toBeGreaterThanOrEqual(20_000);
        expect(e.value).toBeLessThan(40_000);
        expect(e.argsMore).toBe(0);
        expect(e.args.every((a) => a.moreBytes === 0)).toBe(true);
      }
      // The CONFIG SET that lowered the threshold to 0 is logged by its own new threshold.
      expect(text(entries[4]!)).toEqual(['CONFIG', 'SET', 'slowlog-log-slower-than', '0']);
    });

    test(`${flavor}: more than 32 arguments and a long binary argument: markers removed, kept bytes exact`, () => {
      const rpush = log(flavor, 'slowlog-get').find((e) => text(e)[0] === 'rpush')!;
      // RPUSH many-args e0..e39 is 42 arguments: 31 kept, the 32nd slot says how many more there were.
      expect(rpush.args.length).toBe(31);
      expect(rpush.argsMore).toBe(11);
      expect(rpush.args.length + rpush.argsMore).toBe(42);
      expect(text(rpush).slice(0, 3)).toEqual(['rpush', 'many-args', 'e0']);
      expect(text(rpush).slice(4)).toEqual(Array.from({ length: 27 }, (_, i) => `e${i + 2}`));
      const long = rpush.args[3]!; // in e1's place
      expect(long.moreBytes).toBe(LONG_BINARY_ARG.length - 128);
      expect(long.moreBytes).toBe(57);
      expect(Buffer.compare(long.bytes, LONG_BINARY_ARG.subarray(0, 128))).toBe(0);
      // The cut falls inside a two-byte character: the last kept byte is its first half.
      expect(long.bytes.at(-1)).toBe(0xc3);
      for (const [i, a] of rpush.args.entries()) if (i !== 3) expect(a.moreBytes).toBe(0);
    });

    test(`${flavor}: GET -1 returns the whole log, LEN counts it`, () => {
      expect(log(flavor, 'slowlog-get-all')).toEqual(log(flavor, 'slowlog-get'));
      expect(parseLogLength(fixture(flavor, 'slowlog-len').reply)).toBe(7);
    });

    test(`${flavor}: ids continue after SLOWLOG RESET and start at 0 again after a restart`, () => {
      expect(parseLogLength(fixture(flavor, 'slowlog-len-after-reset').reply)).toBe(0);
      expect(log(flavor, 'slowlog-get-after-reset')).toEqual([]);
      const before = Math.max(...log(flavor, 'slowlog-get').map((e) => e.id));
      expect(log(flavor, 'slowlog-get-after-reset-new').map((e) => e.id)).toEqual([before + 1]);
      expect(log(flavor, 'slowlog-before-restart')[0]!.id).toBeGreaterThan(before + 1);
      expect(log(flavor, 'slowlog-after-restart').map((e) => e.id)).toEqual([0]);
      const runId = (name: string) => /run_id:(\w+)/.exec(fixture(flavor, name).reply as string)![1];
      expect(runId('info-server-after-restart')).not.toBe(runId('info-server'));
    });
  }
});

describe('parseCommandLog on captured command logs', () => {
  test('COMMANDLOG exists on Valkey 9 only (Valkey 8.0 and Redis have SLOWLOG)', () => {
    expect(FLAVORS.filter(hasCommandLog)).toEqual(['valkey9']);
    for (const flavor of FLAVORS.filter((f) => !hasCommandLog(f))) {
      expect(fixture(flavor, 'commandlog-get-slow').error).toMatch(/unknown command/i);
    }
  });

  for (const flavor of FLAVORS.filter(hasCommandLog)) {
    test(`${flavor}: the slow type is the slow log`, () => {
      expect(log(flavor, 'commandlog-get-slow')).toEqual(log(flavor, 'slowlog-get'));
      expect(log(flavor, 'commandlog-get-slow-all')).toEqual(log(flavor, 'slowlog-get'));
      expect(parseLogLength(fixture(flavor, 'commandlog-len-slow').reply)).toBe(7);
    });

    test(`${flavor}: large request and large reply values are exact byte counts; the value is cut at 128 bytes`, () => {
      const [req] = log(flavor, 'commandlog-get-large-request');
      // *3\r\n $3\r\nset\r\n $3\r\nbig\r\n $200000\r\n<value>\r\n
      expect(req!.value).toBe(4 + 9 + 9 + 9 + 200_000 + 2);
      expect(text(req!)).toEqual(['set', 'big', 'v'.repeat(128)]);
      expect(req!.args.map((a) => a.moreBytes)).toEqual([0, 0, 200_000 - 128]);
      expect(parseLogLength(fixture(flavor, 'commandlog-len-large-request').reply)).toBe(1);
      const replies = log(flavor, 'commandlog-get-large-reply');
      const get = replies.find((e) => text(e).join(' ') === 'get big')!;
      // $200000\r\n<value>\r\n
      expect(get.value).toBe(9 + 200_000 + 2);
      expect(get.id).toBe(0);
      expect(parseLogLength(fixture(flavor, 'commandlog-len-large-reply').reply)).toBe(replies.length);
    });

    test(`${flavor}: SLOWLOG RESET and COMMANDLOG RESET slow share one id counter; each type counts on its own`, () => {
      const afterSlowlogReset = log(flavor, 'slowlog-get-after-reset-new')[0]!.id;
      expect(parseLogLength(fixture(flavor, 'commandlog-len-slow-after-reset').reply)).toBe(0);
      expect(log(flavor, 'commandlog-get-slow-after-reset')).toEqual([]);
      expect(log(flavor, 'commandlog-get-slow-after-reset-new').map((e) => e.id)).toEqual([afterSlowlogReset + 1]);
      // The large-request log had one entry (id 0) before its reset.
      const [req] = log(flavor, 'commandlog-get-large-request-after-reset-new');
      expect(req!.id).toBe(1);
      expect(text(req!).slice(0, 2)).toEqual(['set', 'big2']);
      expect(req!.args[2]!.moreBytes).toBe(2000 - 128);
    });
  }
});

describe('parseCommandLog on hand-built replies', () => {
  const entry = (args: (string | Buffer)[]) => [[1, 1_700_000_000, 5, args, '10.0.0.1:5000', 'app']];

  test('strings are accepted as well as Buffers, and come out as the same bytes', () => {
    const [fromStrings] = parseCommandLog(entry(['GET', 'k\u00e9']));
    const [fromBuffers] = parseCommandLog(entry([Buffer.from('GET'), Buffer.from('k\u00e9')]));
    expect(fromStrings).toEqual(fromBuffers!);
    expect(fromStrings!.args[1]!.bytes).toEqual(Buffer.from([0x6b, 0xc3, 0xa9]));
    expect(fromStrings).toMatchObject({ id: 1, ts: 1_700_000_000, value: 5, argsMore: 0, client: '10.0.0.1:5000', clientName: 'app' });
  });

  test('only the exact server shapes are markers', () => {
    const marker = (n: number) => `... (${n} more bytes)`;
    const [e] = parseCommandLog(entry([
      'SET',
      marker(3), // short: the client's own text
      'a'.repeat(127) + marker(9), // the text starts before byte 128: not a cut
      'a'.repeat(128) + marker(9), // a cut
      'a'.repeat(128) + '... (9 more bytes) ', // trailing space: not a marker
      'a'.repeat(200),
    ]));
    expect(e!.args.map((a) => a.moreBytes)).toEqual([0, 0, 0, 9, 0, 0]);
    expect(e!.args[1]!.bytes.toString()).toBe(marker(3));
    expect(e!.args[3]!.bytes.toString()).toBe('a'.repeat(128));
    expect(e!.args[5]!.bytes.length).toBe(200);
    // "more arguments" counts only as the 32nd argument.
    const [short] = parseCommandLog(entry(['ECHO', '... (4 more arguments)']));
    expect(short!.argsMore).toBe(0);
    expect(short!.args.length).toBe(2);
    const [full] = parseCommandLog(entry([...Array.from({ length: 31 }, (_, i) => `a${i}`), '... (4 more arguments)']));
    expect(full!.argsMore).toBe(4);
    expect(full!.args.length).toBe(31);
  });

  test('an entry of a server before Redis 4 (4 fields) has no client', () => {
    const [e] = parseCommandLog([[3, 1_700_000_000, 12, ['PING']]]);
    expect(e).toMatchObject({ id: 3, client: '', clientName: '' });
  });

  test('malformed replies throw a clear error', () => {
    expect(() => parseCommandLog('OK')).toThrow(/expected an array of entries/);
    expect(() => parseCommandLog(null)).toThrow(/expected an array of entries/);
    expect(() => parseCommandLog([[1, 2, 3]])).toThrow(/entry 0: expected an array of at least 4 fields/);
    expect(() => parseCommandLog([[1, 2, 3, 'GET k']])).toThrow(/entry 0: expected the arguments as an array/);
    expect(() => parseCommandLog([[1, 2, 3, ['GET']], ['x', 2, 3, ['GET']]])).toThrow(/entry 1: id: expected an integer/);
    expect(() => parseCommandLog([[1, 2, 3, ['GET', 7]]])).toThrow(/argument 1 is 7, not a string/);
    expect(() => parseCommandLog([[1, 2, 3, ['GET'], 42, '']])).toThrow(/client: expected a string/);
  });
});

describe('parseLogLength', () => {
  test('an integer, also as text; anything else throws', () => {
    expect(parseLogLength(12)).toBe(12);
    expect(parseLogLength(Buffer.from('3'))).toBe(3);
    expect(() => parseLogLength('many')).toThrow(/log length: expected an integer/);
    expect(() => parseLogLength([])).toThrow(/log length/);
    expect(() => parseLogLength(-1)).toThrow(/negative/);
  });
});

describe('parseConfigPairs and logSettings', () => {
  const settings = (flavor: Flavor) => {
    const pairs = { ...parseConfigPairs(fixture(flavor, 'config-slowlog').reply), ...parseConfigPairs(fixture(flavor, 'config-commandlog').reply) };
    return logSettings(pairs);
  };

  for (const flavor of FLAVORS) {
    test(`${flavor}: the logs the server has, with the capture's thresholds`, () => {
      expect(parseConfigPairs(fixture(flavor, 'config-latency-monitor-threshold').reply)).toEqual({ 'latency-monitor-threshold': '1' });
      const expected = [{ type: 'slow', threshold: 10_000, maxLen: 128 }];
      if (hasCommandLog(flavor)) expected.push({ type: 'large-request', threshold: 1024, maxLen: 128 }, { type: 'large-reply', threshold: 1024, maxLen: 128 });
      expect(settings(flavor)).toEqual(expected as ReturnType<typeof logSettings>);
    });
  }

  test('Valkey 9: commandlog-* alone is enough, and CONFIG GET slowlog-* still answers the old names', () => {
    const cl = parseConfigPairs(fixture('valkey9', 'config-commandlog').reply);
    expect(logSettings(cl).map((s) => s.type)).toEqual(['slow', 'large-request', 'large-reply']);
    expect(parseConfigPairs(fixture('valkey9', 'config-slowlog').reply)).toEqual({ 'slowlog-log-slower-than': '10000', 'slowlog-max-len': '128' });
    expect(parseConfigPairs(fixture('redis7', 'config-commandlog').reply)).toEqual({});
  });

  test('a negative threshold is off (-1); RESP3 maps are accepted; malformed pairs throw', () => {
    expect(logSettings({ 'slowlog-log-slower-than': '-5', 'slowlog-max-len': '10' })).toEqual([{ type: 'slow', threshold: -1, maxLen: 10 }]);
    expect(logSettings({ 'commandlog-reply-larger-than': '-1', 'commandlog-large-reply-max-len': '0' })).toEqual([{ type: 'large-reply', threshold: -1, maxLen: 0 }]);
    expect(logSettings({ 'slowlog-log-slower-than': '10' })).toEqual([]);
    expect(parseConfigPairs({ a: Buffer.from('1') })).toEqual({ a: '1' });
    expect(parseConfigPairs(new Map([[Buffer.from('b'), '2']]))).toEqual({ b: '2' });
    expect(() => parseConfigPairs(['a', '1', 'b'])).toThrow(/CONFIG GET: expected name\/value pairs, got 3 items/);
    expect(() => parseConfigPairs('OK')).toThrow(/CONFIG GET/);
    expect(() => parseConfigPairs(['a', 1])).toThrow(/CONFIG GET: expected string names and values/);
    expect(() => logSettings({ 'slowlog-log-slower-than': 'ten', 'slowlog-max-len': '10' })).toThrow(/slowlog-log-slower-than: expected an integer/);
  });
});

test('every flavor has its fixtures', () => {
  for (const flavor of FLAVORS) expect(existsSync(join(DIR, `${flavor}-slowlog-get.json`))).toBe(true);
});
