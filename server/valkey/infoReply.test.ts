// Tests the INFO text parser on INFO replies captured from each flavor (test/fixtures), plus synthetic edge cases.
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromJson, type Json } from '../../test/fixtures/json.ts';
import { infoField, numericValue, parseInfo, parseKeyValueList, serverIdentity } from './infoReply.ts';

function fixtureText(flavor: string, name: string): string {
  const f = JSON.parse(readFileSync(join(import.meta.dir, '../../test/fixtures', flavor, `${name}.json`), 'utf8')) as { reply: Json };
  return String(fromJson(f.reply));
}

interface FlavorCase {
  flavor: string;
  identity: ReturnType<typeof serverIdentity>;
  redisVersion: string;
  sections: string[];
  executable: string;
  usedMemory: string;
  tcpPort: string;
  cmdstatGet: string;
  slave0: Record<string, string> & { port: string };
  db0: Record<string, string>;
}

// Values read by hand from test/fixtures/<flavor>/info-all.json and info-replica.json.
const flavors: FlavorCase[] = [
  {
    flavor: 'redis7', identity: { flavor: 'redis', version: '7.0.15' }, redisVersion: '7.0.15',
    sections: ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'commandstats', 'errorstats', 'latencystats', 'cluster', 'keyspace'],
    executable: '/tmp/skyscope-test-redis7-chaYEH/redis-server', usedMemory: '1546504', tcpPort: '13310',
    cmdstatGet: 'calls=102,usec=60,usec_per_call=0.59,rejected_calls=0,failed_calls=1',
    slave0: { ip: '127.0.0.1', port: '14869', state: 'online', offset: '22425', lag: '0' },
    db0: { keys: '58', expires: '1', avg_ttl: '3599950' },
  },
  {
    flavor: 'valkey8', identity: { flavor: 'valkey', version: '8.0.1' }, redisVersion: '7.2.4',
    sections: ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'commandstats', 'errorstats', 'latencystats', 'cluster', 'keyspace'],
    executable: '/tmp/skyscope-test-valkey8-NsUMoT/valkey-server', usedMemory: '1624856', tcpPort: '14591',
    cmdstatGet: 'calls=102,usec=39,usec_per_call=0.38,rejected_calls=0,failed_calls=1',
    slave0: { ip: '127.0.0.1', port: '17225', state: 'online', offset: '22425', lag: '0', type: 'replica' },
    db0: { keys: '58', expires: '1', avg_ttl: '0' },
  },
  {
    flavor: 'valkey9', identity: { flavor: 'valkey', version: '9.1.2' }, redisVersion: '7.2.4',
    sections: ['server', 'tls', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'commandstats', 'errorstats', 'latencystats', 'cluster', 'cluster info', 'scripting engines', 'keyspace'],
    executable: '/tmp/skyscope-test-valkey9-LOzZyC/valkey-server', usedMemory: '1569648', tcpPort: '16897',
    cmdstatGet: 'calls=102,usec=45,usec_per_call=0.44,rejected_calls=0,failed_calls=1',
    slave0: { ip: '127.0.0.1', port: '13988', state: 'online', offset: '22439', lag: '0', type: 'replica' },
    db0: { keys: '58', expires: '1', avg_ttl: '0', keys_with_volatile_items: '0' },
  },
  {
    flavor: 'redis8', identity: { flavor: 'redis', version: '8.6.3' }, redisVersion: '8.6.3',
    sections: ['server', 'clients', 'memory', 'persistence', 'threads', 'stats', 'replication', 'cpu', 'hotkeys', 'modules', 'commandstats', 'errorstats', 'latencystats', 'cluster', 'keyspace', 'keysizes'],
    executable: '/tmp/skyscope-test-redis8-hfaZ3W/redis-server', usedMemory: '1655560', tcpPort: '10411',
    cmdstatGet: 'calls=102,usec=27,usec_per_call=0.26,rejected_calls=0,failed_calls=1',
    slave0: { ip: '127.0.0.1', port: '12504', state: 'online', offset: '22425', lag: '0', 'io-thread': '0' },
    db0: { keys: '58', expires: '1', avg_ttl: '0', subexpiry: '0' },
  },
];

