// Tests key extraction with COMMAND INFO captured from Redis 7, Valkey 8, Valkey 9 and Redis 8 (test/fixtures/monitor/).
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLAVORS } from '../../test/servers/flavors.ts';
import { fromJson, type Json } from '../../test/fixtures/json.ts';
import { commandKeys } from './commandKeys.ts';
import { parseMonitorLine, type MonitorCommand } from './monitorLine.ts';

function fixture(flavor: string): { lines: string[]; commandInfo: unknown[] } {
  const f = JSON.parse(readFileSync(join(import.meta.dir, '../../test/fixtures/monitor', `${flavor}.json`), 'utf8')) as { lines: string[]; commandInfo: Json };
  return { lines: f.lines, commandInfo: fromJson(f.commandInfo) as unknown[] };
}

const BINARY_KEY = Buffer.from([0x62, 0x69, 0x6e, 0xff, 0xfe, 0x00, 0x01]);
const argv = (...args: string[]): Buffer[] => args.map((a) => Buffer.from(a));
const keys = (found: Buffer[]): string[] => found.map((k) => k.toString('latin1'));

/** The keys of every command captureMonitor.ts sends, in the order it sends them, written out by hand. */
const SENT_KEYS: [command: string, keys: (string | Buffer)[]][] = [
  ['SET', ['greeting']],
  ['GET', ['greeting']],
  ['MSET', ['m:1', 'm:2', 'm:3']],
  ['MGET', ['m:1', 'm:2', 'm:3']],
  ['DEL', ['m:1', 'm:2']],
  ['SET', [BINARY_KEY]],
  ['GET', [BINARY_KEY]],
  ['SET', ['awkward']],
  ['SET', ['']],
  ['SET', ['int:1']],
  ['EVAL', ['ev:a', 'ev:b']],
  ['XADD', ['s:1']],
  ['XADD', ['s:2']],
  ['XREAD', ['s:1', 's:2']],
  ['ZADD', ['z:1']],
  ['ZADD', ['z:2']],
  ['ZUNIONSTORE', ['z:dst', 'z:1', 'z:2']],
  ['HSET', ['h:1']],
  ['SELECT', []],
  ['SET', ['db1:key']],
  ['SELECT', []],
  ['SET', ['ttl:1']],
  ['EXPIRE', ['greeting']],
  ['INCRBYFLOAT', ['counter:f']],
  ['OBJECT', ['greeting']],
  ['MEMORY', ['greeting']],
  ['MULTI', []],
  ['INCR', ['counter']],
  ['EXEC', []],
  ['PING', []],
  ['AUTH', []],
  ['SET', ['big']],
  ['GET', ['via-unix']],
  ['ECHO', []],
];

