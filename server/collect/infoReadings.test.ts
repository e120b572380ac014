// Tests INFO -> readings (catalog metrics, labelled families) and replicasOf on INFO replies captured from each flavor.
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromJson, type Json } from '../../test/fixtures/json.ts';
import { families } from '../metrics/catalog.ts';
import { seriesKey } from '../metrics/seriesKey.ts';
import { parseInfo } from '../valkey/infoReply.ts';
import { formatAddress, infoToReadings, replicasOf, type Reading } from './infoReadings.ts';

function fixtureInfo(flavor: string, name: string) {
  const f = JSON.parse(readFileSync(join(import.meta.dir, '../../test/fixtures', flavor, `${name}.json`), 'utf8')) as { reply: Json };
  return parseInfo(String(fromJson(f.reply)));
}

/** Readings by series key; also checks no series is read twice. */
function byKey(readings: Reading[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of readings) {
    const k = seriesKey(r.metric.name, r.labels);
    expect(m.has(k)).toBe(false);
    m.set(k, r.value);
  }
  return m;
}

// Values read by hand from test/fixtures/<flavor>/info-all.json (the primary) and info-replica.json.
const flavors = [
  {
    flavor: 'redis7', getUsec: 60, setCalls: 54, configGetCalls: 2, errors: { ERR: 11, WRONGTYPE: 1 }, errorReplies: 12, commands: 182,
    getLatency: { '50': 0.001, '99': 4.015, '99.9': 11.007 }, db0AvgTtl: 3599.95, usedMemory: 1546504, forkUsec: 308,
    replica: { address: '127.0.0.1:14869', offset: 22425 }, primaryOffset: 22462, replicaOwnOffset: 22462,
  },
  {
    flavor: 'valkey8', getUsec: 39, setCalls: 54, configGetCalls: 2, errors: { ERR: 7, WRONGTYPE: 1 }, errorReplies: 8, commands: 187,
    getLatency: { '50': 0.001, '99': 3.007, '99.9': 11.007 }, db0AvgTtl: 0, usedMemory: 1624856, forkUsec: 284,
    replica: { address: '127.0.0.1:17225', offset: 22425 }, primaryOffset: 22462, replicaOwnOffset: 22462,
  },
  {
    flavor: 'valkey9', getUsec: 45, setCalls: 54, configGetCalls: 4, errors: { ERR: 4, WRONGTYPE: 1 }, errorReplies: 5, commands: 194,
    getLatency: { '50': 0.001, '99': 3.007, '99.9': 9.023 }, db0AvgTtl: 0, usedMemory: 1569648, forkUsec: 504,
    replica: { address: '127.0.0.1:13988', offset: 22439 }, primaryOffset: 22476, replicaOwnOffset: 22476,
  },
  {
    flavor: 'redis8', getUsec: 27, setCalls: 54, configGetCalls: 2, errors: { ERR: 5, WRONGTYPE: 1 }, errorReplies: 6, commands: 191,
    getLatency: { '50': 0.001, '99': 4.015, '99.9': 6.015 }, db0AvgTtl: 0, usedMemory: 1655560, forkUsec: 353,
    replica: { address: '127.0.0.1:12504', offset: 22425 }, primaryOffset: 22462, replicaOwnOffset: 22462,
  },
];

