// Parses LATENCY LATEST / HISTORY / HISTOGRAM replies, and percentiles and deltas of the command histograms.

export interface LatencyLatest {
  event: string;
  /** unix seconds of the latest spike */
  ts: number;
  latestMs: number;
  /** the largest spike since the server started or LATENCY RESET */
  maxMs: number;
  /** Valkey 9+: sum and count of every spike since start or reset (several in one second count separately); null before. */
  sumMs: number | null;
  count: number | null;
}

/** LATENCY LATEST: [event, ts, latest, max] on Redis and Valkey 8, [event, ts, latest, max, sum, count] on Valkey 9. */
export function parseLatencyLatest(reply: unknown): LatencyLatest[] {
  return list(reply, 'LATENCY LATEST').map((e, i) => {
    const where = `LATENCY LATEST entry ${i}`;
    if (!Array.isArray(e) || e.length < 4) throw new Error(`${where}: expected an array of at least 4 fields, got ${describe(e)}`);
    const six = e.length >= 6;
    return {
      event: text(e[0], `${where}: event`),
      ts: integer(e[1], `${where}: timestamp`),
      latestMs: integer(e[2], `${where}: latest`),
      maxMs: integer(e[3], `${where}: max`),
      sumMs: six ? integer(e[4], `${where}: sum`) : null,
      count: six ? integer(e[5], `${where}: count`) : null,
    };
  });
}

/** LATENCY HISTORY event: [[ts, ms], ...], oldest first; one sample per second (the largest spike of that second). */
export function parseLatencyHistory(reply: unknown): { ts: number; ms: number }[] {
  return list(reply, 'LATENCY HISTORY').map((e, i) => {
    if (!Array.isArray(e) || e.length < 2) throw new Error(`LATENCY HISTORY sample ${i}: expected [ts, ms], got ${describe(e)}`);
    return { ts: integer(e[0], `LATENCY HISTORY sample ${i}: timestamp`), ms: integer(e[1], `LATENCY HISTORY sample ${i}: latency`) };
  });
}

/**
 * The counts are cumulative, as the server reports them: each bucket's count is the number of calls that took at
 * most its bound (an HdrHistogram iterated in power-of-two steps from 1024 ns; bounds are the steps' highest
 * equivalent values in µs: 1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227, ...). The server lists only the
 * bounds where the running count grows, so an absent bound has the count of the nearest listed bound below it, and
 * the last count equals `calls`.
 */
export interface CommandHistogram {
  cmd: string;
  calls: number;
  /** bucket upper bound in µs -> count, as the server reports it, ascending by bound */
  buckets: [number, number][];
}

/** LATENCY HISTOGRAM [cmd ...]: the RESP2 array form and the RESP3 map form (a Map, or an object as ioredis gives it). */
export function parseLatencyHistogram(reply: unknown): CommandHistogram[] {
  return pairs(reply, 'LATENCY HISTOGRAM').map(([cmd, body]) => {
    const where = `LATENCY HISTOGRAM ${cmd}`;
    const fields = new Map(pairs(body, where));
    if (!fields.has('calls') || !fields.has('histogram_usec')) throw new Error(`${where}: expected calls and histogram_usec`);
    const buckets = pairs(fields.get('histogram_usec'), `${where}: histogram_usec`)
      .map(([bound, count]): [number, number] => [integer(bound, `${where}: bound`), integer(count, `${where}: count`)])
      .sort((a, b) => a[0] - b[0]);
    return { cmd, calls: integer(fields.get('calls'), `${where}: calls`), buckets };
  });
}

/**
 * Percentile (0..100) of the calls in a histogram (or a delta of two): the bucket's upper bound where the running
 * count first reaches p% of calls, interpolating linearly inside the bucket between the previous listed bound (0
 * for the first) and this one. The calls between two listed bounds all lie in that range, since the server lists
 * every bound where the count grows. Buckets are cumulative (see CommandHistogram); the total is the last count.
 * null when there are no calls.
 */
