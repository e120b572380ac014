// The metric catalog: every metric Skyscope collects, named once for the store, /metrics and the UI.

/** Counters are exposed cumulatively on /metrics; in the store and /api/series they are per-second rates. */
export type MetricKind = 'gauge' | 'counter';

export type MetricUnit =
  | 'seconds'
  | 'bytes'
  | 'ratio'
  | 'commands'
  | 'keys'
  | 'clients'
  | 'connections'
  | 'calls'
  | 'errors'
  | 'count'
  | 'boolean'
  | 'timestamp_seconds';

/** Where a value comes from; 'replication' values are computed from a primary's INFO but belong to its replica. */
export type MetricSource = 'info' | 'memory_stats' | 'derived' | 'replication' | 'latency' | 'skyscope';

export interface MetricDef {
  name: string;
  kind: MetricKind;
  unit: MetricUnit;
  /** One sentence for /metrics HELP and UI tooltips. */
  help: string;
  source: MetricSource;
  /** Label names this metric always carries besides the node. */
  labels?: string[];
  /** True for metrics users look at first; the UI puts them on the dashboard. */
  key?: boolean;
}

const defs: MetricDef[] = [];
function def(name: string, kind: MetricKind, unit: MetricUnit, source: MetricSource, help: string, extra: Partial<MetricDef> = {}): MetricDef {
  const d: MetricDef = { name, kind, unit, source, help, ...extra };
  defs.push(d);
  return d;
}

/**
 * How an INFO field maps to a catalog metric. `divisor` converts to base units (usec -> seconds);
 * `map` turns a textual value into a number (e.g. master_link_status:up -> 1).
 */
export interface InfoFieldMapping {
  metric: MetricDef;
  divisor?: number;
  map?: Record<string, number>;
}

export const infoFieldMappings: Record<string, InfoFieldMapping> = {};
function info(field: string, name: string, kind: MetricKind, unit: MetricUnit, help: string, extra: Partial<MetricDef> & { divisor?: number; map?: Record<string, number> } = {}): void {
  const { divisor, map, ...rest } = extra;
  infoFieldMappings[field] = { metric: def(name, kind, unit, 'info', help, rest), divisor, map };
}

// --- The ones operators look at first (derived from INFO across two polls, or from several fields).
export const derived = {
  hitRatio: def('valkey_keyspace_hit_ratio', 'gauge', 'ratio', 'derived', 'Keyspace hits / (hits + misses) over the last poll interval; absent when there were no lookups.', { key: true }),
  cpuUsage: def('valkey_cpu_usage_ratio', 'gauge', 'ratio', 'derived', 'CPU used by the server process (user + system, main and children excluded) as a fraction of one core over the last poll interval.', { key: true }),
  memoryUsedRatio: def('valkey_memory_used_ratio', 'gauge', 'ratio', 'derived', 'used_memory / maxmemory; absent when maxmemory is 0 (no limit).', { key: true }),
  replicationLagBytes: def('valkey_replication_lag_bytes', 'gauge', 'bytes', 'replication', "Bytes of the primary's replication stream this replica has not acknowledged (primary offset - replica offset).", { key: true }),
  replicationLagSeconds: def('valkey_replication_lag_seconds', 'gauge', 'seconds', 'replication', 'Seconds since this replica last acknowledged the replication stream, as seen by its primary.', { key: true }),
  commandAvgLatency: def('valkey_command_avg_latency_seconds', 'gauge', 'seconds', 'derived', 'Average time spent per call of this command over the last poll interval (from commandstats).', { labels: ['cmd'] }),
};

