// The seam between collectors and the store: collectors produce samples and events, a sink takes them.

/** One measured value of one metric on one node at one instant. */
export interface Sample {
  /** Unix time in milliseconds when the reply was received. */
  ts: number;
  /** Node address "host:port" as Skyscope shows it (stable across restarts of the node). */
  node: string;
  /** Catalog metric name (Prometheus style, e.g. valkey_ops_per_second, valkey_command_calls_total). */
  metric: string;
  /** Extra dimensions, e.g. {cmd: "get"} or {db: "0"}; absent for plain metrics. */
  labels?: Record<string, string>;
  /** For counters this is the per-second rate computed at ingest; for gauges the value itself. */
  value: number;
}

export type NodeEventKind =
  | 'node_up'
  | 'node_down'
  | 'node_added'
  | 'node_removed'
  | 'role_change'
  | 'failover'
  | 'restart'
  | 'config_change'
  | 'source_error'
  | 'slot_move'
  /** Command log entries the server dropped (log reset or rotated) before Skyscope read them. */
  | 'commandlog_lost';

/** Something that happened to a node, recorded with its time. */
export interface NodeEvent {
  ts: number;
  node: string;
  kind: NodeEventKind;
  /** Free-form details (before/after role, error message, ...). Never contains passwords. */
  detail: Record<string, unknown>;
}

/**
 * One CLUSTER SLOT-STATS poll of one primary, reduced to the slots that changed (and every owned slot
 * now and then, so the key count of an idle slot is never far back). Index i of every array is slots[i].
 */
export interface SlotStatsBatch {
  /** Unix ms when the reply was received. */
  ts: number;
  node: string;
  slots: number[];
  /** Key count at ts. */
  keys: number[];
  /** CPU microseconds / bytes since the previous poll; null where unknown (first sight of the slot, or not collected). */
  cpuUsec: (number | null)[];
  netIn: (number | null)[];
  netOut: (number | null)[];
}

/** What the store implements; collectors only see this. */
export interface SampleSink {
  appendSamples(samples: Sample[]): void;
  appendEvents(events: NodeEvent[]): void;
  appendSlotStats(batch: SlotStatsBatch): void;
}

export type CommandLogType = 'slow' | 'large-request' | 'large-reply';

/** One command log entry (COMMANDLOG GET or SLOWLOG GET) of one node, read once. */
export interface CommandLogEntry {
  /** Unix ms of the server's entry time (whole seconds: the server logs seconds). */
  ts: number;
  node: string;
  type: CommandLogType;
  /** The server's entry id; with runId and type it identifies the entry. */
  id: number;
  runId: string;
  /** Microseconds (slow) or bytes (large-request, large-reply). */
  value: number;
  /** Lower-case command, "config|get" for a container's subcommand. */
  cmd: string;
  args: Uint8Array[];
  /** Bytes the server cut from each argument; 0 when whole. */
  argsCut: number[];
  /** Arguments the server dropped past its limit. */
  argsMore: number;
  /** Display form of the command line (also what text search looks at). */
  line: string;
  /** The command with digits and ids folded, for grouping. */
  pattern: string;
  client: string;
  clientName: string;
}

/** One latency monitor sample (LATENCY HISTORY): the worst latency of an event in one second. */
export interface LatencySample {
  /** Unix ms of the server's second. */
  ts: number;
  node: string;
  event: string;
  ms: number;
}

/** Where the command log and latency collectors send what they read; only the store implements it. */
export interface LogSink {
  appendCommandLog(entries: CommandLogEntry[]): void;
  appendLatency(samples: LatencySample[]): void;
}

/** Where each node's log collection resumes after Skyscope restarts, so nothing is stored twice. */
export interface LogResumePoints {
  commandLog: { node: string; type: CommandLogType; runId: string; lastId: number }[];
  /** lastTs: the newest second stored, unix seconds. */
  latency: { node: string; event: string; lastTs: number }[];
}
