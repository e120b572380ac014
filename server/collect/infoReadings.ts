// Turns a parsed INFO reply into readings: raw values of catalog metrics, before counters become rates.
import { families, infoFieldMappings, type MetricDef } from '../metrics/catalog.ts';
import { internLabels } from '../metrics/seriesKey.ts';
import { numericValue, parseKeyValueList, type InfoSections } from '../valkey/infoReply.ts';

/** A raw value read from a node: counters are still cumulative here. */
export interface Reading {
  metric: MetricDef;
  labels?: Record<string, string>;
  value: number;
}

// Fields that are identities, clocks or duplicates in other units; storing them would only add noise.
const skippedFields = new Set([
  'process_id', 'tcp_port', 'server_time_usec', 'lru_clock', 'uptime_in_days', 'arch_bits', 'redis_git_sha1',
  'redis_git_dirty', 'configured_hz', 'hz', 'executable', 'config_file', 'run_id', 'monotonic_clock',
  'used_memory_human', 'io_threads_active', 'master_port', 'second_repl_offset', 'repl_backlog_first_byte_offset',
  'master_failover_state', 'slave_read_repl_offset', 'mem_allocator', 'atomicvar_api', 'gcc_version', 'os',
  // Hex ids that can read as numbers: master_replid2 is forty zeros whenever there was no failover.
  'master_replid', 'master_replid2', 'redis_build_id',
]);
const structuredSections = new Set(['commandstats', 'latencystats', 'errorstats', 'keyspace']);

export function infoToReadings(info: InfoSections): Reading[] {
  const out: Reading[] = [];
  for (const [section, fields] of Object.entries(info)) {
    if (structuredSections.has(section)) continue;
    for (const [field, raw] of Object.entries(fields)) {
      const mapping = infoFieldMappings[field];
      if (mapping) {
        const value = mapping.map ? mapping.map[raw] : numericValue(raw);
        if (value !== undefined) out.push({ metric: mapping.metric, value: value / (mapping.divisor ?? 1) });
        continue;
      }
      if (skippedFields.has(field) || /^slave\d+$/.test(field)) continue;
      const value = numericValue(raw);
      if (value !== undefined) out.push({ metric: families.otherInfo, labels: internLabels({ section, field }), value });
    }
  }
  pushCommandStats(info['commandstats'] ?? {}, out);
  pushLatencyStats(info['latencystats'] ?? {}, out);
  pushErrorStats(info['errorstats'] ?? {}, out);
  pushKeyspace(info['keyspace'] ?? {}, out);
  return out;
}

/** Command names keep their subcommand ("config|get") as the server prints it, lower case. */
function pushCommandStats(section: Record<string, string>, out: Reading[]): void {
  for (const [field, raw] of Object.entries(section)) {
    if (!field.startsWith('cmdstat_')) continue;
    const cmd = field.slice('cmdstat_'.length).toLowerCase();
    const kv = parseKeyValueList(raw);
    push(out, families.commandCalls, { cmd }, numericValue(kv['calls']));
    push(out, families.commandDuration, { cmd }, scaled(numericValue(kv['usec']), 1e6));
    push(out, families.commandRejected, { cmd }, numericValue(kv['rejected_calls']));
    push(out, families.commandFailed, { cmd }, numericValue(kv['failed_calls']));
  }
}

/**
 * latency_percentiles_usec_get:p50=1.003,p99=2.007,p99.9=3.007 -> percentile labels 50, 99, 99.9.
 * Not "quantile": Prometheus reserves that label for summaries.
 */
function pushLatencyStats(section: Record<string, string>, out: Reading[]): void {
  for (const [field, raw] of Object.entries(section)) {
    if (!field.startsWith('latency_percentiles_usec_')) continue;
    const cmd = field.slice('latency_percentiles_usec_'.length).toLowerCase();
    for (const [p, v] of Object.entries(parseKeyValueList(raw))) {
      if (!p.startsWith('p') || !Number.isFinite(Number(p.slice(1)))) continue;
      push(out, families.commandLatency, { cmd, percentile: p.slice(1) }, scaled(numericValue(v), 1e6));
    }
  }
}

function pushErrorStats(section: Record<string, string>, out: Reading[]): void {
  for (const [field, raw] of Object.entries(section)) {
    if (!field.startsWith('errorstat_')) continue;
    push(out, families.errors, { error: field.slice('errorstat_'.length) }, numericValue(parseKeyValueList(raw)['count']));
  }
}

function pushKeyspace(section: Record<string, string>, out: Reading[]): void {
  for (const [field, raw] of Object.entries(section)) {
    const m = /^db(\d+)$/.exec(field);
    if (!m) continue;
    const kv = parseKeyValueList(raw);
    const labels = { db: m[1]! };
    push(out, families.dbKeys, labels, numericValue(kv['keys']));
    push(out, families.dbKeysExpiring, labels, numericValue(kv['expires']));
    push(out, families.dbAvgTtl, labels, scaled(numericValue(kv['avg_ttl']), 1e3));
  }
}

function push(out: Reading[], metric: MetricDef, labels: Record<string, string>, value: number | undefined): void {
  if (value !== undefined) out.push({ metric, labels: internLabels(labels), value });
}

/** Division, not multiplication by 1e-6: 1.003 / 1e6 prints as 0.000001003, not 0.0000010029999999999998. */
function scaled(v: number | undefined, divisor: number): number | undefined {
  return v === undefined ? undefined : v / divisor;
}

/** Replicas as their primary sees them (slaveN lines), for replication lag. */
export interface ReplicaView {
  address: string;
  offset: number;
  lagSeconds: number | undefined;
  state: string;
}

export function replicasOf(info: InfoSections): { primaryOffset: number | undefined; replicas: ReplicaView[] } {
  const repl = info['replication'] ?? {};
  const replicas: ReplicaView[] = [];
  for (const [field, raw] of Object.entries(repl)) {
    if (!/^slave\d+$/.test(field)) continue;
    const kv = parseKeyValueList(raw);
    const offset = numericValue(kv['offset']);
    if (kv['ip'] === undefined || kv['port'] === undefined || offset === undefined) continue;
    replicas.push({ address: formatAddress(kv['ip'], Number(kv['port'])), offset, lagSeconds: numericValue(kv['lag']), state: kv['state'] ?? '' });
  }
  return { primaryOffset: numericValue(repl['master_repl_offset']), replicas };
}

/** host:port, with IPv6 hosts in brackets so the port stays unambiguous. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