// --- INFO server / clients
info('uptime_in_seconds', 'valkey_uptime_seconds', 'gauge', 'seconds', 'Seconds since the server started.');
info('connected_clients', 'valkey_connected_clients', 'gauge', 'clients', 'Client connections, excluding replicas.', { key: true });
info('blocked_clients', 'valkey_blocked_clients', 'gauge', 'clients', 'Clients blocked in a blocking call (BLPOP, XREAD BLOCK, WAIT, ...).', { key: true });
info('tracking_clients', 'valkey_tracking_clients', 'gauge', 'clients', 'Clients with client-side caching tracking on.');
info('pubsub_clients', 'valkey_pubsub_clients', 'gauge', 'clients', 'Clients in pub/sub mode.');
info('watching_clients', 'valkey_watching_clients', 'gauge', 'clients', 'Clients that WATCH keys.');
info('clients_in_timeout_table', 'valkey_clients_in_timeout_table', 'gauge', 'clients', 'Clients in the timeout table (blocked with a timeout).');
info('maxclients', 'valkey_max_clients', 'gauge', 'clients', 'The maxclients setting.');
info('client_recent_max_input_buffer', 'valkey_client_recent_max_input_buffer_bytes', 'gauge', 'bytes', 'Largest client input buffer seen recently.');
info('client_recent_max_output_buffer', 'valkey_client_recent_max_output_buffer_bytes', 'gauge', 'bytes', 'Largest client output buffer seen recently.');

// --- INFO memory
info('used_memory', 'valkey_memory_used_bytes', 'gauge', 'bytes', 'Bytes allocated by the server allocator.', { key: true });
info('used_memory_rss', 'valkey_memory_rss_bytes', 'gauge', 'bytes', 'Resident set size of the server process as seen by the OS.', { key: true });
info('used_memory_peak', 'valkey_memory_peak_bytes', 'gauge', 'bytes', 'Peak of used_memory.');
info('used_memory_dataset', 'valkey_memory_dataset_bytes', 'gauge', 'bytes', 'Bytes used by the dataset (used_memory minus overhead).');
info('used_memory_overhead', 'valkey_memory_overhead_bytes', 'gauge', 'bytes', 'Bytes the server uses for its own structures.');
info('used_memory_lua', 'valkey_memory_lua_bytes', 'gauge', 'bytes', 'Bytes used by the Lua engine.');
info('used_memory_scripts', 'valkey_memory_scripts_bytes', 'gauge', 'bytes', 'Bytes used by cached scripts.');
info('maxmemory', 'valkey_memory_max_bytes', 'gauge', 'bytes', 'The maxmemory setting (0 = no limit).');
info('mem_fragmentation_ratio', 'valkey_memory_fragmentation_ratio', 'gauge', 'ratio', 'used_memory_rss / used_memory.', { key: true });
info('mem_fragmentation_bytes', 'valkey_memory_fragmentation_bytes', 'gauge', 'bytes', 'used_memory_rss - used_memory.');
info('allocator_frag_ratio', 'valkey_memory_allocator_fragmentation_ratio', 'gauge', 'ratio', 'Allocator active / allocated.');
info('mem_clients_normal', 'valkey_memory_clients_normal_bytes', 'gauge', 'bytes', 'Memory used by normal client buffers.');
info('mem_clients_slaves', 'valkey_memory_clients_replicas_bytes', 'gauge', 'bytes', 'Memory used by replica client buffers.');
info('mem_replication_backlog', 'valkey_memory_replication_backlog_bytes', 'gauge', 'bytes', 'Memory used by the replication backlog.');
info('mem_aof_buffer', 'valkey_memory_aof_buffer_bytes', 'gauge', 'bytes', 'Memory used by AOF buffers.');
info('mem_not_counted_for_evict', 'valkey_memory_not_counted_for_evict_bytes', 'gauge', 'bytes', 'Memory not counted towards maxmemory eviction.');

