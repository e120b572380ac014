import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromJson, type Json } from '../../test/fixtures/json.ts';
import { commandDocs } from './commandDocs.ts';
import { blockingTimeout, capTimeout, commandTable, lookupCommand, policyFor, readIntrospection, type DocArgument } from './commandPolicy.ts';

const flavors = ['redis7', 'valkey8', 'valkey9', 'redis8'] as const;
const fixture = (flavor: string, name: string) => fromJson((JSON.parse(readFileSync(join(import.meta.dir, '../../test/fixtures/commands', `${flavor}-${name}.json`), 'utf8')) as { reply: Json }).reply);
const argv = (line: string) => line.split(' ').map((a) => Buffer.from(a));

for (const flavor of flavors) {
  describe(`command policy on ${flavor}'s COMMAND and COMMAND DOCS`, () => {
    const table = commandTable(fixture(flavor, 'command'));
    const docs = commandDocs(fixture(flavor, 'command-docs'));
    const verdict = (line: string) => {
      const a = argv(line);
      const meta = lookupCommand(table, a);
      return policyFor(meta, a, meta ? docs.get(meta.name)?.arguments : undefined);
    };
    const kind = (line: string) => {
      const v = verdict(line);
      if (v.kind === 'refused') return 'refused';
      return [v.readOnlyWhy ? 'write' : 'read', v.confirmWhy ? 'confirm' : '', v.timeout ? 'bounded' : ''].filter(Boolean).join('+');
    };

    test.each([
      ['GET k', 'read'],
      ['SET k v', 'write'],
      ['DEL k', 'write'],
      ['INFO', 'read'],
      ['INFO server', 'read'],
      ['CONFIG GET maxmemory', 'read'],
      ['CLIENT LIST', 'read'],
      ['SLOWLOG GET 10', 'read'],
      ['COMMAND DOCS get', 'read'],
      ['DBSIZE', 'read'],
      ['SCAN 0', 'read'],
      ['ROLE', 'read'],
      ['CLUSTER INFO', 'read'],
      ['LATENCY LATEST', 'read'],
      ['MEMORY USAGE k', 'read'],
      ['CONFIG HELP', 'read'],
      ['EVAL_RO return 1 0', 'read'],
      ['KEYS *', 'read+confirm'],
      ['FLUSHALL', 'write+confirm'],
      ['FLUSHDB', 'write+confirm'],
      ['SWAPDB 0 1', 'write+confirm'],
      ['CONFIG SET maxmemory 1gb', 'write+confirm'],
      ['CONFIG RESETSTAT', 'write+confirm'],
      ['CLIENT KILL ID 1', 'write+confirm'],
      ['DEBUG SLEEP 0', 'write+confirm'],
      ['SHUTDOWN', 'write+confirm'],
      ['CLUSTER RESET', 'write+confirm'],
      ['CLUSTER FAILOVER', 'write+confirm'],
      ['REPLICAOF NO ONE', 'write+confirm'],
      ['ACL SETUSER ada', 'write+confirm'],
      ['ACL LIST', 'write+confirm'],
      ['SCRIPT FLUSH', 'write+confirm'],
      ['FUNCTION FLUSH', 'write+confirm'],
      ['FUNCTION DELETE lib', 'write+confirm'],
      ['EVAL return 1 0', 'write'],
      ['PUBLISH ch m', 'write'],
      ['PUBSUB CHANNELS', 'read'],
      ['MIGRATE h 1 k 0 100', 'write+confirm'],
      ['BLPOP k 0', 'write+bounded'],
      ['BLMPOP 0 1 k LEFT', 'write+bounded'],
      ['XREAD BLOCK 0 STREAMS s $', 'read+bounded'],
      ['XREAD STREAMS s 0', 'read+bounded'],
      ['MONITOR', 'refused'],
      ['SUBSCRIBE ch', 'refused'],
      ['PSUBSCRIBE ch*', 'refused'],
      ['SSUBSCRIBE ch', 'refused'],
      ['MULTI', 'refused'],
      ['EXEC', 'refused'],
      ['WATCH k', 'refused'],
      ['AUTH pw', 'refused'],
      ['HELLO 3', 'refused'],
      ['SELECT 1', 'refused'],
      ['CLIENT REPLY OFF', 'refused'],
      ['SYNC', 'refused'],
      ['SCRIPT DEBUG YES', 'refused'],
      ['NOSUCHCOMMAND x', 'read'],
      ['PING', 'read'],
      ['MSET a 1 b 2', 'write'],
      ['SCRIPT LOAD return', 'write'],
      ['CLIENT SETNAME x', 'read'],
    ])('%s -> %s', (line, want) => {
      expect(kind(line)).toBe(want);
    });

    test('blocking commands named alone (as the autocomplete list does) are bounded, not refused', () => {
      for (const name of ['BLPOP', 'BRPOP', 'BLMOVE', 'BZPOPMIN', 'BLMPOP', 'XREAD', 'XREADGROUP']) expect(kind(name)).toEndWith('+bounded');
    });

    test('WAIT is bounded where the server flags it blocking (Valkey, Redis 8); Redis 7 relies on the command timeout', () => {
      expect(kind('WAIT 1 0')).toBe(flavor === 'redis7' ? 'read' : 'read+bounded');
    });

    test('every named introspection command is one the rules would otherwise hold back, or absent here', () => {
      for (const name of readIntrospection) {
        const meta = table.get(name.split('|')[0]!)?.subcommands?.get(name) ?? table.get(name);
        if (!meta) continue;
        expect(meta.flags.has('write')).toBe(false);
      }
    });

    test('no command with the write flag is allowed under read-only', () => {
      for (const top of table.values()) {
        for (const meta of [top, ...(top.subcommands?.values() ?? [])]) {
          if (!meta.flags.has('write')) continue;
          const v = policyFor(meta, [Buffer.from(meta.name.split('|')[0]!), ...(meta.name.includes('|') ? [Buffer.from(meta.name.split('|')[1]!)] : []), Buffer.from('k'), Buffer.from('0')], docs.get(meta.name)?.arguments);
          expect(v.kind === 'refused' || v.readOnlyWhy !== undefined).toBe(true);
        }
      }
    });
  });
}