describe('commandKeys on real COMMAND INFO and real MONITOR lines', () => {
  for (const flavor of FLAVORS) {
    const f = fixture(flavor);
    const finder = commandKeys(f.commandInfo);
    const commands = f.lines.map((l) => parseMonitorLine(l)).filter((c): c is MonitorCommand => c !== undefined);

    test(`${flavor}: every monitored command yields exactly its keys`, () => {
      const fromClients = commands.filter((c) => c.client !== 'lua');
      expect(fromClients.map((c) => c.args[0]!.toString())).toEqual(SENT_KEYS.map(([name]) => name));
      fromClients.forEach((c, i) => {
        const expected = SENT_KEYS[i]![1].map((k) => (typeof k === 'string' ? Buffer.from(k) : k));
        expect(finder.keysOf(c.args)).toEqual(expected);
      });
    });

    test(`${flavor}: commands run by a script have their own keys (EVAL's keys are touched twice)`, () => {
      expect(commands.filter((c) => c.client === 'lua').map((c) => keys(finder.keysOf(c.args)))).toEqual([['ev:a'], ['ev:b']]);
    });

    test(`${flavor}: key specs of every shape`, () => {
      const cases: [string[], string[]][] = [
        // keyword + range with limit 2: the keys are the first half after STREAMS.
        [['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 's1', 's2', 's3', '>', '>', '>'], ['s1', 's2', 's3']],
        [['xread', 'count', '1', 'streams', 's1', '0'], ['s1']],
        // A key named like the keyword: the first match is the keyword.
        [['XREAD', 'STREAMS', 'streams', '0'], ['streams']],
        // keynum at different offsets.
        [['LMPOP', '2', 'l1', 'l2', 'LEFT', 'COUNT', '3'], ['l1', 'l2']],
        [['BLMPOP', '0.5', '2', 'l1', 'l2', 'RIGHT'], ['l1', 'l2']],
        [['SINTERCARD', '2', 'a', 'b', 'LIMIT', '1'], ['a', 'b']],
        [['FCALL', 'fn', '1', 'k', 'arg'], ['k']],
        [['EVALSHA', 'abc', '0', 'arg'], []],
        // Fewer keys than numkeys claims (the server replies with an error): no out-of-range keys.
        [['EVALSHA', 'abc', '3', 'a', 'b'], ['a', 'b']],
        [['EVAL', 's', 'x', 'a'], []],
        [['EVAL', 's', '-1', 'a'], []],
        // lastkey -2: the timeout is not a key.
        [['BLPOP', 'a', 'b', 'c', '0'], ['a', 'b', 'c']],
        // Two index specs, one of them open-ended.
        [['BITOP', 'AND', 'dest', 'a', 'b', 'c'], ['dest', 'a', 'b', 'c']],
        [['RENAME', 'a', 'b'], ['a', 'b']],
        [['LMOVE', 'a', 'b', 'LEFT', 'RIGHT'], ['a', 'b']],
        [['ZRANGESTORE', 'dst', 'src', '0', '-1'], ['dst', 'src']],
        [['GETEX', 'k', 'EX', '10'], ['k']],
        // Keyword specs that may be absent.
        [['GEORADIUS', 'src', '1', '2', '3', 'm', 'STORE', 'dst'], ['src', 'dst']],
        [['GEORADIUS', 'src', '1', '2', '3', 'm', 'STOREDIST', 'd2'], ['src', 'd2']],
        [['GEORADIUS', 'src', '1', '2', '3', 'm', 'WITHDIST'], ['src']],
        [['MIGRATE', 'h', '6379', 'k', '0', '5000'], ['k']],
        // SORT's BY/GET/STORE keys are "unknown" specs: only the sorted key is found.
        [['SORT', 'list', 'BY', 'w_*', 'STORE', 'dst'], ['list']],
        // Subcommands.
        [['OBJECT', 'FREQ', 'k'], ['k']],
        [['object', 'encoding', 'k'], ['k']],
        [['XINFO', 'STREAM', 's'], ['s']],
        [['XINFO', 'HELP'], []],
        [['OBJECT'], []],
        [['OBJECT', 'NOSUCH', 'k'], []],
        [['CLIENT', 'LIST'], []],
        // No keys, unknown commands, nothing at all.
        [['KEYS', '*'], []],
        [['SCAN', '0'], []],
        [['NOSUCHCOMMAND', 'k'], []],
        [[], []],
      ];
      for (const [args, expected] of cases) expect({ args, keys: keys(finder.keysOf(argv(...args))) }).toEqual({ args, keys: expected });
    });

    test(`${flavor}: keyIndexes are argument positions, ascending`, () => {
      expect(finder.keyIndexes(argv('ZUNIONSTORE', 'dst', '2', 'a', 'b', 'WEIGHTS', '1', '2'))).toEqual([1, 3, 4]);
      expect(finder.keyIndexes(argv('MSET', 'a', '1', 'b', '2'))).toEqual([1, 3]);
      expect(finder.keyIndexes(argv('MGET', 'a', 'a'))).toEqual([1, 2]);
      expect(finder.knows('Get')).toBe(true);
      expect(finder.knows('nosuchcommand')).toBe(false);
    });

    test(`${flavor}: a callBuffer reply (names as Buffers) gives the same keys`, () => {
      const asBuffers = (v: unknown): unknown => (typeof v === 'string' ? Buffer.from(v) : Array.isArray(v) ? v.map(asBuffers) : v);
      const fromBuffers = commandKeys(asBuffers(f.commandInfo));
      for (const c of commands) expect(fromBuffers.keysOf(c.args)).toEqual(finder.keysOf(c.args));
    });

    test(`${flavor}: without key specs (Redis 6 replies) first/last/step is used`, () => {
      const legacy = commandKeys(f.commandInfo.map((e) => (e as unknown[]).slice(0, 7)));
      expect(keys(legacy.keysOf(argv('MSET', 'a', '1', 'b', '2')))).toEqual(['a', 'b']);
      expect(keys(legacy.keysOf(argv('BLPOP', 'a', 'b', '0')))).toEqual(['a', 'b']);
      expect(keys(legacy.keysOf(argv('BITOP', 'OR', 'd', 'x', 'y')))).toEqual(['d', 'x', 'y']);
      expect(keys(legacy.keysOf(argv('GET', 'k')))).toEqual(['k']);
      // Movable keys cannot be found without key specs.
      expect(legacy.keysOf(argv('EVAL', 's', '1', 'k'))).toEqual([]);
    });
  }
});

describe('commandKeys on hand-written replies', () => {
  test('RESP3 maps work like flat arrays', () => {
    const spec = new Map<string, unknown>([
      ['begin_search', new Map<string, unknown>([['type', 'index'], ['spec', new Map([['index', 1]])]])],
      ['find_keys', new Map<string, unknown>([['type', 'range'], ['spec', { lastkey: -1, keystep: 2, limit: 0 }]])],
    ]);
    const finder = commandKeys([['mset', -3, [], 1, -1, 2, [], [], [spec], []]]);
    expect(keys(finder.keysOf(argv('MSET', 'a', '1', 'b', '2')))).toEqual(['a', 'b']);
  });

  test('a command whose specs are all unknown falls back to first/last/step', () => {
    const unknown = ['begin_search', ['type', 'unknown', 'spec', []], 'find_keys', ['type', 'unknown', 'spec', []]];
    const finder = commandKeys([['mod.cmd', -2, [], 1, 1, 1, [], [], [unknown], []]]);
    expect(keys(finder.keysOf(argv('MOD.CMD', 'k', 'x')))).toEqual(['k']);
  });

  test('nil entries (commands the server lacks) and malformed entries are skipped', () => {
    const finder = commandKeys([null, 'junk', ['get', 2, [], 1, 1, 1]]);
    expect(keys(finder.keysOf(argv('GET', 'k')))).toEqual(['k']);
  });

  test('a reply that is not an array is an error', () => {
    expect(() => commandKeys('OK')).toThrow(/expected an array/);
  });
});