// --- INFO stats (counters become per-second rates in the store)
info('total_commands_processed', 'valkey_commands_processed_total', 'counter', 'commands', 'Commands processed; as a series, operations per second.', { key: true });
info('instantaneous_ops_per_sec', 'valkey_instantaneous_ops_per_second', 'gauge', 'commands', "The server's own sampled operations per second.");
info('total_connections_received', 'valkey_connections_received_total', 'counter', 'connections', 'Connections accepted.');
info('rejected_connections', 'valkey_connections_rejected_total', 'counter', 'connections', 'Connections rejected because of maxclients.');
info('total_net_input_bytes', 'valkey_net_input_bytes_total', 'counter', 'bytes', 'Bytes read from the network; as a series, bytes in per second.', { key: true });
info('total_net_output_bytes', 'valkey_net_output_bytes_total', 'counter', 'bytes', 'Bytes written to the network; as a series, bytes out per second.', { key: true });
info('total_net_repl_input_bytes', 'valkey_net_repl_input_bytes_total', 'counter', 'bytes', 'Bytes read for replication.');
info('total_net_repl_output_bytes', 'valkey_net_repl_output_bytes_total', 'counter', 'bytes', 'Bytes written for replication.');
info('expired_keys', 'valkey_expired_keys_total', 'counter', 'keys', 'Keys expired; as a series, expirations per second.', { key: true });
info('evicted_keys', 'valkey_evicted_keys_total', 'counter', 'keys', 'Keys evicted because of maxmemory; as a series, evictions per second.', { key: true });
info('evicted_clients', 'valkey_evicted_clients_total', 'counter', 'clients', 'Clients evicted because of maxmemory-clients.');
info('expired_stale_perc', 'valkey_expired_stale_ratio', 'gauge', 'ratio', 'Estimated share of keys that are expired but not yet reclaimed.', { divisor: 100 });
info('keyspace_hits', 'valkey_keyspace_hits_total', 'counter', 'keys', 'Successful key lookups.');
info('keyspace_misses', 'valkey_keyspace_misses_total', 'counter', 'keys', 'Failed key lookups.');
info('pubsub_channels', 'valkey_pubsub_channels', 'gauge', 'count', 'Pub/sub channels with subscribers.');
info('pubsub_patterns', 'valkey_pubsub_patterns', 'gauge', 'count', 'Pub/sub pattern subscriptions.');
info('pubsubshard_channels', 'valkey_pubsub_shard_channels', 'gauge', 'count', 'Sharded pub/sub channels.');
info('latest_fork_usec', 'valkey_latest_fork_seconds', 'gauge', 'seconds', 'Duration of the latest fork.', { divisor: 1e6 });
info('total_forks', 'valkey_forks_total', 'counter', 'count', 'Forks (BGSAVE, BGREWRITEAOF, full syncs).');
info('sync_full', 'valkey_sync_full_total', 'counter', 'count', 'Full resynchronisations with replicas.');
info('sync_partial_ok', 'valkey_sync_partial_ok_total', 'counter', 'count', 'Accepted partial resynchronisations.');
info('sync_partial_err', 'valkey_sync_partial_err_total', 'counter', 'count', 'Refused partial resynchronisations.');
info('total_error_replies', 'valkey_error_replies_total', 'counter', 'errors', 'Error replies sent to clients.', { key: true });
info('total_reads_processed', 'valkey_reads_processed_total', 'counter', 'count', 'Read events processed.');
info('total_writes_processed', 'valkey_writes_processed_total', 'counter', 'count', 'Write events processed.');
info('io_threaded_reads_processed', 'valkey_io_threaded_reads_processed_total', 'counter', 'count', 'Reads handled by I/O threads.');
info('io_threaded_writes_processed', 'valkey_io_threaded_writes_processed_total', 'counter', 'count', 'Writes handled by I/O threads.');
info('client_query_buffer_limit_disconnections', 'valkey_client_query_buffer_limit_disconnections_total', 'counter', 'connections', 'Clients disconnected for exceeding the query buffer limit.');
info('client_output_buffer_limit_disconnections', 'valkey_client_output_buffer_limit_disconnections_total', 'counter', 'connections', 'Clients disconnected for exceeding the output buffer limit.');
info('total_active_defrag_time', 'valkey_active_defrag_seconds_total', 'counter', 'seconds', 'Time spent in active defragmentation.', { divisor: 1e3 });
info('total_eviction_exceeded_time', 'valkey_eviction_exceeded_seconds_total', 'counter', 'seconds', 'Time used_memory was above maxmemory.', { divisor: 1e3 });
info('acl_access_denied_auth', 'valkey_acl_access_denied_auth_total', 'counter', 'count', 'Authentication failures.');
info('acl_access_denied_cmd', 'valkey_acl_access_denied_cmd_total', 'counter', 'count', 'Commands refused by ACL.');
info('acl_access_denied_key', 'valkey_acl_access_denied_key_total', 'counter', 'count', 'Key accesses refused by ACL.');
info('acl_access_denied_channel', 'valkey_acl_access_denied_channel_total', 'counter', 'count', 'Channel accesses refused by ACL.');