describe('blocking timeouts', () => {
  const blpop: DocArgument[] = [{ name: 'key', type: 'key', flags: ['multiple'] }, { name: 'timeout', type: 'double', flags: [] }];
  const xread: DocArgument[] = [{ name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] }, { name: 'milliseconds', type: 'integer', token: 'BLOCK', flags: ['optional'] }];
  test('found by name and position, or after BLOCK', () => {
    expect(blockingTimeout(argv('BLPOP a b 0'), blpop)).toEqual({ index: 3, unit: 's' });
    expect(blockingTimeout(argv('XREAD COUNT 1 block 0 STREAMS s $'), xread)).toEqual({ index: 4, unit: 'ms' });
    expect(blockingTimeout(argv('BLPOP a 0'), undefined)).toBeUndefined();
  });
  test('capped: 0 and large values become the cap, small ones stay', () => {
    const s = { index: 2, unit: 's' } as const;
    expect(capTimeout(argv('BLPOP k 0'), s).argv.map(String)).toEqual(['BLPOP', 'k', '5']);
    expect(capTimeout(argv('BLPOP k 60'), s).capped).toBe(true);
    expect(capTimeout(argv('BLPOP k 0.5'), s)).toEqual({ argv: argv('BLPOP k 0.5'), capped: false });
    expect(capTimeout(argv('XREAD BLOCK 0 STREAMS s $'), { index: 2, unit: 'ms' }).argv.map(String)[2]).toBe('5000');
    expect(capTimeout(argv('BLPOP k x'), s).capped).toBe(false);
  });
});
