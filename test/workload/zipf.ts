// Seeded Zipf GET/SET workload over a large keyspace that records exactly how often each key was touched (ground truth for hot-key detection).
import { Cluster, type Redis } from 'ioredis';
import { keySlotOfText } from '../../server/valkey/keySlot.ts';

/** A standalone server or a cluster; every write and read goes through ioredis pipelines. */
export type Target = Redis | Cluster;

// ---------- seeded randomness ----------

export interface Random {
  /** Uniform in [0, 1) with 53 random bits, so even 1e-10 probabilities are drawn faithfully. */
  next(): number;
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
}

/**
 * xoshiro128** (period 2^128 - 1), seeded through splitmix32 so nearby seeds give unrelated streams.
 * `stream` picks an independent sequence for the same seed (the key shuffle and the operations use different ones).
 */
export function createRandom(seed: number, stream = 0): Random {
  let mix = (seed ^ Math.imul(stream, 0x85ebca6b)) | 0;
  const splitmix32 = (): number => {
    mix = (mix + 0x9e3779b9) | 0;
    let z = mix;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
  let a = splitmix32();
  let b = splitmix32();
  let c = splitmix32();
  let d = splitmix32();
  if ((a | b | c | d) === 0) a = 1; // the all-zero state would only ever produce zeros
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  return {
    nextUint32,
    next: () => ((nextUint32() >>> 5) * 67_108_864 + (nextUint32() >>> 6)) / 9_007_199_254_740_992,
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

// ---------- Zipf ranks ----------

/**
 * Draws ranks 1..n with P(rank r) = r^-s / sum_{i=1..n} i^-s (rank 1 is the hottest), any s > 0 including 1.
 * Inversion over a precomputed cumulative table with a guide table (12 bytes per rank): one uniform draw and,
 * on average, about two table reads per rank drawn.
 */
export class ZipfSampler {
  private readonly cumulative: Float64Array;
  /** guide[j]: the first index whose cumulative weight exceeds j / n of the total, where a search for u starts. */
  private readonly guide: Uint32Array;
  private readonly total: number;

  constructor(
    readonly n: number,
    readonly exponent: number,
    private readonly random: Random,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`Zipf size must be a positive integer, got ${n}`);
    if (!(exponent > 0 && Number.isFinite(exponent))) throw new RangeError(`Zipf exponent must be > 0, got ${exponent}`);
    this.cumulative = new Float64Array(n);
    let sum = 0;
    for (let r = 1; r <= n; r++) this.cumulative[r - 1] = sum += Math.pow(r, -exponent);
    this.total = sum;
    this.guide = new Uint32Array(n);
    for (let j = 0, i = 0; j < n; j++) {
      const threshold = (j / n) * sum;
      while (this.cumulative[i]! <= threshold && i < n - 1) i++;
      this.guide[j] = i;
    }
  }

  /** Next rank, 1..n. */
  next(): number {
    const x = this.random.next() * this.n;
    const u = (x / this.n) * this.total;
    const cdf = this.cumulative;
    // The smallest index whose cumulative weight exceeds u; the guide entry is never past it.
    let i = this.guide[Math.floor(x)]!;
    while (cdf[i]! <= u && i < this.n - 1) i++;
    return i + 1;
  }

  /** Exact probability of drawing `rank`. */
  probability(rank: number): number {
    if (rank < 1 || rank > this.n) return 0;
    return Math.pow(rank, -this.exponent) / this.total;
  }
}

// ---------- key names ----------

export interface KeyNaming {
  /** Start of every key name (default `zk:`); key id 17 is `zk:17`. */
  prefix?: string;
  /**
   * Puts every key in the slot of this hash tag: `zk:{tag}:17`. Without it keys spread over all 16384 slots.
   * One tag means one slot and so one shard: use it to build a hot slot, not for spread-out load.
   */
  hashTag?: string;
}

export interface KeyspaceOptions extends KeyNaming {
  /** Number of keys; ids are 0..size-1. */
  size: number;
  /** Seed of the rank -> id shuffle (default 1). */
  seed?: number;
}

/**
 * Keys `<prefix><id>` for ids 0..size-1, and a seeded shuffle between Zipf ranks and ids so the hottest keys are
 * scattered over ids (and so over hash slots) instead of being `zk:0..9`.
 */
export class Keyspace {
  readonly size: number;
  readonly seed: number;
  readonly prefix: string;
  readonly hashTag: string | undefined;
  private readonly head: string;
  private readonly headBytes: number;
  private permutation: { idByRank: Uint32Array; rankById: Uint32Array } | undefined;
  private slots: Uint16Array | undefined;
  private tagSlot: number | undefined;

  constructor(opts: KeyspaceOptions) {
    if (!Number.isInteger(opts.size) || opts.size < 1 || opts.size > 0xffff_ffff) throw new RangeError(`keyspace size must be a positive integer, got ${opts.size}`);
    this.size = opts.size;
    this.seed = opts.seed ?? 1;
    this.prefix = opts.prefix ?? 'zk:';
    this.hashTag = opts.hashTag;
    if (this.hashTag !== undefined && (this.hashTag === '' || /[{}]/.test(this.hashTag))) throw new RangeError(`hash tag must be non-empty without braces, got ${JSON.stringify(this.hashTag)}`);
    this.head = this.hashTag === undefined ? this.prefix : `${this.prefix}{${this.hashTag}}:`;
    this.headBytes = Buffer.byteLength(this.head);
  }

  keyOf(id: number): string {
    return this.head + id;
  }

  /** The id of a key of this keyspace, or -1 for any other key. */
  idOf(key: string): number {
    if (!key.startsWith(this.head)) return -1;
    const digits = key.slice(this.head.length);
    if (!/^(0|[1-9][0-9]*)$/.test(digits)) return -1;
    const id = Number(digits);
    return id < this.size ? id : -1;
  }

  /** Length of the key name in bytes. */
  keyBytes(id: number): number {
    return this.headBytes + decimalDigits(id);
  }

  /** The key id that Zipf rank `rank` (1 = hottest) maps to. */
  idOfRank(rank: number): number {
    return this.shuffle().idByRank[rank - 1]!;
  }

  /** The key that Zipf rank `rank` (1 = hottest) maps to. */
  keyOfRank(rank: number): string {
    return this.keyOf(this.idOfRank(rank));
  }

  /** The Zipf rank (1 = hottest) of key id `id`. */
  rankOf(id: number): number {
    return this.shuffle().rankById[id]!;
  }

  /** Cluster hash slot of key id `id` (remembered, since a workload asks again for every touch of a key). */
  slotOf(id: number): number {
    if (this.hashTag !== undefined) return (this.tagSlot ??= keySlot(this.head));
    this.slots ??= new Uint16Array(this.size).fill(UNKNOWN_SLOT);
    let slot = this.slots[id]!;
    if (slot === UNKNOWN_SLOT) slot = this.slots[id] = keySlot(this.keyOf(id));
    return slot;
  }

  // Built on first use: loading keys needs only their names.
  private shuffle(): { idByRank: Uint32Array; rankById: Uint32Array } {
    if (!this.permutation) {
      const idByRank = new Uint32Array(this.size);
      for (let i = 0; i < this.size; i++) idByRank[i] = i;
      const random = createRandom(this.seed, 1);
      // Fisher-Yates.
      for (let i = this.size - 1; i > 0; i--) {
        const j = Math.floor(random.next() * (i + 1));
        const t = idByRank[i]!;
        idByRank[i] = idByRank[j]!;
        idByRank[j] = t;
      }
      const rankById = new Uint32Array(this.size);
      for (let r = 0; r < this.size; r++) rankById[idByRank[r]!] = r + 1;
      this.permutation = { idByRank, rankById };
    }
    return this.permutation;
  }
}

/** Marks a slot not computed yet; real slots are 0..16383. */
const UNKNOWN_SLOT = 0xffff;

function decimalDigits(n: number): number {
  let digits = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    digits++;
  }
  return digits;
}

// ---------- cluster hash slots ----------

/** The cluster hash slot of a key: CRC16 (XMODEM) of the key, or of its `{hash tag}`, modulo 16384. */
export const keySlot = keySlotOfText;

// ---------- sending, with bounded concurrency ----------

/** At most `limit` pipelines awaiting replies; `add` waits for room. Tasks must not reject. */
class InFlight {
  private readonly pending = new Set<Promise<void>>();
  constructor(private readonly limit: number) {}

  async add(task: Promise<void>): Promise<void> {
    const tracked: Promise<void> = task.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
    while (this.pending.size >= this.limit) await Promise.race(this.pending);
  }

  async drain(): Promise<void> {
    await Promise.all(this.pending);
  }
}

/** Where a pipeline goes: a server connection, or (as a slot number) the cluster client, which routes it. */
type Route = Redis | number;

/**
 * Routes commands by hash slot. On a cluster, pipelines go straight to the connection ioredis already holds to
 * the primary serving the slot: its own cluster pipelines cost about twice the client CPU per command (measured),
 * which would make the generator rather than the server the bottleneck. A slot whose primary the client does not
 * know goes through the cluster client as a one-slot pipeline. A redirection (MOVED, ASK) comes back as an error
 * reply: the server did not run that command, so counts stay exact, and the caller stops.
 */
function slotRouter(target: Target): (slot: number) => Route {
  if (!(target instanceof Cluster)) return () => target;
  let byAddress = new Map<string, Redis>();
  return (slot) => {
    const address = target.slots[slot]?.[0];
    if (address === undefined) return slot;
    let node = byAddress.get(address);
    if (!node) {
      // First use, or the slot map changed: ask the client for its current primaries.
      byAddress = new Map(target.nodes('master').map((n) => [`${n.options.host}:${n.options.port}`, n]));
      node = byAddress.get(address);
    }
    return node ?? slot;
  };
}

function pipelineOn(target: Target, route: Route): ReturnType<Target['pipeline']> {
  return typeof route === 'number' ? target.pipeline() : route.pipeline();
}

/** A cluster client must know the slot owners before commands can be grouped by node. */
async function whenReady(target: Target): Promise<void> {
  if (target instanceof Cluster && target.status !== 'ready') await target.ping();
}

type PipelineReplies = [Error | null, unknown][];

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

// ---------- loading the keyspace ----------

export interface LoadOptions extends KeyNaming {
  /** Bytes in each value (default 16). */
  valueSize?: number;
  /** Keys per pipeline (default 1000). */
  batchSize?: number;
  /** Pipelines awaiting replies at once (default 4). */
  concurrency?: number;
  signal?: AbortSignal;
}

export interface LoadResult {
  keys: number;
  durationMs: number;
  keysPerSecond: number;
}

/**
 * Creates keys 0..n-1 (named as by `Keyspace`) with small string values, with MSET. On a cluster each MSET holds
 * keys of one slot and each pipeline goes to the node serving those slots (DEBUG POPULATE would ignore slot ownership).
 * Throws on the first error reply; a stop through `signal` throws too, since the keyspace is then incomplete.
 */
export async function loadKeyspace(target: Target, n: number, opts: LoadOptions = {}): Promise<LoadResult> {
  const keyspace = new Keyspace({ size: positiveInteger('n', n), prefix: opts.prefix, hashTag: opts.hashTag });
  const value = 'v'.repeat(opts.valueSize ?? 16);
  const batchSize = positiveInteger('batchSize', opts.batchSize ?? 1000);
  const inFlight = new InFlight(positiveInteger('concurrency', opts.concurrency ?? 4));
  let failure: Error | undefined;
  const send = (route: Route, msets: string[][]): Promise<void> => {
    const pipeline = pipelineOn(target, route);
    for (const args of msets) pipeline.mset(...args);
    return pipeline.exec().then(
      (replies) => {
        const bad = (replies ?? []).find(([err]) => err);
        if (bad) failure ??= bad[0]!;
      },
      (e: unknown) => {
        failure ??= e instanceof Error ? e : new Error(String(e));
      },
    );
  };
  const stopped = (): boolean => failure !== undefined || opts.signal?.aborted === true;

  await whenReady(target);
  const started = performance.now();
  if (target instanceof Cluster) {
    // Ids ordered by slot, then one pending pipeline per node, flushed when it holds batchSize keys.
    const bySlot = idsBySlot(keyspace);
    const routeOf = slotRouter(target);
    const pending = new Map<Route, { msets: string[][]; keys: number }>();
    for (let slot = 0; slot < 16384 && !stopped(); slot++) {
      const route = routeOf(slot);
      for (let i = bySlot.start[slot]!; i < bySlot.start[slot + 1]! && !stopped(); ) {
        const end = Math.min(i + batchSize, bySlot.start[slot + 1]!);
        const args: string[] = [];
        for (; i < end; i++) args.push(keyspace.keyOf(bySlot.ids[i]!), value);
        const batch = pending.get(route) ?? { msets: [], keys: 0 };
        batch.msets.push(args);
        batch.keys += args.length / 2;
        pending.set(route, batch);
        if (batch.keys >= batchSize) {
          pending.delete(route);
          await inFlight.add(send(route, batch.msets));
        }
      }
    }
    for (const [route, batch] of pending) if (!stopped()) await inFlight.add(send(route, batch.msets));
  } else {
    for (let first = 0; first < n && !stopped(); first += batchSize) {
      const args: string[] = [];
      for (let id = first; id < Math.min(first + batchSize, n); id++) args.push(keyspace.keyOf(id), value);
      await inFlight.add(send(target, [args]));
    }
  }
  await inFlight.drain();
  if (failure) throw new Error(`loading the keyspace failed: ${failure.message}`, { cause: failure });
  if (opts.signal?.aborted) throw new Error('loading the keyspace was stopped before it was complete');
  const durationMs = performance.now() - started;
  return { keys: n, durationMs, keysPerSecond: n / (durationMs / 1000) };
}

/** Counting sort of all ids by hash slot: ids of slot s are ids[start[s] .. start[s+1]). */
function idsBySlot(keyspace: Keyspace): { ids: Uint32Array; start: Uint32Array } {
  const start = new Uint32Array(16385);
  for (let id = 0; id < keyspace.size; id++) start[keyspace.slotOf(id) + 1]!++;
  for (let s = 0; s < 16384; s++) start[s + 1]! += start[s]!;
  const next = start.slice(0, 16384);
  const ids = new Uint32Array(keyspace.size);
  for (let id = 0; id < keyspace.size; id++) ids[next[keyspace.slotOf(id)]!++] = id;
  return { ids, start };
}

// ---------- ground truth ----------

/** What a ranking counts: all touches, GETs only, SETs only, or RESP request bytes. */
export type TruthMetric = 'ops' | 'gets' | 'sets' | 'bytes';

export interface RankedKey {
  key: string;
  id: number;
  /** Zipf rank the key was given (1 = hottest by design); the true order comes from `value`. */
  rank: number;
  /** The key's true total for the metric. */
  value: number;
}

export type EndReason = 'operations' | 'duration' | 'aborted' | 'error';

/**
 * Exact per-key counts of the commands a run sent and that the server acknowledged. A command whose pipeline
 * failed is in `errors`, not in the counts (the server may still have run it, so a run with errors is not exact).
 */
export class GroundTruth {
  /** Acknowledged GETs per key id. */
  readonly gets: Uint32Array;
  /** Acknowledged SETs per key id. */
  readonly sets: Uint32Array;
  /** RESP request bytes per key id (what the client wrote for that key's commands; replies not included). */
  readonly bytesSent: Float64Array;
  totalGets = 0;
  totalSets = 0;
  /** GETs answered with nil (key missing). */
  getMisses = 0;
  /** Commands sent that got an error or no reply; the run stops at the first. */
  errors = 0;
  lastError: string | undefined;
  durationMs = 0;
  endReason: EndReason = 'operations';

  constructor(readonly keyspace: Keyspace) {
    this.gets = new Uint32Array(keyspace.size);
    this.sets = new Uint32Array(keyspace.size);
    this.bytesSent = new Float64Array(keyspace.size);
  }

  get totalOps(): number {
    return this.totalGets + this.totalSets;
  }

  get opsPerSecond(): number {
    return this.durationMs > 0 ? this.totalOps / (this.durationMs / 1000) : 0;
  }

  /** The key's true value for the metric; 0 for keys outside the keyspace. */
  countOf(key: string, metric: TruthMetric = 'ops'): number {
    const id = this.keyspace.idOf(key);
    return id < 0 ? 0 : this.countOfId(id, metric);
  }

  /** The true value of key id `id` for the metric. */
  countOfId(id: number, metric: TruthMetric = 'ops'): number {
    switch (metric) {
      case 'ops':
        return this.gets[id]! + this.sets[id]!;
      case 'gets':
        return this.gets[id]!;
      case 'sets':
        return this.sets[id]!;
      case 'bytes':
        return this.bytesSent[id]!;
    }
  }

  /**
   * The k keys with the highest true value, highest first; equal values in Zipf-rank order, so the list is the
   * same on every call. Keys never touched are left out (fewer than k keys when fewer were touched).
   */
  topK(k: number, metric: TruthMetric = 'ops'): RankedKey[] {
    positiveInteger('k', k);
    // Bounded insertion: ids arrive in shuffled order, so few beat the current k-th and the list stays cheap.
    const best: { id: number; value: number; rank: number }[] = [];
    const before = (a: { value: number; rank: number }, b: { value: number; rank: number }): boolean => a.value > b.value || (a.value === b.value && a.rank < b.rank);
    for (let id = 0; id < this.keyspace.size; id++) {
      const value = this.countOfId(id, metric);
      if (value === 0 || (best.length === k && value < best[k - 1]!.value)) continue;
      const entry = { id, value, rank: this.keyspace.rankOf(id) };
      if (best.length === k && !before(entry, best[k - 1]!)) continue;
      let at = best.length;
      while (at > 0 && before(entry, best[at - 1]!)) at--;
      best.splice(at, 0, entry);
      if (best.length > k) best.pop();
    }
    return best.map((e) => ({ key: this.keyspace.keyOf(e.id), id: e.id, rank: e.rank, value: e.value }));
  }

  recordGet(id: number, requestBytes: number, hit: boolean): void {
    this.gets[id]!++;
    this.bytesSent[id]! += requestBytes;
    this.totalGets++;
    if (!hit) this.getMisses++;
  }

  recordSet(id: number, requestBytes: number): void {
    this.sets[id]!++;
    this.bytesSent[id]! += requestBytes;
    this.totalSets++;
  }
}

// ---------- the workload ----------

export interface WorkloadOptions extends KeyNaming {
  /** Keyspace size N; keys are the ones `loadKeyspace(target, N)` creates. */
  keys: number;
  /** Zipf exponent s > 0 (default 1.1). */
  exponent?: number;
  /** Seeds both the rank -> key shuffle and the operation sequence (default 1). */
  seed?: number;
  /** Share of GETs, 0..1 (default 0.9); the rest are SETs. */
  readRatio?: number;
  /** Stop after this many operations. */
  operations?: number;
  /** Stop sending after this long (replies in flight are still awaited and counted). */
  durationMs?: number;
  /** Pace to at most this many operations per second overall. */
  opsPerSecond?: number;
  /** Operations per pipeline (default 256; smaller when paced to slow rates). */
  batchSize?: number;
  /** Pipelines awaiting replies at once (default 4); on a cluster a pipeline is split per node. */
  concurrency?: number;
  /** Bytes in each SET value (default 16). */
  valueSize?: number;
  /** Stops sending; replies in flight are still awaited and counted. */
  signal?: AbortSignal;
}

interface Batch {
  ids: Uint32Array;
  isSet: Uint8Array;
  length: number;
}

/**
 * Sends Zipf-distributed GETs and SETs until `operations`, `durationMs` or `signal` says stop, and returns exact
 * ground truth. The sequence of operations depends only on the seed and the options, never on timing: with
 * `operations` and no errors, two runs record identical counts. The first error stops the run (see GroundTruth).
 */
export async function runWorkload(target: Target, opts: WorkloadOptions): Promise<GroundTruth> {
  if (opts.operations === undefined && opts.durationMs === undefined && opts.signal === undefined) {
    throw new RangeError('runWorkload needs operations, durationMs or signal to know when to stop');
  }
  if (opts.operations !== undefined && (!Number.isInteger(opts.operations) || opts.operations < 0)) throw new RangeError(`operations must be a non-negative integer, got ${opts.operations}`);
  const readRatio = opts.readRatio ?? 0.9;
  if (!(readRatio >= 0 && readRatio <= 1)) throw new RangeError(`readRatio must be within 0..1, got ${readRatio}`);
  const rate = opts.opsPerSecond;
  if (rate !== undefined && !(rate > 0)) throw new RangeError(`opsPerSecond must be > 0, got ${rate}`);
  const seed = opts.seed ?? 1;
  const keyspace = new Keyspace({ size: positiveInteger('keys', opts.keys), seed, prefix: opts.prefix, hashTag: opts.hashTag });
  const random = createRandom(seed, 2);
  const sampler = new ZipfSampler(keyspace.size, opts.exponent ?? 1.1, random);
  // Paced runs send smaller batches (about every 10 ms) so the load is smooth rather than bursty.
  const batchSize = Math.min(positiveInteger('batchSize', opts.batchSize ?? 256), rate === undefined ? Infinity : Math.max(1, Math.floor(rate / 100)));
  const inFlight = new InFlight(positiveInteger('concurrency', opts.concurrency ?? 4));
  const value = 'v'.repeat(opts.valueSize ?? 16);
  const truth = new GroundTruth(keyspace);
  const getOverhead = 4 + bulkBytes(3); // *2\r\n $3\r\nGET\r\n
  const setOverhead = 4 + bulkBytes(3) + bulkBytes(Buffer.byteLength(value)); // *3\r\n $3\r\nSET\r\n $n\r\n<value>\r\n

  const nextBatch = (size: number): Batch => {
    const batch: Batch = { ids: new Uint32Array(size), isSet: new Uint8Array(size), length: size };
    for (let i = 0; i < size; i++) {
      batch.ids[i] = keyspace.idOfRank(sampler.next());
      batch.isSet[i] = random.next() < readRatio ? 0 : 1;
    }
    return batch;
  };

  // Sends the commands batch[indexes] as one pipeline and records the acknowledged ones.
  const sendPart = (batch: Batch, indexes: ArrayLike<number>, route: Route): Promise<void> => {
    const pipeline = pipelineOn(target, route);
    for (let j = 0; j < indexes.length; j++) {
      const i = indexes[j]!;
      const key = keyspace.keyOf(batch.ids[i]!);
      if (batch.isSet[i]) pipeline.set(key, value);
      else pipeline.get(key);
    }
    const record = (replies: PipelineReplies | null): void => {
      for (let j = 0; j < indexes.length; j++) {
        const i = indexes[j]!;
        const id = batch.ids[i]!;
        const [err, reply] = replies?.[j] ?? [new Error('no reply'), undefined];
        if (err) {
          truth.errors++;
          truth.lastError = err.message;
        } else if (batch.isSet[i]) truth.recordSet(id, setOverhead + bulkBytes(keyspace.keyBytes(id)));
        else truth.recordGet(id, getOverhead + bulkBytes(keyspace.keyBytes(id)), reply !== null);
      }
    };
    return pipeline.exec().then(record, (e: unknown) => {
      truth.errors += indexes.length;
      truth.lastError = e instanceof Error ? e.message : String(e);
    });
  };

  const routeOf = slotRouter(target);
  const send = (batch: Batch): Promise<void> => {
    if (!(target instanceof Cluster)) return sendPart(batch, Array.from({ length: batch.length }, (_, i) => i), target);
    const parts = new Map<Route, number[]>();
    for (let i = 0; i < batch.length; i++) {
      const route = routeOf(keyspace.slotOf(batch.ids[i]!));
      const part = parts.get(route);
      if (part) part.push(i);
      else parts.set(route, [i]);
    }
    return Promise.all([...parts].map(([route, indexes]) => sendPart(batch, indexes, route))).then(() => undefined);
  };

  await whenReady(target);
  const started = performance.now();
  let issued = 0;
  const endReason = (): EndReason | undefined => {
    if (truth.errors > 0) return 'error';
    if (opts.signal?.aborted) return 'aborted';
    if (opts.operations !== undefined && issued >= opts.operations) return 'operations';
    if (opts.durationMs !== undefined && performance.now() - started >= opts.durationMs) return 'duration';
    return undefined;
  };
  let reason: EndReason | undefined;
  while ((reason = endReason()) === undefined) {
    if (rate !== undefined) {
      const wait = started + (issued / rate) * 1000 - performance.now();
      if (wait > 0) {
        await pause(wait, opts.signal);
        continue; // re-check: the duration may be over or the run aborted while waiting
      }
    }
    const size = Math.min(batchSize, opts.operations === undefined ? batchSize : opts.operations - issued);
    issued += size;
    await inFlight.add(send(nextBatch(size)));
  }
  await inFlight.drain();
  truth.durationMs = performance.now() - started;
  // Errors seen while draining still decide how the run ended.
  truth.endReason = truth.errors > 0 ? 'error' : reason;
  return truth;
}

/** Bytes of a RESP bulk string of `length` bytes: $<length>\r\n<data>\r\n. */
function bulkBytes(length: number): number {
  return 1 + decimalDigits(length) + 2 + length + 2;
}