// --- INFO cpu (seconds of CPU, counters; their rates are cores in use)
info('used_cpu_sys', 'valkey_cpu_sys_seconds_total', 'counter', 'seconds', 'System CPU time of the server process.');
info('used_cpu_user', 'valkey_cpu_user_seconds_total', 'counter', 'seconds', 'User CPU time of the server process.');
info('used_cpu_sys_children', 'valkey_cpu_sys_children_seconds_total', 'counter', 'seconds', 'System CPU time of child processes (fork).');
info('used_cpu_user_children', 'valkey_cpu_user_children_seconds_total', 'counter', 'seconds', 'User CPU time of child processes (fork).');
info('used_cpu_sys_main_thread', 'valkey_cpu_sys_main_thread_seconds_total', 'counter', 'seconds', 'System CPU time of the main thread.');
info('used_cpu_user_main_thread', 'valkey_cpu_user_main_thread_seconds_total', 'counter', 'seconds', 'User CPU time of the main thread.');

// --- INFO replication
info('role', 'valkey_role_primary', 'gauge', 'boolean', '1 when the node is a primary, 0 when a replica.', { map: { master: 1, slave: 0, primary: 1, replica: 0 } });
info('connected_slaves', 'valkey_connected_replicas', 'gauge', 'count', 'Replicas connected to this primary.', { key: true });
info('master_repl_offset', 'valkey_replication_offset_bytes', 'gauge', 'bytes', 'Replication offset of this node.');
info('master_link_status', 'valkey_master_link_up', 'gauge', 'boolean', '1 when this replica is connected to its primary.', { map: { up: 1, down: 0 } });
info('master_last_io_seconds_ago', 'valkey_master_last_io_seconds', 'gauge', 'seconds', 'Seconds since the replica last heard from its primary.');
info('master_link_down_since_seconds', 'valkey_master_link_down_seconds', 'gauge', 'seconds', 'Seconds the link to the primary has been down.');
info('master_sync_in_progress', 'valkey_master_sync_in_progress', 'gauge', 'boolean', '1 while the replica is syncing with its primary.');
info('repl_backlog_histlen', 'valkey_replication_backlog_bytes', 'gauge', 'bytes', 'Bytes held in the replication backlog.');

// --- INFO persistence
info('loading', 'valkey_loading', 'gauge', 'boolean', '1 while the server loads its dataset.');
info('rdb_changes_since_last_save', 'valkey_rdb_changes_since_last_save', 'gauge', 'count', 'Writes since the last RDB save.');
info('rdb_bgsave_in_progress', 'valkey_rdb_bgsave_in_progress', 'gauge', 'boolean', '1 while a BGSAVE runs.');
info('rdb_last_save_time', 'valkey_rdb_last_save_timestamp_seconds', 'gauge', 'timestamp_seconds', 'Unix time of the last successful RDB save.');
info('rdb_last_bgsave_status', 'valkey_rdb_last_bgsave_ok', 'gauge', 'boolean', '1 when the last BGSAVE succeeded.', { map: { ok: 1, err: 0 } });
info('rdb_last_cow_size', 'valkey_rdb_last_cow_bytes', 'gauge', 'bytes', 'Copy-on-write bytes during the last RDB save.');
info('aof_enabled', 'valkey_aof_enabled', 'gauge', 'boolean', '1 when AOF is on.');
info('aof_rewrite_in_progress', 'valkey_aof_rewrite_in_progress', 'gauge', 'boolean', '1 while an AOF rewrite runs.');
info('aof_last_bgrewrite_status', 'valkey_aof_last_rewrite_ok', 'gauge', 'boolean', '1 when the last AOF rewrite succeeded.', { map: { ok: 1, err: 0 } });
info('aof_last_write_status', 'valkey_aof_last_write_ok', 'gauge', 'boolean', '1 when the last AOF write succeeded.', { map: { ok: 1, err: 0 } });

