// Tests flag/env/file parsing into Config and the one-line errors for bad input.
import { expect, test } from 'bun:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.ts';

test('defaults: localhost target, port 8379, 7d retention, 1s INFO', () => {
  const c = loadConfig([], {});
  expect(c.targets.map((t) => t.display)).toEqual(['redis://127.0.0.1:6379']);
  expect(c.port).toBe(8379);
  expect(c.host).toBe('127.0.0.1');
  expect(c.db).toBe('./skyscope.duckdb');
  expect(c.retentionMs).toBe(7 * 86_400_000);
  expect(c.intervals).toEqual({ info: 1000, memory_stats: 5000, slot_stats: 10_000, topology: 10_000, commandlog: 5000, latency: 5000 });
  expect(Object.isFrozen(c)).toBe(true);
});

test('flags override env, env overrides file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skyscope-config-'));
  const file = join(dir, 'c.json');
  writeFileSync(file, JSON.stringify({ port: 9000, db: 'file.duckdb', targets: ['redis://file:1'], headless: true }));
  const c = loadConfig(['--config', file, '--db', 'flag.duckdb'], { SKYSCOPE_PORT: '9100' });
  expect(c.db).toBe('flag.duckdb');
  expect(c.port).toBe(9100);
  expect(c.headless).toBe(true);
  expect(c.targets[0]!.host).toBe('file');
});

test('--interval sets INFO and raises slower sources; SOURCE=DURATION sets one', () => {
  expect(loadConfig(['--interval', '10s'], {}).intervals).toEqual({ info: 10_000, memory_stats: 10_000, slot_stats: 10_000, topology: 10_000, commandlog: 10_000, latency: 10_000 });
  expect(loadConfig(['--interval', '1s', '--interval=memory_stats=1s'], {}).intervals.memory_stats).toBe(1000);
  expect(loadConfig(['--interval', '200ms', '--interval', 'commandlog=1s', '--interval', 'latency=2s'], {}).intervals).toMatchObject({ commandlog: 1000, latency: 2000 });
});

test('targets: several URLs, credentials kept out of display, SKYSCOPE_PASSWORD used when URL has none', () => {
  const c = loadConfig(['redis://u:secret@h1:7000', 'rediss://h2:7001/2?tls_insecure=1'], { SKYSCOPE_PASSWORD: 'envpw' });
  expect(c.targets.map((t) => t.display)).toEqual(['redis://u:***@h1:7000', 'rediss://:***@h2:7001/2']);
  expect(c.targets[0]!.password).toBe('secret');
  expect(c.targets[1]!.password).toBe('envpw');
  expect(c.targets[1]!.tls?.insecure).toBe(true);
  expect(c.targets[1]!.db).toBe(2);
});

test('sql subcommand takes one statement', () => {
  const c = loadConfig(['sql', '--port', '9999', 'SELECT 1'], {});
  expect(c.command).toBe('sql');
  expect(c.sql).toBe('SELECT 1');
  expect(c.port).toBe(9999);
});

test.each([
  [['--bogus'], /unknown option --bogus/],
  [['--port', 'abc'], /--port must be a number/],
  [['--port', '70000'], /--port must be a number/],
  [['--port'], /--port needs a value/],
  [['--interval', 'fast'], /not a duration/],
  [['--interval', 'slowlog=1s'], /unknown source "slowlog"/],
  [['--retention', '10m'], /at least 1h/],
  [['http://x:1'], /unsupported scheme "http:"/],
  [['redis://:pw@h:99999'], /invalid/],
  [['not a url'], /invalid target URL/],
  [['redis://h:1?foo=1'], /unknown option "foo"/],
  [['--headless=yes'], /takes no value/],
  [['--log-level', 'loud'], /--log-level/],
  [['sql'], /exactly one SQL statement/],
  [['demo', '--duration', 'soon'], /--duration: "soon" is not a duration/],
  [['demo', '--duration'], /--duration needs a value/],
  [['demo', '--ops', '0'], /--ops must be a whole number from 1 to 100000, got "0"/],
  [['demo', '--ops', '1.5'], /--ops must be a whole number/],
  [['demo', '--ops', 'lots'], /--ops must be a whole number/],
  [['demo', '--ops', '100001'], /--ops must be a whole number/],
  [['demo', '--no-open=1'], /--no-open takes no value/],
  [['demo', 'redis://127.0.0.1:6379'], /demo takes no server URLs/],
  [['demo', '--port', 'x'], /--port must be a number/],
  [['--no-open'], /--no-open only applies to `skyscope demo`/],
  [['--duration', '10s'], /--duration only applies to `skyscope demo`/],
  [['sql', '--ops', '5', 'SELECT 1'], /--ops only applies to `skyscope demo`/],
])('bad input %p gives one line', (argv, message) => {
  let err: unknown;
  try {
    loadConfig(argv as string[], {});
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).message).toMatch(message);
  expect((err as Error).message).not.toContain('\n');
});

test('a password in a bad URL does not appear in the error', () => {
  expect(() => loadConfig(['redis://user:hunter2@host:notaport'], {})).toThrow(ConfigError);
  try {
    loadConfig(['redis://user:hunter2@host:notaport'], {});
  } catch (e) {
    expect((e as Error).message).not.toContain('hunter2');
  }
});

test('demo subcommand: own default db, default rate, --no-open, --duration, --ops; no targets', () => {
  const d = loadConfig(['demo'], { SKYSCOPE_TARGETS: 'redis://ignored:1' });
  expect(d.command).toBe('demo');
  expect(d.db).toBe('./skyscope-demo.duckdb');
  expect(d.port).toBe(8379);
  expect(d.targets).toEqual([]);
  expect(d.demo).toEqual({ open: true, durationMs: undefined, opsPerSecond: 1000, portGiven: false });
  expect(Object.isFrozen(d.demo)).toBe(true);

  const c = loadConfig(['demo', '--no-open', '--duration', '30s', '--ops=2500', '--port', '0', '--db', 'x.duckdb', '--log-level', 'warn'], {});
  expect(c.demo).toEqual({ open: false, durationMs: 30_000, opsPerSecond: 2500, portGiven: true });
  expect(c.port).toBe(0);
  expect(c.db).toBe('x.duckdb');
  expect(c.logLevel).toBe('warn');
  expect(loadConfig(['demo'], { SKYSCOPE_PORT: '9000', SKYSCOPE_DB: 'env.duckdb' })).toMatchObject({ port: 9000, db: 'env.duckdb', demo: { portGiven: true } });
  expect(loadConfig(['demo', '--help'], {}).command).toBe('help');
});

test('hot-key schedule: --hotkeys-every (at least 1m, longer than a run) and --hotkeys-duration (1s..5m)', () => {
  expect(loadConfig([]).hotkeysEveryMs).toBeNull();
  const c = loadConfig(['--hotkeys-every', '1h', '--hotkeys-duration', '45s']);
  expect([c.hotkeysEveryMs, c.hotkeysDurationMs]).toEqual([3_600_000, 45_000]);
  expect(loadConfig([], { SKYSCOPE_HOTKEYS_EVERY: '10m' }).hotkeysEveryMs).toBe(600_000);
  expect(() => loadConfig(['--hotkeys-every', '30s'])).toThrow(/at least 1m/);
  expect(() => loadConfig(['--hotkeys-every', 'often'])).toThrow(ConfigError);
  expect(() => loadConfig(['--hotkeys-duration', '10m'])).toThrow(/1s to 5m/);
  expect(() => loadConfig(['--hotkeys-every', '1m', '--hotkeys-duration', '2m'])).toThrow(/longer than/);
});
