// Public types of the store: options, the Store interface, series and SQL query shapes.
import type { CommandLogEntry, LatencySample, LogResumePoints, LogSink, NodeEvent, SampleSink, Sample, SlotStatsBatch } from '../collect/sink.ts';
import type { CommandLogCursor, CommandLogFilter, CommandLogGroup, CommandLogPage, LatencyRow, LatencyTotals } from './logs.ts';
import type { QueryTexts } from './queries.ts';
import type { HotkeyRun } from '../hotkeys/types.ts';
import type { HotkeyHistoryPoint, StoredHotkeyRow, StoredHotkeyRun } from './hotkeys.ts';
import type { KeyAnalysisBig, KeyAnalysisEnd, KeyAnalysisGroup, StoredKeyAnalysis } from './keyAnalysis.ts';
import type { AuditRow, CliHistoryRow, StoredAuditRow, StoredCliHistoryRow } from './audit.ts';

export interface StoreOptions {
  /** DuckDB file; created (and migrated) if needed. */
  path: string;
  /** How long rollups (1m, 1h) and events are kept. Default 7 days. */
  retentionMs?: number;
  /** How long raw samples are kept. Default min(retentionMs, 24 h). */
  rawRetentionMs?: number;
  /** Buffered samples are appended at most this often. Default 1000. */
  flushIntervalMs?: number;
  /** How often maintenance runs on its own: the rollups, then the checkpoint half this later. Default 60 000; 0 turns the timer off. */
  maintainIntervalMs?: number;
  /** Clock (unix ms); injected by tests. */
  now?: () => number;
  log?: (msg: string) => void;
  /** SQL texts by name; default reads queries/ from disk (a compiled binary passes the embedded map). */
  queries?: QueryTexts;
}

/** What discovery knows about a node. Never holds credentials: address is "host:port", not a URL. */
export interface NodeRecord {
  address: string;
  clusterNodeId?: string | null;
  role?: 'primary' | 'replica' | 'standalone' | null;
  /** For replicas: "host:port" of the primary. */
  primaryAddress?: string | null;
  flavor?: 'valkey' | 'redis' | null;
  version?: string | null;
  /** When discovery saw the node (unix ms); default now(). */
  seenAt?: number;
}

/**
 * avg/max/min/last: one value per bucket. minmax: per-pixel min/max decimation (the M4 idea), two points per
 * bucket: x = bucket start and x = bucket start + step/2 carry the bucket's min and max in the order they happened,
 * so the drawn line spans exactly what drawing every sample would (spikes survive; avg would flatten them).
 */
export type SeriesAgg = 'avg' | 'max' | 'min' | 'last' | 'minmax';
export type SeriesCombine = 'sum' | 'avg' | 'max' | 'min';

export interface SeriesQuery {
  metric: string;
  /** Only series whose labels include all of these pairs; omitted = every label set. */
  labels?: Record<string, string>;
  nodes: string[] | 'all';
  /** Unix ms. */
  from: number;
  to: number;
  /** Bucket width in ms; rounded up to whole seconds, or to the rollup's resolution. */
  step: number;
  agg: SeriesAgg;
  /**
   * Aggregate all matching series into one column per bucket (after agg within each series). With agg=minmax
   * the per-series mins are folded with it, and so are the maxes, and the folded min is put first: for sum and
   * avg that is an outer envelope (sum of mins <= the summed series' true min; its true max <= sum of maxes),
   * not the exact span; the order within a bucket is no longer when things happened.
   */
  combine?: SeriesCombine;
}

export interface SeriesResult {
  /** Effective bucket width in seconds (with agg=minmax still the bucket, which holds two points). */
  step: number;
  source: 'raw' | '1m' | '1h';
  /** One entry per column of data after x; with combine, one entry {node: '*', labels: query labels}. */
  series: { node: string; labels: Record<string, string> }[];
  /**
   * uPlot shape: data[0] = bucket starts in unix seconds (every bucket), data[i+1] = series[i].
   * With agg=minmax, data[0] has two x per bucket (start, start + step/2), ascending, and each column the
   * bucket's min and max in time order (null, null for a bucket without data).
   */
  data: (number | null)[][];
}

/** An event as stored; ts in unix ms like NodeEvent. */
export type StoredEvent = NodeEvent;

export interface EventsQuery {
  from: number;
  to: number;
  node?: string;
  /** Default 1000. */
  limit?: number;
}

export interface SqlOptions {
  /** Default 10 000. */
  rowLimit?: number;
  /** Default 10 000. */
  timeoutMs?: number;
}

export interface SqlResult {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  /** More rows existed than rowLimit. */
  truncated: boolean;
}

export interface SeriesKey {
  metric: string;
  labels: Record<string, string>;
  nodes: string[];
}

export interface StoreStats {
  path: string;
  /** Sample rows appended since open. */
  rowsWritten: number;
  /** Flushes that appended at least one row. */
  batches: number;
  /** Duration of the last flush. */
  lastFlushMs: number;
  /** Samples buffered, not yet appended. */
  pendingRows: number;
}

export type SlotMetric = 'cpu' | 'net_in' | 'net_out' | 'keys';

export interface SlotWindow {
  metric: SlotMetric;
  /** Unix ms, [from, to). */
  from: number;
  to: number;
}

export interface SlotHeatmapQuery extends SlotWindow {
  rows: number;
  cols: number;
  slotFrom: number;
  slotTo: number;
  /** The slot-stats poll interval in seconds: no column is narrower. */
  minStepSeconds: number;
}

