// Golden tests: every queries/*.sql runs on a fixture database and its output must match testdata/golden/<case>.txt.
// After an intended change, rewrite the files with UPDATE_GOLDEN=1 bun test server/store/golden.test.ts and review the diff.
import { beforeAll, describe, expect, test } from 'bun:test';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BIGINT,
  BLOB,
  BOOLEAN,
  DuckDBBlobValue,
  DuckDBInstance,
  INTEGER,
  LIST,
  TIMESTAMP,
  UINTEGER,
  USMALLINT,
  VARCHAR,
  listValue,
  type DuckDBResultReader,
} from '@duckdb/node-api';
import { namedQueries, tsParam, type ParamTypes, type Params } from './db.ts';
import { toJsonValue } from './jsonValues.ts';
import { hourMs, minuteMs } from './maintain.ts';
import { queriesFromDir } from './queries.ts';
import { clock, generate, openTestStore, t0, tempDir } from './testSupport.ts';

const keyAnalysisSetup = `INSERT INTO key_analysis_runs VALUES (nextval('key_analysis_ids'), '2026-01-01 02:50:00', '2026-01-01 02:51:00', 'done', NULL, 100, 1000, 100, '{"confidence": {"exact": false}}'),
    (nextval('key_analysis_ids'), '2026-01-01 02:55:00', NULL, 'running', 'user:*', 50, NULL, NULL, NULL);
  INSERT INTO key_analysis_groups VALUES (1, 'type', 'string', 80, 8000, 800, 80000, 70000, 90000), (1, 'type', 'hash', 20, 20000, 200, 200000, 150000, 250000),
    (1, 'prefix', 'user:', 100, 28000, 1000, 280000, 260000, 300000);
  INSERT INTO key_analysis_biggest VALUES (1, 1, 'a:6379', '\\x62\\xFF\\x00'::BLOB, 'hash', 5000, 120), (1, 2, 'a:6379', 'user:1'::BLOB, 'string', 300, NULL);`;
