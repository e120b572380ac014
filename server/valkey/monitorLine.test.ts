// Tests the MONITOR line parser on output captured from Redis 7, Valkey 8, Valkey 9 and Redis 8 (test/fixtures/monitor/).
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLAVORS } from '../../test/servers/flavors.ts';
import { fromJson, type Json } from '../../test/fixtures/json.ts';
import { parseMonitorLine, type MonitorCommand } from './monitorLine.ts';

interface MonitorFixture {
  flavor: string;
  version: string;
  /** What captureMonitor.ts sent, in order (the unix-socket GET comes just before the final ECHO). */
  sent: Buffer[][];
  /** Status lines exactly as read from the socket, with the RESP `+`. */
  lines: string[];
}

function fixture(flavor: string): MonitorFixture {
  const f = JSON.parse(readFileSync(join(import.meta.dir, '../../test/fixtures/monitor', `${flavor}.json`), 'utf8')) as { flavor: string; version: string; sent: Json[][]; lines: string[] };
  return { flavor: f.flavor, version: f.version, sent: f.sent.map((args) => args.map((a) => (typeof a === 'string' ? Buffer.from(a, 'utf8') : (fromJson(a) as Buffer)))), lines: f.lines };
}

const text = (c: MonitorCommand): string[] => c.args.map((a) => a.toString('latin1'));

describe('parseMonitorLine on real MONITOR output', () => {
  for (const flavor of FLAVORS) {
    const f = fixture(flavor);
    const parsed = f.lines.map((l) => parseMonitorLine(l));
    const fromClients = parsed.filter((c): c is MonitorCommand => c !== undefined && c.client !== 'lua');

    test(`${flavor}: the +OK reply is not a command, every other line is`, () => {
      expect(f.lines[0]).toBe('+OK');
      expect(parsed[0]).toBeUndefined();
      expect(parsed.slice(1).every((c) => c !== undefined)).toBe(true);
    });

    test(`${flavor}: every sent command comes back with exactly the sent bytes`, () => {
      expect(fromClients.length).toBe(f.sent.length);
      fromClients.forEach((c, i) => {
        const sent = f.sent[i]!;
        // The one deliberate difference: MONITOR hides passwords.
        const expected = sent[0]!.toString() === 'AUTH' ? [sent[0]!, Buffer.from('(redacted)')] : sent;
        expect(c.args.length).toBe(expected.length);
        c.args.forEach((arg, j) => expect(Buffer.compare(arg, expected[j]!)).toBe(0));
      });
    });

    test(`${flavor}: binary key bytes and every escape round-trip`, () => {
      const binary = fromClients.find((c) => text(c)[0] === 'GET' && c.args[1]![0] === 0x62 && c.args[1]!.length === 7)!;
      expect([...binary.args[1]!]).toEqual([0x62, 0x69, 0x6e, 0xff, 0xfe, 0x00, 0x01]);
      const awkward = fromClients.find((c) => text(c)[1] === 'awkward')!;
      expect(awkward.args[2]!.toString('utf8')).toBe('say "hi" \\ back\nslash\ttab\rcr\x07bell\x08bs\x7fdel caf\u00e9 end');
      const empty = fromClients.find((c) => text(c)[2] === 'empty key')!;
      expect(empty.args[1]!.length).toBe(0);
    });

    test(`${flavor}: db, client and time`, () => {
      const select1 = fromClients.findIndex((c) => text(c).join(' ') === 'SELECT 1');
      // The db is the one after the command ran: SELECT 1 itself already reports 1, SELECT 0 reports 0.
      expect(fromClients.map((c) => c.db)).toEqual(fromClients.map((_, i) => (i === select1 || i === select1 + 1 ? 1 : 0)));
      const tcp = fromClients.filter((c) => !c.client.startsWith('unix:'));
      expect(tcp.every((c) => /^127\.0\.0\.1:\d+$/.test(c.client))).toBe(true);
      expect(new Set(tcp.map((c) => c.client)).size).toBe(1);
      const unix = fromClients.filter((c) => c.client.startsWith('unix:'));
      expect(unix.map((c) => [c.client, ...text(c)])).toEqual([[`unix:/tmp/skyscope-monitor-${flavor}.sock`, 'GET', 'via-unix']]);
      const first = f.lines[1]!;
      expect(parsed[1]!.ts).toBeCloseTo(Number(first.slice(1, first.indexOf(' '))), 6);
      const times = parsed.slice(1).map((c) => c!.ts);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    });

    test(`${flavor}: commands a script runs come as [db lua] right after the EVAL`, () => {
      const evalAt = parsed.findIndex((c) => c !== undefined && text(c)[0] === 'EVAL');
      const next = parsed.slice(evalAt + 1, evalAt + 3).map((c) => [c!.client, c!.db, ...text(c!)]);
      expect(next).toEqual([['lua', 0, 'SET', 'ev:a', 'x'], ['lua', 0, 'GET', 'ev:b']]);
      expect(parsed.filter((c) => c?.client === 'lua').length).toBe(2);
    });

    test(`${flavor}: a Buffer, a string, with or without the RESP + all parse the same`, () => {
      for (const line of f.lines.slice(1)) {
        const expected = parseMonitorLine(line);
        expect(parseMonitorLine(line.slice(1))).toEqual(expected);
        expect(parseMonitorLine(Buffer.from(line, 'latin1'))).toEqual(expected);
      }
    });
  }
});

describe('parseMonitorLine on hand-written lines', () => {
  test('IPv6 peers keep their brackets; large db numbers', () => {
    const c = parseMonitorLine('1700000000.000001 [15 [::1]:6379] "GET" "k"')!;
    expect(c.client).toBe('[::1]:6379');
    expect(c.db).toBe(15);
    expect(c.ts).toBeCloseTo(1700000000.000001, 6);
    expect(text(c)).toEqual(['GET', 'k']);
  });

  test('an argument that is only escapes, and a quote right before the closing quote', () => {
    const c = parseMonitorLine('1.5 [0 lua] "SET" "\\x00\\xFF\\\\" "a\\""')!;
    expect([...c.args[1]!]).toEqual([0x00, 0xff, 0x5c]);
    expect(c.args[2]!.toString()).toBe('a"');
  });

  test('escaped arguments are copies; plain ones share the line bytes', () => {
    const line = Buffer.from('1.5 [0 lua] "SET" "a\\nb" "plain"', 'latin1');
    const c = parseMonitorLine(line)!;
    expect(c.args[2]!.buffer).toBe(line.buffer);
    const again = parseMonitorLine('1.5 [0 lua] "SET" "x\\ty" "plain"')!;
    // The reused decoding buffer must not leak into earlier results.
    expect(c.args[1]!.toString()).toBe('a\nb');
    expect(again.args[1]!.toString()).toBe('x\ty');
  });

  test('what is not a command line is undefined, never an exception', () => {
    for (const line of [
      '', 'OK', '+OK', '-ERR unknown command', '1700000000.1 [0 127.0.0.1:1]', '1700000000.1 [0 127.0.0.1:1] GET',
      '1700000000.1 [0 127.0.0.1:1] "GET', '1700000000.1 [0 127.0.0.1:1] "GET" "a\\q"', '1700000000.1 [0 127.0.0.1:1] "GET" "\\xZZ"',
      '1700000000.1 [0 127.0.0.1:1] "GET""k"', '1700000000.1 [x 127.0.0.1:1] "GET"', '1700000000 [0 127.0.0.1:1] "GET"',
      '1700000000.1 [0 127.0.0.1:1] "GET" "k\\x4"',
    ]) {
      expect(parseMonitorLine(line)).toBeUndefined();
    }
  });
});