/** See docs/slots-api.md. Times in unix seconds; cpu/net values per second, keys as counts. */
export interface SlotHeatmap {
  metric: SlotMetric;
  unit: 'usec/s' | 'bytes/s' | 'keys';
  /** The coarsest tier read: raw rows (10 s), or 5-minute / 1-hour rollups (with newer data from the finer tiers). */
  source: 'raw' | '5m' | '1h';
  from: number;
  to: number;
  step: number;
  x: number[];
  rows: { slotFrom: number; slotTo: number; node: string | null }[];
  values: (number | null)[][];
  max: number;
  bands: { node: string; slotFrom: number; slotTo: number }[];
}

export interface SlotHot {
  slot: number;
  node: string;
  /** Total over the window (usec, bytes) or the latest key count. */
  value: number;
  share: number;
  nodeShare: number;
}

export interface SlotBalance {
  metric: SlotMetric;
  unit: SlotHeatmap['unit'];
  nodes: { node: string; value: number; share: number; slots: number }[];
  mean: number;
  max: number;
  imbalance: number;
  advice: string;
}

export interface SlotSeriesQuery extends SlotWindow {
  slotFrom: number;
  slotTo: number;
  /** Wanted bucket width in seconds (raised to at least minStepSeconds). */
  step: number;
  minStepSeconds: number;
}

export interface SlotSeries {
  step: number;
  source: SlotHeatmap['source'];
  unit: SlotHeatmap['unit'];
  series: { node: string; labels: Record<string, string> }[];
  data: (number | null)[][];
}

export interface Store extends SampleSink, LogSink {
  appendSamples(samples: Sample[]): void;
  appendEvents(events: NodeEvent[]): void;
  appendSlotStats(batch: SlotStatsBatch): void;
  recordNode(node: NodeRecord): void;
  flush(): Promise<void>;
  /** Flush, checkpoint, close. */
  close(): Promise<void>;
  series(q: SeriesQuery): Promise<SeriesResult>;
  events(q: EventsQuery): Promise<StoredEvent[]>;
  /** Read-only user SQL; throws StoreQueryError. */
  sql(text: string, opts?: SqlOptions): Promise<SqlResult>;
  seriesKeys(): Promise<SeriesKey[]>;
  stats(): StoreStats;
  slotHeatmap(q: SlotHeatmapQuery): Promise<SlotHeatmap>;
  slotHot(q: SlotWindow & { limit: number }): Promise<SlotHot[]>;
  slotBalance(q: SlotWindow): Promise<SlotBalance>;
  slotSeries(q: SlotSeriesQuery): Promise<SlotSeries>;
  /** Writes a finished hot-key run and its keys (after anything buffered, so its nodes are known); returns its id. */
  saveHotkeyRun(run: HotkeyRun): Promise<number>;
  hotkeyRuns(q: { from: number; to: number; limit: number }): Promise<StoredHotkeyRun[]>;
  /** The run and its keys, or undefined when there is no such run. */
  hotkeyRun(id: number): Promise<(StoredHotkeyRun & { rows: StoredHotkeyRow[] }) | undefined>;
  /** One key's values in every run in [from, to) that found it. */
  hotkeyHistory(q: { key: Uint8Array; from: number; to: number }): Promise<HotkeyHistoryPoint[]>;
  /** Command log entries and latency samples, buffered and written with the next flush. */
  appendCommandLog(entries: CommandLogEntry[]): void;
  appendLatency(samples: LatencySample[]): void;
  /** Where each node's command log and latency history stop in the file. */
  logResumePoints(): Promise<LogResumePoints>;
  /** Command log entries matching the filter, newest first, a page at a time. */
  searchCommandLog(f: CommandLogFilter, page: { limit: number; before?: CommandLogCursor }): Promise<CommandLogPage>;
  groupCommandLog(f: CommandLogFilter, by: 'command' | 'pattern', limit: number): Promise<CommandLogGroup[]>;
  latencyRange(q: { from: number; to: number; nodes?: string[]; events?: string[]; limit: number }): Promise<LatencyRow[]>;
  /** Per node and event, over everything kept. */
  latencyTotals(): Promise<LatencyTotals[]>;
  /** Rollups, compaction and retention, then a checkpoint; idempotent. */
  maintain(): Promise<void>;
  /** A memory-analysis run as it starts (state running); returns its id. */
  startKeyAnalysis(r: { started: number; match: string | null; sampleKeys: number }): Promise<number>;
  /** Its end: state, totals, groups and biggest keys. */
  finishKeyAnalysis(id: number, end: KeyAnalysisEnd): Promise<void>;
  /** Memory-analysis runs, newest first. */
  keyAnalyses(limit: number): Promise<StoredKeyAnalysis[]>;
  keyAnalysis(id: number): Promise<(StoredKeyAnalysis & { groups: KeyAnalysisGroup[]; biggest: KeyAnalysisBig[] }) | undefined>;
  /** Records a write made through Skyscope (command already redacted); a failure is logged, never thrown. */
  recordAudit(row: AuditRow): Promise<void>;
  /** Audit rows in [from, to), newest first. */
  audit(q: { from: number; to: number; limit: number }): Promise<StoredAuditRow[]>;
  /** Records a command run in the CLI (already redacted); a failure is logged, never thrown. */
  recordCliHistory(row: CliHistoryRow): Promise<void>;
  /** The newest CLI commands, newest first. */
  cliHistory(limit: number): Promise<StoredCliHistoryRow[]>;
}