const goldenDir = join(import.meta.dir, 'testdata', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';
const queries = queriesFromDir();
const at = (minutes: number) => tsParam(t0 + minutes * minuteMs);
const ids = (xs: number[]) => listValue(xs);
/** nodes_upsert's parallel lists from one object per node. */
const nodeFields = ['node_id', 'address', 'cluster_node_id', 'role', 'primary_address', 'flavor', 'version', 'seen'] as const;
const nodeListNames = { node_id: 'node_ids', address: 'addresses', cluster_node_id: 'cluster_node_ids', role: 'roles', primary_address: 'primary_addresses', flavor: 'flavors', version: 'versions', seen: 'seen' } as const;
type NodeRow = Record<(typeof nodeFields)[number], unknown>;
const nodeLists = (rows: NodeRow[]): Params => Object.fromEntries(nodeFields.map((f) => [nodeListNames[f], listValue(rows.map((r) => r[f]) as never[])]));
const nodeListTypes: ParamTypes = { node_ids: LIST(USMALLINT), addresses: LIST(VARCHAR), cluster_node_ids: LIST(VARCHAR), roles: LIST(VARCHAR), primary_addresses: LIST(VARCHAR), flavors: LIST(VARCHAR), versions: LIST(VARCHAR), seen: LIST(TIMESTAMP) };

interface GoldenCase {
  /** Query name; a case name may add "#variant". */
  query: string;
  params?: Params;
  types?: ParamTypes;
  /** Raw SQL run before the query (state the query needs). */
  setup?: string;
  /** Raw SQL whose result is shown after the query's own (what a write changed). */
  show?: string;
  /** The query's values depend on the machine and the moment (memory in use): keep its columns and row count only. */
  shapeOnly?: true;
}

const seriesTypes: ParamTypes = { step_ms: BIGINT, agg: VARCHAR, metric_ids: LIST(UINTEGER), node_ids: LIST(USMALLINT) };
const seriesParams = (over: Params): Params => ({
  lo: at(0),
  hi: at(120),
  h_end: at(0),
  m_end: at(0),
  step_ms: 30 * minuteMs,
  agg: 'avg',
  metric_ids: ids([1]),
  node_ids: ids([1, 2]),
  ...over,
});
const minmaxTypes: ParamTypes = { step_ms: BIGINT, metric_ids: LIST(UINTEGER), node_ids: LIST(USMALLINT) };
const minmaxParams = (over: Params): Params => {
  const { agg: _agg, ...params } = seriesParams(over);
  return params;
};
const range = (from: number, to: number) => ({ from: at(from), to: at(to) });
const slotTypes: ParamTypes = { grouped: BOOLEAN, metric: VARCHAR, from_ms: BIGINT, step: BIGINT, slot_from: INTEGER, slot_to: INTEGER, per_row: INTEGER };
/** Slot-query parameters over the fixture's 3 minutes of slot stats (from 02:50) (30 s columns, one row per slot), only those named. */
const slotParams = (over: Params, names: string[]): Params => {
  const all: Params = { metric: 'cpu', from: at(170), to: at(173), lookback: at(160), h_end: at(160), m_end: at(160), from_ms: BigInt(t0 + 170 * minuteMs), step: 30n, slot_from: 0, slot_to: 16383, per_row: 1, grouped: false, ...over };
  return Object.fromEntries(names.map((n) => [n, all[n]!]));
};

const commandLogTypes: ParamTypes = {
  types: LIST(VARCHAR),
  nodes: LIST(VARCHAR),
  cmd: VARCHAR,
  pattern: VARCHAR,
  client: VARCHAR,
  q: VARCHAR,
  min: BIGINT,
  max: BIGINT,
  before_ts: TIMESTAMP,
  before_node: USMALLINT,
  before_type: VARCHAR,
  before_id: BIGINT,
  limit: INTEGER,
};
const commandLogParams = (over: Params): Params => ({
  ...range(0, 180),
  types: listValue(['slow', 'large-request', 'large-reply']),
  nodes: null,
  cmd: null,
  pattern: null,
  client: null,
  q: null,
  min: null,
  max: null,
  before_ts: null,
  before_node: null,
  before_type: null,
  before_id: null,
  limit: 10,
  ...over,
});
const commandLogCountParams = (over: Params): Params => {
  const { before_ts: _a, before_node: _b, before_type: _c, before_id: _d, limit: _e, ...params } = commandLogParams(over);
  return params;
};
const commandLogGroupParams = (by: string): Params => {
  const { before_ts: _a, before_node: _b, before_type: _c, before_id: _d, ...params } = commandLogParams({});
  return { ...params, by };
};

const auditSetup = `INSERT INTO audit VALUES ('2026-01-01 02:50:00', 'cli', 'a:6379', 'SET k v', 'k', true, NULL),
  ('2026-01-01 02:55:00', 'bulk', 'b:6380', 'UNLINK (pattern session:*)', 'session:*', true, NULL),
  ('2026-01-01 02:59:00', 'cli', NULL, 'FLUSHALL', 'server', false, 'confirmation refused')`;
const cliSetup = `INSERT INTO cli_history VALUES ('2026-01-01 02:50:00', 'a:6379', 'GET k', true, 0.4),
  ('2026-01-01 02:55:00', 'a:6379', 'CONFIG SET requirepass ***', true, 1.2), ('2026-01-01 02:59:00', NULL, 'NOSUCH', false, 0.3)`;

const cases: Record<string, GoldenCase> = {
  begin: { query: 'begin' },
  begin_read_only: { query: 'begin_read_only', show: 'SELECT 1 AS still_readable' },
  commit: { query: 'commit', setup: 'BEGIN TRANSACTION' },
  rollback: { query: 'rollback', setup: 'BEGIN TRANSACTION; DELETE FROM samples', show: 'SELECT count(*) AS kept FROM samples' },
  checkpoint: { query: 'checkpoint' },
  buffer_memory: { query: 'buffer_memory', shapeOnly: true },
  buffer_limit_get: { query: 'buffer_limit_get', shapeOnly: true },
  buffer_limit_set: { query: 'buffer_limit_set', params: { limit: '64MB' }, show: "SELECT current_setting('memory_limit') AS memory_limit" },
  migrations_init: { query: 'migrations_init', show: 'SELECT version, name FROM schema_migrations ORDER BY version' },
  migrations_applied: { query: 'migrations_applied' },
  migrations_record: {
    query: 'migrations_record',
    params: { version: 999, name: 'schema/999_example', applied_at: at(0) },
    show: 'SELECT * FROM schema_migrations WHERE version = 999',
  },
  nodes_load: { query: 'nodes_load' },
  metrics_load: { query: 'metrics_load' },
  series_load: { query: 'series_load' },
  nodes_insert: {
    query: 'nodes_insert',
    params: { node_ids: ids([7, 8]), addresses: listValue(['x:7000', 'y:8000']), seen: at(5) },
    types: { node_ids: LIST(USMALLINT), addresses: LIST(VARCHAR) },
    show: 'SELECT * FROM nodes ORDER BY node_id',
  },
  nodes_upsert: {
    query: 'nodes_upsert',
    params: nodeLists([{ node_id: 2, address: 'b:6380', cluster_node_id: 'id-b', role: 'replica', primary_address: 'a:6379', flavor: 'valkey', version: '8.1.0', seen: at(999) }]),
    types: nodeListTypes,
    show: 'SELECT * FROM nodes ORDER BY node_id',
  },
  'nodes_upsert#keep': {
    query: 'nodes_upsert',
    params: nodeLists([{ node_id: 1, address: 'a:6379', cluster_node_id: null, role: null, primary_address: null, flavor: null, version: '9.0.0', seen: at(-10) }]),
    types: nodeListTypes,
    show: 'SELECT * FROM nodes ORDER BY node_id',
  },
  // Several nodes in one statement: a new one, one updated, one whose NULLs keep what is known.
  'nodes_upsert#many': {
    query: 'nodes_upsert',
    params: nodeLists([
      { node_id: 1, address: 'a:6379', cluster_node_id: null, role: 'replica', primary_address: 'c:6381', flavor: null, version: null, seen: at(2000) },
      { node_id: 3, address: 'c:6381', cluster_node_id: 'id-c', role: 'primary', primary_address: null, flavor: 'valkey', version: '9.1.2', seen: at(2000) },
    ]),
    types: nodeListTypes,
    show: 'SELECT * FROM nodes ORDER BY node_id',
  },
  metrics_insert: {
    query: 'metrics_insert',
    params: {
      metric_ids: ids([100, 101]),
      names: listValue(['valkey_x', 'valkey_y']),
      labels: listValue(['', 'cmd="get",db="0"']),
      label_json: listValue(['{}', '{"cmd":"get","db":"0"}']),
    },
    types: { metric_ids: LIST(UINTEGER), names: LIST(VARCHAR), labels: LIST(VARCHAR), label_json: LIST(VARCHAR) },
    show: "SELECT metric_id, name, labels, label_map, label_map['cmd'] AS cmd FROM metrics WHERE metric_id >= 100 ORDER BY metric_id",
  },
  series_insert: {
    query: 'series_insert',
    params: { node_ids: ids([1, 2]), metric_ids: ids([9, 9]), seen: at(1) },
    types: { node_ids: LIST(USMALLINT), metric_ids: LIST(UINTEGER) },
    show: 'SELECT * FROM series ORDER BY node_id, metric_id',
  },
  rollup_state_load: { query: 'rollup_state_load' },
  rollup_state_save: {
    query: 'rollup_state_save',
    params: { name: 'rollup_1m', watermark: at(42) },
    show: 'SELECT * FROM rollup_state ORDER BY name',
  },
  samples_min_ts: { query: 'samples_min_ts' },
  rollup_1m: {
    query: 'rollup_1m',
    setup: 'DELETE FROM samples_1m',
    params: range(0, 30),
    show: 'SELECT * FROM samples_1m ORDER BY ts, node_id, metric_id',
  },
  rollup_1h: {
    query: 'rollup_1h',
    setup: 'DELETE FROM samples_1h',
    params: range(0, 120),
    show: 'SELECT * FROM samples_1h ORDER BY ts, node_id, metric_id',
  },
  compact_1m_stage: {
    query: 'compact_1m_stage',
    params: range(0, 30),
    show: 'SELECT metric_id, node_id, count(*) AS rows, min(ts) AS first, max(ts) AS last FROM temp.compact_1m GROUP BY ALL ORDER BY min(rowid)',
  },
  compact_1m_delete: {
    query: 'compact_1m_delete',
    params: range(0, 30),
    show: 'SELECT min(ts) AS oldest, count(*) AS rows FROM samples_1m',
  },
  compact_1m_insert: {
    query: 'compact_1m_insert',
    setup: `CREATE TEMP TABLE compact_1m AS SELECT * FROM samples_1m WHERE ts < '2026-01-01 00:30:00' ORDER BY metric_id, node_id, ts;
            DELETE FROM samples_1m WHERE ts < '2026-01-01 00:30:00'`,
    show: "SELECT metric_id, node_id, count(*) AS rows FROM samples_1m WHERE ts < '2026-01-01 00:30:00' GROUP BY ALL ORDER BY min(rowid)",
  },
  compact_1m_drop: {
    query: 'compact_1m_drop',
    setup: 'CREATE TEMP TABLE compact_1m AS SELECT 1 AS x',
    show: "SELECT count(*) AS left_over FROM duckdb_tables() WHERE table_name = 'compact_1m'",
  },
  retention_samples: { query: 'retention_samples', params: { before: at(60) }, show: 'SELECT min(ts) AS oldest, count(*) AS rows FROM samples' },
  retention_samples_1m: { query: 'retention_samples_1m', params: { before: at(60) }, show: 'SELECT min(ts) AS oldest, count(*) AS rows FROM samples_1m' },
  retention_samples_1h: { query: 'retention_samples_1h', params: { before: at(60) }, show: 'SELECT min(ts) AS oldest, count(*) AS rows FROM samples_1h' },
  hotkey_run_insert: {
    query: 'hotkey_run_insert',
    params: { started: at(176), finished: at(177), method: 'monitor', status: 'partial', trigger: 'schedule', detail: '{"errors":{"b:6380":"timeout"}}' },
    show: 'SELECT run_id, method, status, trigger, detail FROM hotkey_runs ORDER BY run_id',
  },
  hotkey_runs_list: { query: 'hotkey_runs_list', params: { from: at(0), to: at(180), limit: 10 }, types: { limit: INTEGER } },
  'hotkey_runs_list#none': { query: 'hotkey_runs_list', params: { from: at(0), to: at(170), limit: 10 }, types: { limit: INTEGER } },
  hotkey_run_get: { query: 'hotkey_run_get', params: { run_id: 1 }, types: { run_id: INTEGER } },
  hotkey_run_keys: { query: 'hotkey_run_keys', params: { run_id: 1 }, types: { run_id: INTEGER } },
  hotkey_history: { query: 'hotkey_history', params: { key: new DuckDBBlobValue(new TextEncoder().encode('user:1')), from: at(0), to: at(180) }, types: { key: BLOB } },
  'hotkey_history#binary': { query: 'hotkey_history', params: { key: new DuckDBBlobValue(new Uint8Array([0x62, 0xff, 0x00])), from: at(0), to: at(180) }, types: { key: BLOB } },
  retention_hotkeys: { query: 'retention_hotkeys', params: { before: at(176) }, show: 'SELECT count(*) AS left FROM hotkeys' },
  retention_hotkey_runs: { query: 'retention_hotkey_runs', params: { before: at(176) }, show: 'SELECT count(*) AS left FROM hotkey_runs' },
  retention_events: { query: 'retention_events', params: { before: at(60) }, show: 'SELECT ts, kind FROM events ORDER BY ts' },
  events_range: { query: 'events_range', params: { ...range(0, 180), node: null, limit: 10 }, types: { node: VARCHAR } },
  'events_range#node': { query: 'events_range', params: { ...range(0, 180), node: 'b:6380', limit: 10 } },
  'events_range#limit': { query: 'events_range', params: { ...range(0, 180), node: null, limit: 1 }, types: { node: VARCHAR } },
  series: { query: 'series', params: seriesParams({}), types: seriesTypes },
  'series#max': { query: 'series', params: seriesParams({ agg: 'max' }), types: seriesTypes },
  'series#min': { query: 'series', params: seriesParams({ agg: 'min' }), types: seriesTypes },
  'series#last': { query: 'series', params: seriesParams({ agg: 'last' }), types: seriesTypes },
  // Hourly buckets from raw alone, and from 1h rows for the first hour, 1m rows up to 01:40 and raw after: same answers.
  'series#hourly': { query: 'series', params: seriesParams({ step_ms: hourMs }), types: seriesTypes },
  'series#hourly-mixed': { query: 'series', params: seriesParams({ step_ms: hourMs, h_end: at(60), m_end: at(100) }), types: seriesTypes },
  'series#labels': { query: 'series', params: seriesParams({ metric_ids: ids([2, 3]), node_ids: ids([1]), agg: 'last' }), types: seriesTypes },
  // minmax reads no $agg; the mixed case orders min/max from 1h rows, 1m rows and raw samples.
  series_minmax: { query: 'series_minmax', params: minmaxParams({}), types: minmaxTypes },
  'series_minmax#hourly-mixed': { query: 'series_minmax', params: minmaxParams({ step_ms: hourMs, h_end: at(60), m_end: at(100) }), types: minmaxTypes },
  slot_stats_min_ts: { query: 'slot_stats_min_ts' },
  rollup_slots_5m: { query: 'rollup_slots_5m', setup: 'DELETE FROM slot_stats_5m', params: range(170, 175), show: 'SELECT * FROM slot_stats_5m ORDER BY ts, slot' },
  rollup_slots_1h: {
    query: 'rollup_slots_1h',
    setup: `DELETE FROM slot_stats_5m; DELETE FROM slot_stats_1h; INSERT INTO slot_stats_5m VALUES ('2026-01-01 00:00:00', 1, 10, 5, 100, 1000, 300), ('2026-01-01 00:05:00', 2, 10, 6, NULL, NULL, NULL),
            ('2026-01-01 00:55:00', 2, 10, 9, 50, 500, 150), ('2026-01-01 01:00:00', 2, 10, 9, 1, 1, 1)`,
    params: range(0, 60),
    show: 'SELECT * FROM slot_stats_1h ORDER BY ts, slot',
  },
  rollup_slot_groups_5m: {
    query: 'rollup_slot_groups_5m',
    setup: `DELETE FROM slot_stats_5m; DELETE FROM slot_groups_5m; INSERT INTO slot_stats_5m VALUES ('2026-01-01 00:00:00', 1, 10, 5, 100, 1000, 300), ('2026-01-01 00:00:00', 2, 15, 6, NULL, NULL, NULL),
            ('2026-01-01 00:00:00', 2, 16, 9, 50, 500, 150), ('2026-01-01 00:05:00', 2, 16, 9, NULL, NULL, NULL), ('2026-01-01 01:00:00', 2, 10, 9, 1, 1, 1)`,
    params: range(0, 60),
    show: 'SELECT * FROM slot_groups_5m ORDER BY ts, grp',
  },
  rollup_slot_groups_1h: {
    query: 'rollup_slot_groups_1h',
    setup: `DELETE FROM slot_stats_1h; DELETE FROM slot_groups_1h; INSERT INTO slot_stats_1h VALUES ('2026-01-01 00:00:00', 1, 10, 5, 100, 1000, 300), ('2026-01-01 00:00:00', 2, 11, 6, 7, 70, 21),
            ('2026-01-01 00:00:00', 2, 16383, 9, NULL, NULL, NULL), ('2026-01-01 01:00:00', 2, 10, 9, 1, 1, 1)`,
    params: range(0, 60),
    show: 'SELECT * FROM slot_groups_1h ORDER BY ts, grp',
  },
  retention_slot_groups_5m: { query: 'retention_slot_groups_5m', setup: "INSERT INTO slot_groups_5m VALUES ('2026-01-01 00:00:00', 0, 5, 1, 1, 1), ('2026-01-01 01:00:00', 0, 5, 1, 1, 1)", params: { before: at(60) }, show: 'SELECT ts FROM slot_groups_5m' },
  retention_slot_groups_1h: { query: 'retention_slot_groups_1h', setup: "INSERT INTO slot_groups_1h VALUES ('2026-01-01 00:00:00', 0, 5, 1, 1, 1), ('2026-01-01 01:00:00', 0, 5, 1, 1, 1)", params: { before: at(60) }, show: 'SELECT ts FROM slot_groups_1h' },
  retention_slot_stats_5m: { query: 'retention_slot_stats_5m', setup: "INSERT INTO slot_stats_5m VALUES ('2026-01-01 00:00:00', 1, 10, 5, 1, 1, 1), ('2026-01-01 01:00:00', 1, 10, 5, 1, 1, 1)", params: { before: at(60) }, show: 'SELECT ts FROM slot_stats_5m' },
  retention_slot_stats_1h: { query: 'retention_slot_stats_1h', setup: "INSERT INTO slot_stats_1h VALUES ('2026-01-01 00:00:00', 1, 10, 5, 1, 1, 1), ('2026-01-01 01:00:00', 1, 10, 5, 1, 1, 1)", params: { before: at(60) }, show: 'SELECT ts FROM slot_stats_1h' },
  // 1h rows before 02:51, 5m rows to 02:52, raw after: each tier answers only its own part of the window.
  'slot_cells#tiers': {
    query: 'slot_cells',
    setup: `DELETE FROM slot_stats_5m; DELETE FROM slot_stats_1h;
            INSERT INTO slot_stats_1h VALUES ('2026-01-01 02:50:00', 1, 10, 5, 1000000, 0, 0), ('2026-01-01 02:51:00', 1, 10, 5, 8000000, 0, 0);
            INSERT INTO slot_stats_5m VALUES ('2026-01-01 02:50:00', 1, 10, 5, 9000000, 0, 0), ('2026-01-01 02:51:00', 1, 10, 5, 2000000, 0, 0), ('2026-01-01 02:52:00', 1, 10, 5, 4000000, 0, 0)`,
    params: slotParams({ h_end: at(171), m_end: at(172) }, ['metric', 'from', 'to', 'from_ms', 'step', 'slot_from', 'slot_to', 'per_row', 'grouped', 'h_end', 'm_end']),
    types: slotTypes,
  },
  // grouped: the 1h and 5m parts come from the 16-slot group tables (group 0 at slot 0, group 1 at 16: rows of 16),
  // the raw part from the slots' own rows.
  'slot_cells#groups': {
    query: 'slot_cells',
    setup: `DELETE FROM slot_groups_5m; DELETE FROM slot_groups_1h;
            INSERT INTO slot_groups_1h VALUES ('2026-01-01 02:50:00', 0, 50, 1000000, 0, 0), ('2026-01-01 02:50:00', 1, 7, 3000000, 0, 0), ('2026-01-01 02:51:00', 0, 50, 8000000, 0, 0);
            INSERT INTO slot_groups_5m VALUES ('2026-01-01 02:50:00', 0, 50, 9000000, 0, 0), ('2026-01-01 02:51:00', 0, 50, 2000000, 0, 0), ('2026-01-01 02:51:30', 1, 7, NULL, NULL, NULL)`,
    params: slotParams({ h_end: at(171), m_end: at(172), per_row: 16, grouped: true }, ['metric', 'from', 'to', 'from_ms', 'step', 'slot_from', 'slot_to', 'per_row', 'grouped', 'h_end', 'm_end']),
    types: slotTypes,
  },
  'slot_key_direct#groups': {
    query: 'slot_key_direct',
    setup: `DELETE FROM slot_groups_5m; DELETE FROM slot_groups_1h;
            INSERT INTO slot_groups_1h VALUES ('2026-01-01 02:50:00', 0, 50, 1, 0, 0), ('2026-01-01 02:50:00', 1, 7, 1, 0, 0)`,
    params: slotParams({ split: at(171), h_end: at(171), m_end: at(171), per_row: 16, grouped: true }, ['from', 'to', 'split', 'from_ms', 'step', 'slot_from', 'slot_to', 'per_row', 'grouped', 'h_end', 'm_end']),
    types: slotTypes,
  },
  retention_slot_stats: { query: 'retention_slot_stats', params: { before: at(172) }, show: 'SELECT min(ts) AS oldest, count(*) AS rows FROM slot_stats' },
  slot_cells: { query: 'slot_cells', params: slotParams({ metric: 'cpu' }, ['metric', 'from', 'to', 'from_ms', 'step', 'slot_from', 'slot_to', 'per_row', 'grouped', 'h_end', 'm_end']), types: slotTypes },
  'slot_cells#net_out-rows': { query: 'slot_cells', params: slotParams({ metric: 'net_out', per_row: 8192 }, ['metric', 'from', 'to', 'from_ms', 'step', 'slot_from', 'slot_to', 'per_row', 'grouped', 'h_end', 'm_end']), types: slotTypes },
  slot_key_cells: { query: 'slot_key_cells', params: slotParams({ from_ms: BigInt(t0 + 171 * minuteMs) }, ['lookback', 'to', 'from_ms', 'step', 'slot_from', 'slot_to', 'per_row', 'h_end', 'm_end']), types: slotTypes },
  // Rows before 02:51 summed as they are; the raw rows after it take each slot's last count per column first.
  slot_key_direct: {
    query: 'slot_key_direct',
    params: slotParams({ split: at(171) }, ['from', 'to', 'split', 'from_ms', 'step', 'slot_from', 'slot_to', 'per_row', 'grouped', 'h_end', 'm_end']),
    types: slotTypes,
  },
  // split at the window start: no rows are summed as they are (columns wider than one bucket).
  'slot_key_direct#no-head': {
    query: 'slot_key_direct',
    params: slotParams({ split: at(170), step: 60n }, ['from', 'to', 'split', 'from_ms', 'step', 'slot_from', 'slot_to', 'per_row', 'grouped', 'h_end', 'm_end']),
    types: slotTypes,
  },
  slot_owners: { query: 'slot_owners', params: slotParams({}, ['lookback', 'to', 'slot_from', 'slot_to', 'h_end', 'm_end']), types: slotTypes },
  retention_commandlog: { query: 'retention_commandlog', params: { before: at(177) }, show: 'SELECT ts, entry_id FROM commandlog ORDER BY ts' },
  retention_latency: { query: 'retention_latency', params: { before: at(177) }, show: 'SELECT ts, event FROM latency_samples ORDER BY ts' },
  commandlog_resume: { query: 'commandlog_resume' },
  latency_resume: { query: 'latency_resume' },
  commandlog_search: { query: 'commandlog_search', params: commandLogParams({}), types: commandLogTypes },
  'commandlog_search#filters': { query: 'commandlog_search', params: commandLogParams({ nodes: listValue(['a:6379']), cmd: 'get', q: 'user', min: 13_000n }), types: commandLogTypes },
  'commandlog_search#pattern': { query: 'commandlog_search', params: commandLogParams({ pattern: 'GET user:#' }), types: commandLogTypes },
  'commandlog_search#client-type': { query: 'commandlog_search', params: commandLogParams({ client: 'work', types: listValue(['large-reply']) }), types: commandLogTypes },
  'commandlog_search#all-types': { query: 'commandlog_search', params: commandLogParams({ types: null, limit: 2 }), types: commandLogTypes },
  // The page after the 02:57 entry of a (node 1, slow, id 0): older rows only.
  'commandlog_search#cursor': {
    query: 'commandlog_search',
    params: commandLogParams({ before_ts: at(177), before_node: 1, before_type: 'slow', before_id: 0n, limit: 1 }),
    types: commandLogTypes,
  },
  // The text-filter form: the page and its total from one scan.
  commandlog_search_counted: { query: 'commandlog_search_counted', params: commandLogParams({ q: 'user' }), types: commandLogTypes },
  'commandlog_search_counted#client-cursor': {
    query: 'commandlog_search_counted',
    params: commandLogParams({ client: '127.0.0.1', before_ts: at(177), before_node: 1, before_type: 'slow', before_id: 0n, limit: 1 }),
    types: commandLogTypes,
  },
  // Nothing on the page: one row with no entry still carries the total.
  'commandlog_search_counted#empty-page': {
    query: 'commandlog_search_counted',
    params: commandLogParams({ q: 'user', before_ts: at(0), before_node: 0, before_type: 'slow', before_id: 0n }),
    types: commandLogTypes,
  },
  'commandlog_search_counted#none': { query: 'commandlog_search_counted', params: commandLogParams({ q: 'no such text' }), types: commandLogTypes },
  commandlog_count: { query: 'commandlog_count', params: commandLogCountParams({}), types: commandLogTypes },
  'commandlog_count#filters': { query: 'commandlog_count', params: commandLogCountParams({ nodes: listValue(['a:6379']), q: 'user' }), types: commandLogTypes },
  commandlog_groups: { query: 'commandlog_groups', params: commandLogGroupParams('command'), types: { ...commandLogTypes, by: VARCHAR } },
  'commandlog_groups#pattern': { query: 'commandlog_groups', params: commandLogGroupParams('pattern'), types: { ...commandLogTypes, by: VARCHAR } },
  latency_range: { query: 'latency_range', params: { ...range(0, 180), nodes: null, events: null, limit: 10 }, types: { nodes: LIST(VARCHAR), events: LIST(VARCHAR), limit: INTEGER } },
  'latency_range#filters': { query: 'latency_range', params: { ...range(0, 180), nodes: listValue(['a:6379']), events: listValue(['command']), limit: 10 }, types: { nodes: LIST(VARCHAR), events: LIST(VARCHAR), limit: INTEGER } },
  latency_totals: { query: 'latency_totals' },
  // Audit and CLI history (008): rows at 02:50, 02:55 and 02:59; one failed, one without a node.
  audit_insert: {
    query: 'audit_insert',
    params: { ts: at(176), source: 'browser', node: 'a:6379', command: 'UNLINK user:1', target: 'user:1', ok: true, error: null },
    types: { error: VARCHAR },
    show: 'SELECT * FROM audit ORDER BY ts',
  },
  audit_range: { query: 'audit_range', setup: auditSetup, params: { ...range(0, 180), limit: 10 }, types: { limit: INTEGER } },
  'audit_range#window': { query: 'audit_range', setup: auditSetup, params: { ...range(171, 179), limit: 1 }, types: { limit: INTEGER } },
  retention_audit: { query: 'retention_audit', setup: auditSetup, params: { before: at(175) }, show: 'SELECT ts, command FROM audit ORDER BY ts' },
  cli_history_insert: {
    query: 'cli_history_insert',
    params: { ts: at(176), node: 'a:6379', command: 'AUTH ***', ok: false, ms: 0.5 },
    show: 'SELECT * FROM cli_history ORDER BY ts',
  },
  cli_history_list: { query: 'cli_history_list', setup: cliSetup, params: { limit: 2 }, types: { limit: INTEGER } },
  // Memory analysis (009): run 1 done at 02:51 with two groups and one (binary) biggest key, run 2 still running.
  key_analysis_insert: {
    query: 'key_analysis_insert',
    setup: keyAnalysisSetup,
    params: { started: at(176), match: null, sample_keys: 500 },
    types: { match: VARCHAR, sample_keys: INTEGER },
    show: 'SELECT run_id, started, state, match, sample_keys FROM key_analysis_runs ORDER BY run_id',
  },
  key_analysis_finish: {
    query: 'key_analysis_finish',
    setup: keyAnalysisSetup,
    params: { run_id: 2, ended: at(177), state: 'done', total_keys: 300n, sampled: 30n, detail: '{"confidence": {"exact": false}}' },
    types: { run_id: INTEGER, state: VARCHAR, total_keys: BIGINT, sampled: BIGINT, detail: VARCHAR },
    show: 'SELECT run_id, ended, state, total_keys, sampled, detail FROM key_analysis_runs ORDER BY run_id',
  },
  key_analysis_list: { query: 'key_analysis_list', setup: keyAnalysisSetup, params: { limit: 10 }, types: { limit: INTEGER } },
  key_analysis_get: { query: 'key_analysis_get', setup: keyAnalysisSetup, params: { run_id: 1 }, types: { run_id: INTEGER } },
  key_analysis_groups: { query: 'key_analysis_groups', setup: keyAnalysisSetup, params: { run_id: 1 }, types: { run_id: INTEGER } },
  key_analysis_biggest: { query: 'key_analysis_biggest', setup: keyAnalysisSetup, params: { run_id: 1 }, types: { run_id: INTEGER } },
  retention_cli_history: { query: 'retention_cli_history', setup: cliSetup, params: { before: at(175) }, show: 'SELECT ts, command FROM cli_history ORDER BY ts' },
  slot_polled_cols: { query: 'slot_polled_cols', params: slotParams({}, ['from', 'to', 'from_ms', 'step', 'h_end', 'm_end']), types: slotTypes },
  slot_totals: { query: 'slot_totals', params: slotParams({ metric: 'cpu', from: at(171) }, ['metric', 'from', 'to', 'lookback', 'h_end', 'm_end']), types: slotTypes },
  'slot_totals#keys': { query: 'slot_totals', params: slotParams({ metric: 'keys', from: at(172) }, ['metric', 'from', 'to', 'lookback', 'h_end', 'm_end']), types: slotTypes },
};

/** The header line: each column's name and type. */
function renderColumns(reader: DuckDBResultReader): string {
  const types = reader.columnTypes().map(String);
  return reader.columnNames().map((n, i) => `${n} ${types[i]}`).join(' | ');
}

/** A readable line per row: timestamps as ISO text, everything else as JSON. */
function render(reader: DuckDBResultReader): string {
  const types = reader.columnTypes().map(String);
  const lines = [renderColumns(reader)];
  for (const row of reader.getRows()) {
    lines.push(
      JSON.stringify(
        row.map((v, i) => {
          const json = toJsonValue(v);
          return types[i] === 'TIMESTAMP' && typeof json === 'number' ? new Date(json * 1000).toISOString() : json;
        }),
      ),
    );
  }
  return lines.join('\n');
}

describe('queries/*.sql goldens', () => {
  const dir = tempDir();
  const fixture = join(dir, 'fixture.duckdb');

  beforeAll(async () => {
    // Two hours of one sample a minute, 2 nodes x 3 series, rolled up; plus events and node metadata.
    const c = clock(t0 + 3 * hourMs);
    const store = await openTestStore(fixture, { now: c.now });
    const metrics = [{ metric: 'valkey_ops_per_second' }, { metric: 'valkey_calls_total', labels: { cmd: 'get' } }, { metric: 'valkey_calls_total', labels: { cmd: 'set' } }];
    store.appendSamples(generate(t0, t0 + 2 * hourMs, minuteMs, ['a:6379', 'b:6380'], metrics, (ts, n, k) => ((ts - t0) / minuteMs) % 7 + n * 100 + k * 10));
    store.recordNode({ address: 'a:6379', role: 'primary', flavor: 'valkey', version: '8.0.2', clusterNodeId: 'id-a', seenAt: t0 });
    store.appendEvents([
      { ts: t0 + 30 * minuteMs, node: 'b:6380', kind: 'node_down', detail: { error: 'timeout' } },
      { ts: t0 + 90 * minuteMs, node: 'b:6380', kind: 'node_up', detail: {} },
      { ts: t0 + 95 * minuteMs, node: 'a:6379', kind: 'config_change', detail: { key: 'maxmemory', before: '1gb', after: '2gb' } },
    ]);
    // Slot statistics from 02:50 (inside the 2 h raw retention at the fixture's clock, 03:00): a owns slots 10-11,
    // b owns 9000; baselines at 0 s, deltas every 30 s; slot 11 moves to b at 2 min.
    const slots = (sec: number, node: string, rows: [number, number, number | null][]) =>
      store.appendSlotStats({ ts: t0 + 170 * minuteMs + sec * 1000, node, slots: rows.map((r) => r[0]), keys: rows.map((r) => r[1]), cpuUsec: rows.map((r) => r[2]), netIn: rows.map((r) => (r[2] === null ? null : r[2] * 10)), netOut: rows.map((r) => (r[2] === null ? null : r[2] * 3)) });
    slots(0, 'a:6379', [[10, 5, null], [11, 1, null]]);
    slots(0, 'b:6380', [[9000, 2, null]]);
    for (const sec of [30, 60, 90]) slots(sec, 'a:6379', [[10, 5 + sec / 30, 100], [11, 1, 7]]);
    slots(60, 'b:6380', [[9000, 3, 40]]);
    slots(120, 'b:6380', [[11, 1, null]]);
    slots(150, 'b:6380', [[11, 4, 9]]);
    // A hot-key run at 02:55 on a: two keys by cpu (one binary), one by net.
    await store.saveHotkeyRun({
      started: t0 + 174 * minuteMs,
      finished: t0 + 175 * minuteMs,
      method: 'redis_hotkeys',
      status: 'ok',
      trigger: 'manual',
      detail: { durationS: 60, keysRead: 0 },
      rows: [
        { node: 'a:6379', key: new TextEncoder().encode('user:1'), metric: 'cpu', value: 900, error: null, share: 0.6, memoryBytes: 72, slot: 10, type: 'string', ttlMs: null, rank: 1 },
        { node: 'a:6379', key: new Uint8Array([0x62, 0xff, 0x00]), metric: 'cpu', value: 300, error: 5, share: 0.2, memoryBytes: null, slot: null, type: null, ttlMs: 1000, rank: 2 },
        { node: 'a:6379', key: new TextEncoder().encode('user:1'), metric: 'net', value: 4096, error: null, share: null, memoryBytes: 72, slot: 10, type: 'string', ttlMs: null, rank: 1 },
      ],
    });
    // Command log at 02:56-02:58: a's slow log before and after its server restarted (run r2 starts ids at 0), a large
    // reply on b, one entry with a binary argument; latency samples of two events.
    const enc = (s: string) => new TextEncoder().encode(s);
    const entry = (min: number, node: string, type: 'slow' | 'large-reply', id: number, runId: string, value: number, args: Uint8Array[], line: string, pattern: string) =>
      ({ ts: t0 + min * minuteMs, node, type, id, runId, value, cmd: new TextDecoder().decode(args[0]).toLowerCase(), args, argsCut: args.map(() => 0), argsMore: 0, line, pattern, client: '127.0.0.1:5000', clientName: min > 177 ? 'worker' : '' });
    store.appendCommandLog([
      entry(176, 'a:6379', 'slow', 7, 'r1', 25_000, [enc('KEYS'), enc('user:*')], 'KEYS user:*', 'KEYS user:*'),
      entry(176.5, 'a:6379', 'slow', 8, 'r1', 60_000, [enc('GET'), enc('user:1')], 'GET user:1', 'GET user:#'),
      entry(177, 'a:6379', 'slow', 0, 'r2', 12_000, [enc('GET'), enc('user:2')], 'GET user:2', 'GET user:#'),
      entry(177.5, 'b:6380', 'large-reply', 3, 'rb', 2_000_000, [enc('HGETALL'), new Uint8Array([0x62, 0xff, 0x00])], 'HGETALL "b\\xff\\x00"', 'HGETALL ?'),
      entry(178, 'a:6379', 'slow', 1, 'r2', 15_000, [enc('SORT'), enc('list:9')], 'SORT list:9', 'SORT list:#'),
    ]);
    store.appendLatency([
      { ts: t0 + 176 * minuteMs, node: 'a:6379', event: 'command', ms: 25 },
      { ts: t0 + 176.5 * minuteMs, node: 'a:6379', event: 'command', ms: 60 },
      { ts: t0 + 177 * minuteMs, node: 'a:6379', event: 'fork', ms: 12 },
      { ts: t0 + 178 * minuteMs, node: 'b:6380', event: 'command', ms: 30 },
    ]);
    await store.maintain();
    await store.close();
    mkdirSync(goldenDir, { recursive: true });
  });

  test('every query has a golden case, and every case names a query', () => {
    const named = queries.names().filter((n) => !n.startsWith('schema/'));
    const covered = new Set(Object.values(cases).map((c) => c.query));
    expect(named.filter((n) => !covered.has(n))).toEqual([]);
    expect([...covered].filter((n) => !named.includes(n))).toEqual([]);
  });

  test('schema', async () => {
    const copy = join(dir, 'schema.duckdb');
    copyFileSync(fixture, copy);
    const db = await DuckDBInstance.create(copy);
    const conn = await db.connect();
    const reader = await conn.runAndReadAll(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'main' ORDER BY table_name, ordinal_position`,
    );
    compare('schema', render(reader));
    conn.closeSync();
    db.closeSync();
  });

  for (const [name, c] of Object.entries(cases)) {
    test(name, async () => {
      const copy = join(dir, `${name.replace('#', '-')}.duckdb`);
      copyFileSync(fixture, copy);
      const db = await DuckDBInstance.create(copy);
      const conn = await db.connect();
      try {
        if (c.setup) await conn.run(c.setup);
        const reader = await namedQueries(conn, queries).read(c.query, c.params, c.types);
        let out = c.shapeOnly ? `${renderColumns(reader)}\n-- ${reader.currentRowCount} row(s)` : render(reader);
        if (c.show) out += `\n-- then: ${c.show.replace(/\s+/g, ' ')}\n${render(await conn.runAndReadAll(c.show))}`;
        compare(name, out);
      } finally {
        conn.closeSync();
        db.closeSync();
      }
    });
  }
});

function compare(name: string, actual: string) {
  const file = join(goldenDir, `${name.replace('#', '-')}.txt`);
  if (update) writeFileSync(file, `${actual}\n`);
  let expected: string;
  try {
    expected = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`no golden file ${file}; create it with UPDATE_GOLDEN=1 and review it`);
  }
  expect(`${actual}\n`).toBe(expected);
}