describe('parseInfo on real INFO everything replies', () => {
  test.each(flavors)('$flavor: sections, in order, lower case', ({ flavor, sections }) => {
    expect(Object.keys(parseInfo(fixtureText(flavor, 'info-all')))).toEqual(sections);
  });

  test.each(flavors)('$flavor: fields, values with ":" kept whole', ({ flavor, redisVersion, executable, usedMemory, tcpPort }) => {
    const info = parseInfo(fixtureText(flavor, 'info-all'));
    expect(info['server']!['redis_version']).toBe(redisVersion);
    expect(info['server']!['tcp_port']).toBe(tcpPort);
    expect(info['server']!['executable']).toBe(executable);
    expect(info['memory']!['used_memory']).toBe(usedMemory);
    expect(info['replication']!['role']).toBe('master');
    expect(info['replication']!['connected_slaves']).toBe('1');
    expect(info['stats']!['keyspace_hits']).toBe('93');
    expect(info['stats']!['keyspace_misses']).toBe('10');
    // No value keeps the CR of the CRLF line ending.
    for (const fields of Object.values(info)) for (const v of Object.values(fields)) expect(v.endsWith('\r')).toBe(false);
  });

  test.each(flavors)('$flavor: serverIdentity', ({ flavor, identity }) => {
    expect(serverIdentity(parseInfo(fixtureText(flavor, 'info-all')))).toEqual(identity);
    expect(serverIdentity(parseInfo(fixtureText(flavor, 'info-replica')))).toEqual(identity);
  });

  test.each(flavors)('$flavor: the replica reports its primary', ({ flavor, tcpPort, slave0 }) => {
    const info = parseInfo(fixtureText(flavor, 'info-replica'));
    expect(info['replication']!['role']).toBe('slave');
    expect(info['replication']!['master_host']).toBe('127.0.0.1');
    expect(info['replication']!['master_port']).toBe(tcpPort);
    expect(info['replication']!['master_link_status']).toBe('up');
    // The replica's own port is the one its primary lists as slave0.
    expect(info['server']!['tcp_port']).toBe(slave0.port);
  });

  test.each(flavors)('$flavor: parseKeyValueList on commandstats, slaveN and keyspace lines', ({ flavor, cmdstatGet, slave0, db0 }) => {
    const info = parseInfo(fixtureText(flavor, 'info-all'));
    expect(info['commandstats']!['cmdstat_get']).toBe(cmdstatGet);
    expect(parseKeyValueList(info['commandstats']!['cmdstat_get']!)['calls']).toBe('102');
    expect(parseKeyValueList(info['replication']!['slave0']!)).toEqual(slave0);
    expect(parseKeyValueList(info['keyspace']!['db0']!)).toEqual(db0);
  });

  test.each(flavors)('$flavor: infoField finds a field in any section', ({ flavor, usedMemory }) => {
    const info = parseInfo(fixtureText(flavor, 'info-all'));
    expect(infoField(info, 'used_memory')).toBe(usedMemory);
    expect(infoField(info, 'no_such_field')).toBeUndefined();
  });
});

describe('parseInfo edge cases (synthetic)', () => {
  test('LF and CRLF line endings parse the same', () => {
    const lf = '# Server\nredis_version:7.0.15\nexecutable:/usr/bin/redis-server\n\n# Replication\nrole:master\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    const want = { server: { redis_version: '7.0.15', executable: '/usr/bin/redis-server' }, replication: { role: 'master' } };
    expect(parseInfo(lf)).toEqual(want);
    expect(parseInfo(crlf)).toEqual(want);
  });

  test('only the first ":" splits: paths with ":" and IPv6 addresses stay whole', () => {
    const info = parseInfo('# Server\r\nexecutable:C:/redis/redis-server\r\n# Replication\r\nmaster_host:fe80::1:2\r\nslave0:ip=::1,port=6380,state=online,offset=5,lag=0\r\n');
    expect(info['server']!['executable']).toBe('C:/redis/redis-server');
    expect(info['replication']!['master_host']).toBe('fe80::1:2');
    expect(parseKeyValueList(info['replication']!['slave0']!)['ip']).toBe('::1');
  });

  test('empty reply and a reply of only headers', () => {
    expect(parseInfo('')).toEqual({});
    expect(parseInfo('\r\n')).toEqual({});
    expect(parseInfo('# Keyspace\r\n')).toEqual({ keyspace: {} });
  });

  test('fields before any header go to the "" section; lines without a field name are ignored', () => {
    expect(parseInfo('loading:0\r\n:orphan\r\nnocolon\r\n# Stats\r\nx:1\r\n')).toEqual({ '': { loading: '0' }, stats: { x: '1' } });
  });

  test('a repeated header merges into one section; section names are trimmed and lower case', () => {
    expect(parseInfo('#  Cluster Info \r\na:1\r\n# cluster info\r\nb:2\r\n')).toEqual({ 'cluster info': { a: '1', b: '2' } });
  });

  test('an empty value is kept as ""', () => {
    expect(parseInfo('# Server\r\nconfig_file:\r\n')).toEqual({ server: { config_file: '' } });
  });
});

describe('parseKeyValueList', () => {
  test.each([
    ['calls=2,usec=11,usec_per_call=5.50', { calls: '2', usec: '11', usec_per_call: '5.50' }],
    ['p50=0.001,p99=4.015,p99.9=11.007', { p50: '0.001', p99: '4.015', 'p99.9': '11.007' }],
    ['count=11', { count: '11' }],
    ['', {}],
    ['=x,novalue,a=', { a: '' }],
    // Only the first '=' splits (module option lists carry '=' and '|' in values).
    ['k=a=b', { k: 'a=b' }],
  ])('%p', (text, want) => {
    expect(parseKeyValueList(text)).toEqual(want);
  });
});

describe('numericValue', () => {
  test.each([
    ['1546504', 1546504],
    ['0.000516', 0.000516],
    ['-1', -1],
    ['1.73', 1.73],
    ['ok', undefined],
    ['master', undefined],
    ['', undefined],
    [undefined, undefined],
    ['inf', undefined],
    ['Infinity', undefined],
    ['nan', undefined],
  ])('%p -> %p', (text, want) => {
    expect(numericValue(text)).toBe(want);
  });
});

describe('serverIdentity (synthetic)', () => {
  test.each([
    ['server_name without valkey_version', { server: { server_name: 'valkey', redis_version: '7.2.4' } }, { flavor: 'valkey', version: '7.2.4' }],
    ['no server section', {}, { flavor: 'redis', version: 'unknown' }],
    ['redis with no version', { server: { redis_mode: 'standalone' } }, { flavor: 'redis', version: 'unknown' }],
  ])('%s', (_, info, want) => {
    expect(serverIdentity(info)).toEqual(want as ReturnType<typeof serverIdentity>);
  });
});
