// Tests capability detection on COMMAND LIST / COMMAND INFO replies captured from each flavor.
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromJson, type Json } from '../../test/fixtures/json.ts';
import { containerCommands, has, parseCapabilities } from './capabilities.ts';

function fixture(flavor: string, name: string): unknown {
  const f = JSON.parse(readFileSync(join(import.meta.dir, '../../test/fixtures', flavor, `${name}.json`), 'utf8')) as { reply: Json };
  return fromJson(f.reply);
}

// Read by hand from command-list.json and command-info-sample.json (COMMAND INFO of get, set, info, memory, cluster,
// hotkeys, commandlog, slowlog, latency, object, scan, config: nil for the ones a flavor lacks).
const flavors = [
  {
    flavor: 'redis7',
    present: ['memory', 'memory|stats', 'cluster|nodes', 'cluster|shards', 'latency|latest', 'latency|history', 'slowlog|get', 'object|freq', 'scan', 'info', 'hello', 'acl', 'debug', 'monitor'],
    absent: ['commandlog', 'commandlog|get', 'hotkeys', 'hotkeys|get', 'cluster|slot-stats', 'clusterscan', 'json.get'],
  },
  {
    flavor: 'valkey8',
    present: ['memory|stats', 'cluster|slot-stats', 'cluster|myshardid', 'latency|latest', 'slowlog|get'],
    absent: ['commandlog', 'commandlog|get', 'hotkeys', 'clusterscan'],
  },
  {
    flavor: 'valkey9',
    present: ['commandlog', 'commandlog|get', 'commandlog|len', 'cluster|slot-stats', 'clusterscan', 'memory|stats', 'slowlog|get'],
    absent: ['hotkeys', 'hotkeys|get'],
  },
  {
    flavor: 'redis8',
    present: ['hotkeys', 'hotkeys|get', 'hotkeys|start', 'hotkeys|stop', 'cluster|slot-stats', 'memory|stats', 'slowlog|get'],
    absent: ['commandlog', 'commandlog|get', 'clusterscan'],
  },
];

describe('parseCapabilities on real replies', () => {
  test.each(flavors)('$flavor: what it has and lacks', ({ flavor, present, absent }) => {
    const caps = parseCapabilities(fixture(flavor, 'command-list'), fixture(flavor, 'command-info-sample'));
    for (const c of present) expect(caps).toContain(c);
    for (const c of absent) expect(caps).not.toContain(c);
    expect(caps).toEqual([...caps].sort());
    expect(new Set(caps).size).toBe(caps.length);
    for (const c of caps) expect(c).toBe(c.toLowerCase());
  });

  test.each(flavors)('$flavor: COMMAND INFO alone (COMMAND LIST denied by ACL) still finds the subcommands', ({ flavor, present, absent }) => {
    const caps = parseCapabilities(undefined, fixture(flavor, 'command-info-sample'));
    for (const c of present.filter((p) => p.includes('|'))) expect(has(caps, c)).toBe(true);
    for (const c of absent) expect(has(caps, c)).toBe(false);
  });

  test.each(flavors)('$flavor: COMMAND LIST alone gives only the listed top-level commands Skyscope cares about', ({ flavor }) => {
    const list = fixture(flavor, 'command-list') as string[];
    const caps = parseCapabilities(list, undefined);
    expect(caps.every((c) => !c.includes('|'))).toBe(true);
    expect(caps.every((c) => list.includes(c))).toBe(true);
    expect(caps).toContain('memory');
    expect(caps).toContain('info');
    // Plain data commands are not capabilities.
    expect(caps).not.toContain('get');
  });
});

describe('parseCapabilities (synthetic)', () => {
  test('nothing known gives no capabilities; has() on undefined is false', () => {
    expect(parseCapabilities(undefined, undefined)).toEqual([]);
    expect(parseCapabilities('ERR', { not: 'an array' })).toEqual([]);
    expect(has(undefined, 'memory|stats')).toBe(false);
  });

  test('upper-case names and Buffers are normalised; nil and malformed entries are skipped', () => {
    const info = [null, [Buffer.from('MEMORY'), -2, [], 0, 0, 0, [], [], [], [[Buffer.from('MEMORY|STATS')], 'junk']], ['scan']];
    expect(parseCapabilities([Buffer.from('COMMANDLOG'), 'Hotkeys', 'get'], info)).toEqual(['commandlog', 'hotkeys', 'memory', 'memory|stats', 'scan']);
  });

  test('every container command Skyscope asks COMMAND INFO about is one it reports from COMMAND LIST', () => {
    expect(parseCapabilities(containerCommands.map((c) => c.toUpperCase()), undefined)).toEqual([...containerCommands].sort());
  });
});
