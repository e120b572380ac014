// What a hot-key run produces, whatever the method: the run (method, status, cost) and the keys it found per node.

/**
 * redis_hotkeys: Redis 8.6+ HOTKEYS (server-side tracking of CPU time and network bytes per key).
 * valkey_hotkeys: Valkey's HOTKEYS (a different command: Space-Saving access counts per window).
 * slot_scan: the two-phase method for Valkey clusters (hot slots from CLUSTER SLOT-STATS, then only their keys).
 * monitor: a time-boxed, rate-limited MONITOR sample into a Space-Saving sketch.
 */
export type HotkeyMethod = 'redis_hotkeys' | 'valkey_hotkeys' | 'slot_scan' | 'monitor';
export const hotkeyMethods: readonly HotkeyMethod[] = ['redis_hotkeys', 'valkey_hotkeys', 'slot_scan', 'monitor'];

/**
 * cpu: usec of server time; net: bytes in + out; ops: accesses counted; qps: accesses per second (Valkey's HOTKEYS);
 * lfu: the LFU counter (OBJECT FREQ, logarithmic).
 */
export type HotkeyMetric = 'cpu' | 'net' | 'ops' | 'qps' | 'lfu';
export type HotkeyUnit = 'usec' | 'bytes' | 'ops' | 'ops/s' | 'lfu';
export const hotkeyMetrics: readonly HotkeyMetric[] = ['cpu', 'net', 'ops', 'qps', 'lfu'];
export const hotkeyUnits: Record<HotkeyMetric, HotkeyUnit> = { cpu: 'usec', net: 'bytes', ops: 'ops', qps: 'ops/s', lfu: 'lfu' };

export type HotkeyRunStatus = 'ok' | 'partial' | 'failed' | 'cancelled';

export interface HotkeyRow {
  node: string;
  key: Uint8Array;
  metric: HotkeyMetric;
  value: number;
  /** value - error is a guaranteed lower bound (sketch estimates); null when the value is exact. */
  error: number | null;
  /** Share of the node's total on this metric over the run; null when the total is unknown. */
  share: number | null;
  memoryBytes: number | null;
  slot: number | null;
  type: string | null;
  ttlMs: number | null;
  /** 1 = hottest on this node and metric. */
  rank: number;
}

/** What a run cost and found besides keys: parameters, keys read, commands sent, time, hot slots, per-node errors. */
export type HotkeyRunDetail = Record<string, unknown>;

export interface HotkeyRun {
  started: number;
  finished: number;
  method: HotkeyMethod;
  status: HotkeyRunStatus;
  trigger: 'manual' | 'schedule';
  detail: HotkeyRunDetail;
  rows: HotkeyRow[];
}
