// Parses HOTKEYS GET replies: Redis 8.6's tracking-session report and Valkey 9.2's per-window QPS list.

/** One key of a Redis top-K list. Keys are Buffers: key names are binary-safe. */
export interface HotkeyEntry {
  key: Buffer;
  /** What the server reported: counted on sampled commands only when sampleRatio > 1. */
  value: number;
  /** value scaled up to all commands (value x the report's estimateScale); equal to value without sampling. */
  estimatedValue: number;
}

export type RedisHotkeyMetric = 'cpu' | 'net';

/** Node-wide counters of a Redis session; null when the reply did not carry the field. */
export interface RedisHotkeysTotals {
  /** CPU of every command that names a key (keyless commands such as PING are not counted), all slots. */
  cpuUs: number | null;
  /** The same, restricted to the selected slots (only present with SLOTS). */
  cpuUsSelectedSlots: number | null;
  /** The same, restricted to sampled commands in the selected slots (only with SLOTS and SAMPLE > 1). */
  cpuUsSampledSelectedSlots: number | null;
  /** Request + reply bytes of every command that names a key, all slots. */
  netBytes: number | null;
  netBytesSelectedSlots: number | null;
  netBytesSampledSelectedSlots: number | null;
  /** Bytes of the commands the session actually tracked (sampled, in the selected slots); only with NET. */
  netBytesTracked: number | null;
  /**
   * The server process's own CPU since the session started (rusage), all work included; only with CPU.
   * Redis 8.6.3 computes these when GET runs: they keep growing after the session stopped.
   */
  processCpuUserMs: number | null;
  processCpuSysMs: number | null;
}

export interface RedisHotkeysReport {
  /** False once the session was stopped (HOTKEYS STOP or its DURATION ran out); results stay until RESET. */
  active: boolean;
  sampleRatio: number;
  /** Inclusive [from, to] ranges; a single slot is [n, n]. Standalone: [[0, 16383]]; cluster: the node's slots. */
  selectedSlots: [number, number][];
  /** Unix milliseconds. Together with the options it identifies a session. */
  startedAt: number;
  durationMs: number;
  /** Which top-K lists the session keeps (METRICS of HOTKEYS START). */
  metrics: RedisHotkeyMetric[];
  totals: RedisHotkeysTotals;
  /**
   * What a sampled value is multiplied by to estimate the value over all commands; 1 without sampling.
   * The server reports per-key values counted on sampled commands only (not scaled). When the reply also
   * carries the exact total and the sampled total for a metric (net bytes always; CPU only with SLOTS), the
   * scale is their quotient, the sampling rate that really happened; otherwise it is sampleRatio.
   */
  estimateScale: Record<RedisHotkeyMetric, number>;
  /** Descending, as the server ranks them; empty when the metric is not tracked (see metrics). */
  byCpuUs: HotkeyEntry[];
  byNetBytes: HotkeyEntry[];
}

const totalFields: Record<string, keyof RedisHotkeysTotals> = {
  'all-commands-all-slots-us': 'cpuUs',
  'all-commands-selected-slots-us': 'cpuUsSelectedSlots',
  'sampled-commands-selected-slots-us': 'cpuUsSampledSelectedSlots',
  'net-bytes-all-commands-all-slots': 'netBytes',
  'net-bytes-all-commands-selected-slots': 'netBytesSelectedSlots',
  'net-bytes-sampled-commands-selected-slots': 'netBytesSampledSelectedSlots',
  'total-net-bytes': 'netBytesTracked',
  'total-cpu-time-user-ms': 'processCpuUserMs',
  'total-cpu-time-sys-ms': 'processCpuSysMs',
};

/**
 * Redis 8.6 HOTKEYS GET. The reply is an array holding one report (a flat field/value array under RESP2, a
 * map under RESP3); a bare report is accepted too. nil (no session, or after RESET) gives undefined.
 * Unknown fields are ignored, so a newer server's additions do not break the parse.
 */
export function parseRedisHotkeys(reply: unknown): RedisHotkeysReport | undefined {
  if (reply === null || reply === undefined) return undefined;
  let report = reply;
  if (Array.isArray(reply) && reply.length <= 1 && (reply.length === 0 || !isScalar(reply[0]))) {
    if (reply.length === 0) return undefined;
    report = reply[0];
    if (report === null || report === undefined) return undefined;
  }
  const fields = new Map(pairs(report, 'HOTKEYS GET'));
  if (!fields.has('tracking-active')) throw new Error('HOTKEYS GET: not a hotkeys report (no tracking-active)');
  const sampleRatio = num(fields.get('sample-ratio')) ?? 1;
  const totals = Object.fromEntries(Object.values(totalFields).map((k) => [k, null])) as unknown as RedisHotkeysTotals;
  for (const [name, key] of Object.entries(totalFields)) if (fields.has(name)) totals[key] = num(fields.get(name)) ?? null;
  const metrics: RedisHotkeyMetric[] = [];
  if (fields.has('by-cpu-time-us')) metrics.push('cpu');
  if (fields.has('by-net-bytes')) metrics.push('net');
  const estimateScale = {
    cpu: scale(sampleRatio, totals.cpuUsSelectedSlots, totals.cpuUsSampledSelectedSlots),
    net: scale(sampleRatio, totals.netBytesSelectedSlots ?? totals.netBytes, totals.netBytesTracked ?? totals.netBytesSampledSelectedSlots),
  };
  return {
    active: num(fields.get('tracking-active')) === 1,
    sampleRatio,
    selectedSlots: slotRanges(fields.get('selected-slots')),
    startedAt: num(fields.get('collection-start-time-unix-ms')) ?? 0,
    durationMs: num(fields.get('collection-duration-ms')) ?? 0,
    metrics,
    totals,
    estimateScale,
    byCpuUs: entries(fields.get('by-cpu-time-us'), estimateScale.cpu),
    byNetBytes: entries(fields.get('by-net-bytes'), estimateScale.net),
  };
}