describe('infoToReadings on real INFO replies', () => {
  test.each(flavors)('$flavor: commandstats -> calls, seconds, rejected, failed by cmd', ({ flavor, getUsec, setCalls, configGetCalls }) => {
    const r = byKey(infoToReadings(fixtureInfo(flavor, 'info-all')));
    expect(r.get('valkey_command_calls_total{cmd="get"}')).toBe(102);
    expect(r.get('valkey_command_duration_seconds_total{cmd="get"}')).toBe(getUsec / 1e6);
    expect(r.get('valkey_command_failed_calls_total{cmd="get"}')).toBe(1);
    expect(r.get('valkey_command_rejected_calls_total{cmd="get"}')).toBe(0);
    expect(r.get('valkey_command_calls_total{cmd="set"}')).toBe(setCalls);
    // Subcommands keep the server's "container|sub" spelling.
    expect(r.get('valkey_command_calls_total{cmd="config|get"}')).toBe(configGetCalls);
  });

  test.each(flavors)('$flavor: latencystats -> percentile labels "50", "99", "99.9" in seconds', ({ flavor, getLatency }) => {
    const readings = infoToReadings(fixtureInfo(flavor, 'info-all')).filter((x) => x.metric === families.commandLatency && x.labels!['cmd'] === 'get');
    expect(Object.fromEntries(readings.map((x) => [x.labels!['percentile'], x.value]))).toEqual({
      '50': getLatency['50'] / 1e6,
      '99': getLatency['99'] / 1e6,
      '99.9': getLatency['99.9'] / 1e6,
    });
    // Exact decimal text, not 0.0000040149999999999996.
    expect(String(readings.find((x) => x.labels!['percentile'] === '99')!.value)).toBe(`0.00000${String(getLatency['99']).replace('.', '')}`);
  });

  test.each(flavors)('$flavor: errorstats, keyspace and mapped fields', ({ flavor, errors, errorReplies, commands, db0AvgTtl, usedMemory, forkUsec }) => {
    const r = byKey(infoToReadings(fixtureInfo(flavor, 'info-all')));
    for (const [prefix, count] of Object.entries(errors)) expect(r.get(`valkey_errors_total{error="${prefix}"}`)).toBe(count);
    expect([...r.keys()].filter((k) => k.startsWith('valkey_errors_total{'))).toHaveLength(Object.keys(errors).length);
    expect(r.get('valkey_error_replies_total')).toBe(errorReplies);
    expect(r.get('valkey_db_keys{db="0"}')).toBe(58);
    expect(r.get('valkey_db_keys{db="1"}')).toBe(1);
    expect(r.get('valkey_db_keys_expiring{db="0"}')).toBe(1);
    expect(r.get('valkey_db_avg_ttl_seconds{db="0"}')).toBe(db0AvgTtl);
    expect(r.get('valkey_commands_processed_total')).toBe(commands);
    expect(r.get('valkey_memory_used_bytes')).toBe(usedMemory);
    expect(r.get('valkey_memory_max_bytes')).toBe(0);
    expect(r.get('valkey_keyspace_hits_total')).toBe(93);
    expect(r.get('valkey_keyspace_misses_total')).toBe(10);
    expect(r.get('valkey_latest_fork_seconds')).toBe(forkUsec / 1e6);
    expect(r.get('valkey_role_primary')).toBe(1);
    expect(r.get('valkey_connected_replicas')).toBe(1);
    expect(r.get('valkey_rdb_last_bgsave_ok')).toBe(1);
    expect(r.get('valkey_expired_stale_ratio')).toBe(0);
    expect(r.get('valkey_cluster_enabled')).toBe(0);
    // Fields without a catalog metric are kept raw, named by section and field.
    expect(r.get('valkey_info_field{field="total_system_memory",section="memory"}')).toBe(25276063744);
  });

  test.each(flavors)('$flavor: identities, clocks, text and replica lines are not readings', ({ flavor }) => {
    const readings = infoToReadings(fixtureInfo(flavor, 'info-all'));
    const fields = readings.filter((x) => x.metric === families.otherInfo).map((x) => x.labels!['field']);
    for (const f of ['process_id', 'tcp_port', 'server_time_usec', 'run_id', 'executable', 'slave0', 'master_replid', 'master_replid2', 'redis_build_id', 'redis_git_sha1', 'os', 'role']) {
      expect(fields).not.toContain(f);
    }
    for (const x of readings) expect(Number.isFinite(x.value)).toBe(true);
    // Nothing from the structured sections leaks into the raw family.
    const sections = new Set(readings.filter((x) => x.metric === families.otherInfo).map((x) => x.labels!['section']));
    for (const s of ['commandstats', 'latencystats', 'errorstats', 'keyspace']) expect(sections.has(s)).toBe(false);
  });

  test.each(flavors)('$flavor: a replica maps role and link status to 0/1', ({ flavor, replicaOwnOffset }) => {
    const r = byKey(infoToReadings(fixtureInfo(flavor, 'info-replica')));
    expect(r.get('valkey_role_primary')).toBe(0);
    expect(r.get('valkey_master_link_up')).toBe(1);
    expect(r.get('valkey_master_sync_in_progress')).toBe(0);
    expect(r.get('valkey_replication_offset_bytes')).toBe(replicaOwnOffset);
    expect(r.get('valkey_info_field{field="slave_repl_offset",section="replication"}')).toBe(replicaOwnOffset);
  });
});