// --- INFO cluster
info('cluster_enabled', 'valkey_cluster_enabled', 'gauge', 'boolean', '1 when cluster mode is on.');

// --- Labelled families from INFO commandstats / latencystats / errorstats / keyspace
export const families = {
  commandCalls: def('valkey_command_calls_total', 'counter', 'calls', 'info', 'Calls of the command (commandstats); as a series, calls per second.', { labels: ['cmd'] }),
  commandDuration: def('valkey_command_duration_seconds_total', 'counter', 'seconds', 'info', 'Time spent executing the command (commandstats usec).', { labels: ['cmd'] }),
  commandRejected: def('valkey_command_rejected_calls_total', 'counter', 'calls', 'info', 'Calls refused before execution (ACL, OOM, wrong arity, ...).', { labels: ['cmd'] }),
  commandFailed: def('valkey_command_failed_calls_total', 'counter', 'calls', 'info', 'Calls that ran and returned an error.', { labels: ['cmd'] }),
  commandLatency: def('valkey_command_latency_seconds', 'gauge', 'seconds', 'info', 'Latency percentile of the command since the stats were reset (latencystats); percentile label as the server names it, e.g. 99.9.', { labels: ['cmd', 'percentile'] }),
  commandWindowLatency: def('valkey_command_window_latency_seconds', 'gauge', 'seconds', 'latency', 'Latency percentile of the calls made in each collection window (from LATENCY HISTOGRAM differences; power-of-two buckets, interpolated); percentile label 50, 99 or 99.9.', { labels: ['cmd', 'percentile'] }),
  errors: def('valkey_errors_total', 'counter', 'errors', 'info', 'Error replies by error prefix (errorstats).', { labels: ['error'] }),
  dbKeys: def('valkey_db_keys', 'gauge', 'keys', 'info', 'Keys in the database (keyspace).', { labels: ['db'], key: true }),
  dbKeysExpiring: def('valkey_db_keys_expiring', 'gauge', 'keys', 'info', 'Keys with a TTL in the database.', { labels: ['db'] }),
  dbAvgTtl: def('valkey_db_avg_ttl_seconds', 'gauge', 'seconds', 'info', 'Estimated average TTL of keys with a TTL.', { labels: ['db'] }),
  /** Every other numeric INFO field, so nothing the server reports is lost. */
  otherInfo: def('valkey_info_field', 'gauge', 'count', 'info', 'Any other numeric INFO field, raw (field label names it).', { labels: ['section', 'field'] }),
  memoryStatsBytes: def('valkey_memory_stats_bytes', 'gauge', 'bytes', 'memory_stats', 'MEMORY STATS entries measured in bytes (stat label names the entry, e.g. dataset.bytes, db.0.overhead.hashtable.main).', { labels: ['stat'] }),
  memoryStatsOther: def('valkey_memory_stats_value', 'gauge', 'count', 'memory_stats', 'MEMORY STATS entries that are ratios, percentages or counts (stat label names the entry).', { labels: ['stat'] }),
};

// --- Skyscope's view of each node
export const self = {
  up: def('skyscope_node_up', 'gauge', 'boolean', 'skyscope', '1 when the last INFO poll of the node succeeded.', { key: true }),
  pollDuration: def('skyscope_poll_duration_seconds', 'gauge', 'seconds', 'skyscope', 'Round trip of the last poll of a source.', { labels: ['source'] }),
  pollErrors: def('skyscope_poll_errors_total', 'counter', 'errors', 'skyscope', 'Failed polls of a source.', { labels: ['source'] }),
  /** Only on /metrics (not stored): identity as labels, value 1, the usual Prometheus info-metric pattern. */
  nodeInfo: def('valkey_node_info', 'gauge', 'count', 'skyscope', 'Always 1; labels tell the flavor, version and role of the node.', { labels: ['flavor', 'version', 'role'] }),
};

export const catalog: readonly MetricDef[] = defs;
const byName = new Map(defs.map((d) => [d.name, d]));

export function metricDef(name: string): MetricDef | undefined {
  return byName.get(name);
}