/**
 * Measured on Redis 8.6.3: on one-key workloads with SAMPLE 10, sampled CPU x 10 landed between half and 1.35
 * times the exact total, and with SLOTS a sampled list times the nominal ratio summed to more than the exact
 * total. exact/sampled keeps estimates consistent with what the server counted exactly; for net bytes, which
 * are exact per command, it came within 0.1% of the bytes really sent.
 */
function scale(sampleRatio: number, exact: number | null, sampled: number | null): number {
  if (sampleRatio <= 1) return 1;
  if (exact !== null && sampled !== null && sampled > 0 && exact >= sampled) return exact / sampled;
  return sampleRatio;
}

/** One key of a Valkey report: accesses per second over the server's last completed window. */
export interface ValkeyHotkey {
  key: Buffer;
  db: number;
  /** Already scaled by the server for its sampling percentage and divided by the window's real length. */
  qps: number;
}

/**
 * Valkey 9.2 HOTKEYS GET: an array of entries with key, db and qps (a map each under RESP3, a flat
 * field/value array under RESP2), hottest first; empty when detection is off or no window has completed.
 * Built from the documented reply (valkey-io/valkey src/commands/hotkeys-get.json and its docs page), NOT yet
 * verified against a real server: Debian has no Valkey 9.2.
 */
export function parseValkeyHotkeys(reply: unknown): ValkeyHotkey[] {
  if (reply === null || reply === undefined) return [];
  if (!Array.isArray(reply)) throw new Error(`HOTKEYS GET: expected an array, got ${typeof reply}`);
  const out: ValkeyHotkey[] = [];
  for (const entry of reply) {
    const fields = new Map(pairs(entry, 'HOTKEYS GET'));
    const key = fields.get('key');
    if (key === undefined || key === null) throw new Error('HOTKEYS GET: entry without a key');
    out.push({ key: toBuffer(key), db: num(fields.get('db')) ?? 0, qps: num(fields.get('qps')) ?? 0 });
  }
  return out;
}

function isScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || Buffer.isBuffer(v);
}

/** Field/value pairs of a flat array, a Map (RESP3 decoders) or a plain object (RESP3 as JSON). */
function pairs(value: unknown, what: string): [string, unknown][] {
  if (value instanceof Map) return [...value].map(([k, v]) => [text(k), v]);
  if (Array.isArray(value)) {
    const out: [string, unknown][] = [];
    for (let i = 0; i + 1 < value.length; i += 2) out.push([text(value[i]), value[i + 1]]);
    return out;
  }
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) return Object.entries(value);
  throw new Error(`${what}: expected field/value pairs, got ${Buffer.isBuffer(value) ? 'a string' : typeof value}`);
}

/** A top-K list: [key, value, key, value, ...]; also [[key, value], ...] or a map, should a server send those. */
function entries(list: unknown, estimateScale: number): HotkeyEntry[] {
  if (list === null || list === undefined) return [];
  const out: HotkeyEntry[] = [];
  const add = (key: unknown, value: unknown) => {
    const n = num(value);
    if (n === undefined || key === null || key === undefined) return;
    out.push({ key: toBuffer(key), value: n, estimatedValue: n * estimateScale });
  };
  if (Array.isArray(list) && list.length > 0 && Array.isArray(list[0])) {
    for (const item of list) if (Array.isArray(item)) add(item[0], item[1]);
  } else if (Array.isArray(list)) {
    for (let i = 0; i + 1 < list.length; i += 2) add(list[i], list[i + 1]);
  } else {
    for (const [k, v] of pairs(list, 'HOTKEYS GET')) add(k, v);
  }
  return out;
}

/** [[from, to], [slot], ...]: one-element entries are single slots. */
function slotRanges(value: unknown): [number, number][] {
  if (!Array.isArray(value)) return [];
  const out: [number, number][] = [];
  for (const r of value) {
    const range = Array.isArray(r) ? r : [r];
    const from = num(range[0]);
    const to = num(range[1] ?? range[0]);
    if (from !== undefined && to !== undefined) out.push([from, to]);
  }
  return out;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' || Buffer.isBuffer(v)) {
    const s = v.toString().trim();
    if (s === '') return undefined;
    const n = Number(s);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function text(v: unknown): string {
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}

function toBuffer(v: unknown): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8');
}
