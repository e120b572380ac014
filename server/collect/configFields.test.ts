import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInfo } from '../valkey/infoReply.ts';
import { configChanges, configSnapshot } from './configFields.ts';

const fixture = (flavor: string) => parseInfo(JSON.parse(readFileSync(join(import.meta.dir, '..', '..', 'test', 'fixtures', flavor, 'info-all.json'), 'utf8')).reply);

describe('config fields from INFO', () => {
  test.each(['redis7', 'valkey8', 'valkey9', 'redis8'])('%s reports maxmemory, its policy and maxclients', (flavor) => {
    const snap = configSnapshot(fixture(flavor));
    expect(snap.maxmemory).toMatch(/^\d+$/);
    expect(snap.maxmemory_policy).toBeTruthy();
    expect(snap.maxclients).toMatch(/^\d+$/);
  });

  test('a changed value is a change; a missing one is not', () => {
    const before = configSnapshot(fixture('valkey9'));
    expect(configChanges(before, before)).toEqual([]);
    const after = { ...before, maxmemory: '104857600', maxmemory_policy: 'allkeys-lru' };
    delete after.maxclients;
    expect(configChanges(before, after)).toEqual([
      { field: 'maxmemory', from: before.maxmemory!, to: '104857600' },
      { field: 'maxmemory_policy', from: before.maxmemory_policy!, to: 'allkeys-lru' },
    ]);
  });
});
