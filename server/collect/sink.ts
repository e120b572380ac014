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
  | 'slot_move';

/** Something that happened to a node, recorded with its time. */
export interface NodeEvent {
  ts: number;
  node: string;
  kind: NodeEventKind;
  /** Free-form details (before/after role, error message, ...). Never contains passwords. */
  detail: Record<string, unknown>;
}

/** What the store implements; collectors only see this. */
export interface SampleSink {
  appendSamples(samples: Sample[]): void;
  appendEvents(events: NodeEvent[]): void;
}