describe('replicasOf on real INFO replies', () => {
  test.each(flavors)('$flavor: the primary lists its replica with offset and lag', ({ flavor, replica, primaryOffset }) => {
    expect(replicasOf(fixtureInfo(flavor, 'info-all'))).toEqual({
      primaryOffset,
      replicas: [{ address: replica.address, offset: replica.offset, lagSeconds: 0, state: 'online' }],
    });
  });

  test.each(flavors)('$flavor: a replica has no replicas', ({ flavor, replicaOwnOffset }) => {
    expect(replicasOf(fixtureInfo(flavor, 'info-replica'))).toEqual({ primaryOffset: replicaOwnOffset, replicas: [] });
  });
});

describe('synthetic INFO', () => {
  test('IPv6 replicas; incomplete slave lines are skipped; a missing lag stays undefined', () => {
    const info = parseInfo(
      '# Replication\r\nrole:master\r\nconnected_slaves:3\r\n' +
        'slave0:ip=::1,port=6380,state=online,offset=100,lag=2\r\n' +
        'slave1:ip=10.0.0.2,port=6381,state=wait_bgsave,offset=0\r\n' +
        'slave2:ip=10.0.0.3,state=online,offset=5,lag=0\r\n' +
        'master_repl_offset:150\r\n',
    );
    expect(replicasOf(info)).toEqual({
      primaryOffset: 150,
      replicas: [
        { address: '[::1]:6380', offset: 100, lagSeconds: 2, state: 'online' },
        { address: '10.0.0.2:6381', offset: 0, lagSeconds: undefined, state: 'wait_bgsave' },
      ],
    });
    expect(replicasOf({})).toEqual({ primaryOffset: undefined, replicas: [] });
  });

  test('unknown textual values of mapped fields are dropped, not read as 0', () => {
    const r = byKey(infoToReadings(parseInfo('# Replication\r\nrole:sentinel\r\nmaster_link_status:connecting\r\n# Persistence\r\nrdb_last_bgsave_status:err\r\n')));
    expect(r.has('valkey_role_primary')).toBe(false);
    expect(r.has('valkey_master_link_up')).toBe(false);
    expect(r.get('valkey_rdb_last_bgsave_ok')).toBe(0);
  });

  test('latencystats entries that are not pNN are ignored; malformed commandstats give what they can', () => {
    const info = parseInfo(
      '# Latencystats\r\nlatency_percentiles_usec_get:p50=1.003,max=9,pxx=3\r\n# Commandstats\r\ncmdstat_GET:calls=7,usec=oops\r\n# Keyspace\r\ndb12:keys=3\r\nnotadb:keys=1\r\n',
    );
    const r = byKey(infoToReadings(info));
    expect([...r.entries()]).toEqual([
      ['valkey_command_calls_total{cmd="get"}', 7],
      ['valkey_command_latency_seconds{cmd="get",percentile="50"}', 0.000001003],
      ['valkey_db_keys{db="12"}', 3],
    ]);
  });

  test('an empty INFO gives no readings', () => {
    expect(infoToReadings(parseInfo(''))).toEqual([]);
  });
});

describe('formatAddress', () => {
  test.each([
    ['127.0.0.1', 6379, '127.0.0.1:6379'],
    ['cache.internal', 7000, 'cache.internal:7000'],
    ['::1', 6380, '[::1]:6380'],
    ['2001:db8::7', 7001, '[2001:db8::7]:7001'],
  ])('%s %d -> %s', (host, port, want) => {
    expect(formatAddress(host, port)).toBe(want);
  });
});