export function histogramPercentile(buckets: [number, number][], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  for (let i = 1; i < buckets.length; i++) {
    const [[b0, c0], [b1, c1]] = [buckets[i - 1]!, buckets[i]!];
    if (b1 <= b0) throw new Error(`histogram bounds must ascend, got ${b1} after ${b0}`);
    if (c1 < c0) throw new Error(`histogram counts must be cumulative (non-decreasing), got ${c1} after ${c0}`);
  }
  const total = buckets.length > 0 ? buckets[buckets.length - 1]![1] : 0;
  if (total <= 0) return null;
  const target = (p / 100) * total;
  let prevBound = 0;
  let prevCount = 0;
  for (const [bound, count] of buckets) {
    if (count > prevCount && count >= target) return prevBound + ((target - prevCount) / (count - prevCount)) * (bound - prevBound);
    prevBound = bound;
    prevCount = count;
  }
  return prevBound;
}

/**
 * Difference of two histograms of the same command (after - before), in the same cumulative form, listing only the
 * bounds where the difference grows. null when any count went down (stats were reset: CONFIG RESETSTAT or a
 * restart). A reset followed by more calls than before in every bucket cannot be told from growth.
 */
export function histogramDelta(before: CommandHistogram, after: CommandHistogram): CommandHistogram | null {
  if (before.cmd !== after.cmd) throw new Error(`histogramDelta: different commands (${before.cmd}, ${after.cmd})`);
  const calls = after.calls - before.calls;
  if (calls < 0) return null;
  const bounds = [...new Set([...before.buckets, ...after.buckets].map(([b]) => b))].sort((a, b) => a - b);
  const cumBefore = cumulativeAt(before.buckets, bounds);
  const cumAfter = cumulativeAt(after.buckets, bounds);
  const buckets: [number, number][] = [];
  let prevDelta = 0;
  for (let i = 0; i < bounds.length; i++) {
    const delta = cumAfter[i]! - cumBefore[i]!;
    // A bucket of its own (not cumulative) that shrank shows as a running difference that falls.
    if (delta < prevDelta) return null;
    if (delta > prevDelta) buckets.push([bounds[i]!, delta]);
    prevDelta = delta;
  }
  if (prevDelta !== calls) {
    // The buckets disagree with calls only when a reset happened in between.
    return null;
  }
  return { cmd: after.cmd, calls, buckets };
}

/** The cumulative count at each bound: that of the nearest listed bound at or below it, 0 below the first. */
function cumulativeAt(buckets: [number, number][], bounds: number[]): number[] {
  const out: number[] = [];
  let j = 0;
  let count = 0;
  for (const b of bounds) {
    while (j < buckets.length && buckets[j]![0] <= b) count = buckets[j++]![1];
    out.push(count);
  }
  return out;
}

function list(reply: unknown, what: string): unknown[] {
  if (!Array.isArray(reply)) throw new Error(`${what}: expected an array, got ${describe(reply)}`);
  return reply;
}

/** Name/value pairs of a flat array, a Map or a plain object (RESP3 maps as decoded by ioredis). */
function pairs(value: unknown, what: string): [string, unknown][] {
  if (Array.isArray(value)) {
    if (value.length % 2 !== 0) throw new Error(`${what}: expected name/value pairs, got ${value.length} items`);
    const out: [string, unknown][] = [];
    for (let i = 0; i < value.length; i += 2) out.push([key(value[i], what), value[i + 1]]);
    return out;
  }
  if (value instanceof Map) return [...value].map(([k, v]) => [key(k, what), v]);
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) return Object.entries(value);
  throw new Error(`${what}: expected name/value pairs, got ${describe(value)}`);
}

function key(v: unknown, what: string): string {
  if (typeof v === 'number') return String(v);
  return text(v, `${what}: name`);
}

function text(v: unknown, what: string): string {
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (typeof v === 'string') return v;
  throw new Error(`${what}: expected a string, got ${describe(v)}`);
}

function integer(v: unknown, what: string): number {
  let n: number | undefined;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'bigint') n = Number(v);
  else if (Buffer.isBuffer(v) || typeof v === 'string') {
    const s = v.toString();
    if (/^-?\d+$/.test(s)) n = Number(s);
  }
  if (n === undefined || !Number.isSafeInteger(n)) throw new Error(`${what}: expected an integer, got ${describe(v)}`);
  return n;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (Buffer.isBuffer(v)) return `"${v.toString('utf8', 0, 40)}"`;
  if (typeof v === 'string') return `"${v.slice(0, 40)}"`;
  return typeof v === 'number' ? String(v) : typeof v;
}
