// `skyscope demo`: a paced, skewed mix of commands against the local cluster, so every page has something to show.
import { randomBytes } from 'node:crypto';
import { Cluster } from 'ioredis';
import type { Logger } from '../log.ts';

export interface WorkloadOptions {
  /** Cluster nodes to start from (any will do; the client discovers the rest). */
  nodes: { host: string; port: number }[];
  /** Target rate over the whole cluster. */
  opsPerSecond: number;
  log: Logger;
  /** At most this many commands waiting for a reply (default: a tenth of a second's worth, at least 32). */
  maxInFlight?: number;
}

export interface WorkloadStats {
  /** Keys written by the preload. */
  preloadedKeys: number;
  sent: number;
  ok: number;
  errors: number;
  /** Replies per second over the last few seconds. */
  recentOpsPerSecond: number;
  /** Commands sent, by command name. */
  byCommand: Record<string, number>;
}

export interface Workload {
  stats(): WorkloadStats;
  /** Stops sending, waits (bounded) for replies still in flight, closes the connections. Idempotent. */
  stop(): Promise<void>;
}

/** The hash tag whose slot (and so one shard) gets a bigger share of the traffic. */
export const HOT_TAG = '{cart}';

// Key spaces. Ranks come from a Zipf distribution (a few very hot keys); rank -> id is a fixed shuffle so the
// hottest keys are not simply key 0, 1, 2 (and land on different shards).
const PAGES = 3000; // page:<id> strings; ranks below PAGES_PRELOADED exist, the rest are cache misses
const PAGES_PRELOADED = 2000;
const CART_ITEMS = 500; // {cart}:item:<id> strings, all in one slot
const USERS = 1000; // user:<id> hashes
const COUNTERS = 200; // counter:<id>
const QUEUES = 50; // queue:<id> lists
const BOARDS = 50; // board:<id> sorted sets
const SESSIONS = 300; // session:<id> strings with a TTL
const TEMPS = 1000; // tmp:<id>, written and deleted
const BIG_ZSET = 'board:global'; // 5000 members: ZRANGE 0 -1 is the slow-ish read
const BIG_HASH = 'user:big'; // 2000 fields
const TAG_SETS = ['{tags}:a', '{tags}:b', '{tags}:c']; // one slot, so SUNION works in a cluster
/** Share of string reads and writes that go to the hash-tagged slot. */
const HOT_TAG_SHARE = 0.25;

/** Inverse-CDF sampling of ranks 0..n-1 with P(rank k) proportional to 1/(k+1)^s. */
export class Zipf {
  private readonly cdf: Float64Array;
  constructor(
    readonly n: number,
    s: number,
    private readonly random: () => number = Math.random,
  ) {
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) this.cdf[k] = sum += 1 / Math.pow(k + 1, s);
  }
  sample(): number {
    const u = this.random() * this.cdf[this.n - 1]!;
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  /** Probability of the given rank. */
  share(rank: number): number {
    return (this.cdf[rank]! - (rank > 0 ? this.cdf[rank - 1]! : 0)) / this.cdf[this.n - 1]!;
  }
}

/** A fixed bijection of 0..n-1 (7919 is prime and larger than every n used here). */
function idOf(rank: number, n: number): number {
  return (rank * 7919 + 1013) % n;
}

const pageZipf = new Zipf(PAGES, 1.1);
const cartZipf = new Zipf(CART_ITEMS, 1.2);
const userZipf = new Zipf(USERS, 1.0);
const counterZipf = new Zipf(COUNTERS, 1.3);

const pageKey = (rank: number) => `page:${idOf(rank, PAGES)}`;
const cartKey = (rank: number) => `${HOT_TAG}:item:${idOf(rank, CART_ITEMS)}`;
const userKey = (rank: number) => `user:${idOf(rank, USERS)}`;
const counterKey = (rank: number) => `counter:${idOf(rank, COUNTERS)}`;
const uniform = (n: number) => Math.floor(Math.random() * n);

function stringKey(): string {
  return Math.random() < HOT_TAG_SHARE ? cartKey(cartZipf.sample()) : pageKey(pageZipf.sample());
}

// Cheap pseudo-random text: slices of one random block.
const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ';
const textBlock = Array.from(randomBytes(65_536), (b) => alphabet[b % alphabet.length]).join('');
function text(len: number): string {
  let out = '';
  while (out.length < len) {
    const start = uniform(textBlock.length - 1);
    out += textBlock.slice(start, start + Math.min(len - out.length, textBlock.length - start));
  }
  return out;
}
function pageValue(id: number): string {
  return JSON.stringify({ id, title: text(20 + uniform(40)), body: text(40 + uniform(400)), updated: Date.now() });
}

type Call = [string, ...(string | number | Buffer)[]];
interface Op {
  weight: number;
  make(): Call;
}

let slowTurn = 0;
/** The mix (weights are percent): mostly reads of hot strings, a spread of data types, a trickle of heavy reads. */
const ops: Op[] = [
  { weight: 60, make: () => ['get', stringKey()] },
  { weight: 7, make: () => { const key = stringKey(); return ['set', key, key.startsWith('page:') ? pageValue(Number(key.slice(5))) : text(16 + uniform(64))]; } },
  { weight: 1, make: () => ['set', `tmp:${uniform(TEMPS)}`, text(32), 'EX', 120] },
  { weight: 1, make: () => ['del', `tmp:${uniform(TEMPS)}`] },
  { weight: 6, make: () => ['incr', counterKey(counterZipf.sample())] },
  { weight: 5, make: () => ['hget', userKey(userZipf.sample()), `f${uniform(10)}`] },
  { weight: 3, make: () => ['hset', userKey(userZipf.sample()), `f${uniform(10)}`, text(8 + uniform(24))] },
  { weight: 3, make: () => (Math.random() < 0.1 ? ['ltrim', `queue:${uniform(QUEUES)}`, 0, 99] : ['lpush', `queue:${uniform(QUEUES)}`, text(24)]) },
  { weight: 3, make: () => ['lrange', `queue:${uniform(QUEUES)}`, 0, 9] },
  { weight: 3, make: () => ['zadd', `board:${uniform(BOARDS)}`, uniform(100_000), `m${uniform(500)}`] },
  { weight: 2, make: () => ['zrange', `board:${uniform(BOARDS)}`, 0, 9, 'WITHSCORES'] },
  { weight: 2, make: () => ['expire', `session:${uniform(SESSIONS)}`, 3600] },
  {
    weight: 0.4,
    make: () => {
      const turn = slowTurn++ % 4;
      if (turn === 0) return ['zrange', BIG_ZSET, 0, -1, 'WITHSCORES'];
      if (turn === 1) return ['sunion', ...TAG_SETS];
      if (turn === 2) return ['hgetall', BIG_HASH];
      return ['get', `blob:large:${1 + uniform(2)}`];
    },
  },
];
const totalWeight = ops.reduce((s, o) => s + o.weight, 0);
function pickOp(): Call {
  let u = Math.random() * totalWeight;
  for (const op of ops) {
    u -= op.weight;
    if (u < 0) return op.make();
  }
  return ops[0]!.make();
}

/** Connects, preloads a few thousand keys of several types and sizes, then sends the paced mix until stop(). */
export async function startWorkload(opts: WorkloadOptions): Promise<Workload> {
  const rate = Math.max(1, opts.opsPerSecond);
  const maxInFlight = opts.maxInFlight ?? Math.max(32, Math.ceil(rate / 10));
  const client = new Cluster(opts.nodes, {
    redisOptions: {
      // RESP2 works on every server version (as in server/valkey/connection.ts).
      protocol: 2,
      connectionName: 'skyscope-demo-workload',
      // A hung node must not hold in-flight slots forever.
      commandTimeout: 2000,
      connectTimeout: 2000,
      maxRetriesPerRequest: 1,
    },
    // Not auto-pipelined: ioredis then follows MOVED per command after a failover (a pipeline whose commands get
    // different MOVED replies fails them all), and at these rates batching saves nothing measurable.
    scaleReads: 'master',
    maxRedirections: 8,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 200,
    slotsRefreshTimeout: 2000,
    clusterRetryStrategy: (times) => Math.min(200 * times, 2000),
  });
  client.on('error', (e: Error) => opts.log.debug(`demo workload: ${e.message}`));

  const stats: WorkloadStats = { preloadedKeys: 0, sent: 0, ok: 0, errors: 0, recentOpsPerSecond: 0, byCommand: {} };
  let stopped = false;
  try {
    stats.preloadedKeys = await preload(client, () => stopped);
  } catch (e) {
    client.disconnect();
    throw new Error(`the demo workload could not preload keys: ${(e as Error).message}`);
  }
  opts.log.info(`demo workload: ${stats.preloadedKeys} keys preloaded; sending ~${rate} commands/s`);

  let inFlight = 0;
  let idle: (() => void) | undefined;
  let consecutiveErrors = 0;
  let pausedUntil = 0;
  let windowErrors = 0;
  let lastError = '';
  let lastErrorLog = Date.now();
  const started = performance.now();
  let due = 0; // commands owed since start
  let lastTick = started;
  const recent: { t: number; ok: number }[] = [];

  const onDone = (err?: Error) => {
    inFlight--;
    if (err) {
      stats.errors++;
      windowErrors++;
      lastError = err.message.split('\n')[0]!;
      consecutiveErrors++;
      // Errors in a row (not one failed shard among healthy ones): exponential backoff with jitter while a node
      // is down or the cluster reconfigures.
      if (consecutiveErrors >= 3) {
        const backoff = Math.min(2000, 25 * 2 ** Math.min(consecutiveErrors - 2, 7));
        pausedUntil = Math.max(pausedUntil, performance.now() + backoff * (0.5 + Math.random() / 2));
      }
    } else {
      stats.ok++;
      consecutiveErrors = 0;
    }
    if (inFlight === 0) idle?.();
  };

  const tick = () => {
    const now = performance.now();
    due += (rate * (now - lastTick)) / 1000;
    lastTick = now;
    // Never build up a backlog: at most 200 ms of owed work, and nothing while backing off.
    due = Math.min(due, Math.max(1, rate * 0.2));
    if (now < pausedUntil) {
      due = 0;
    } else {
      while (due >= 1 && inFlight < maxInFlight && !stopped) {
        due -= 1;
        const [name, ...args] = pickOp();
        stats.sent++;
        stats.byCommand[name] = (stats.byCommand[name] ?? 0) + 1;
        inFlight++;
        client.call(name, ...args).then(() => onDone(), (e: Error) => onDone(e));
      }
    }
    recent.push({ t: now, ok: stats.ok });
    while (recent.length > 2 && now - recent[0]!.t > 5000) recent.shift();
    const first = recent[0]!;
    stats.recentOpsPerSecond = now > first.t ? Math.round(((stats.ok - first.ok) * 1000) / (now - first.t)) : 0;
    if (windowErrors > 0 && Date.now() - lastErrorLog > 10_000) {
      opts.log.warn(`demo workload: ${windowErrors} command(s) failed in the last ${Math.round((Date.now() - lastErrorLog) / 1000)} s (${lastError}); backing off and continuing`);
      windowErrors = 0;
      lastErrorLog = Date.now();
    }
  };
  const timer = setInterval(tick, 20);

  let stopping: Promise<void> | undefined;
  return {
    stats: () => ({ ...stats, byCommand: { ...stats.byCommand } }),
    stop() {
      stopping ??= (async () => {
        stopped = true;
        clearInterval(timer);
        if (inFlight > 0) await Promise.race([new Promise<void>((r) => (idle = r)), sleep(3000)]);
        await Promise.race([client.quit().catch(() => undefined), sleep(1000)]);
        client.disconnect();
      })();
      return stopping;
    },
  };
}

/** Writes the starting data set: a few thousand keys of every type, a few large and a few binary ones. */
async function preload(client: Cluster, cancelled: () => boolean): Promise<number> {
  const calls: Call[] = [];
  for (let rank = 0; rank < PAGES_PRELOADED; rank++) calls.push(['set', pageKey(rank), pageValue(idOf(rank, PAGES))]);
  for (let id = 0; id < CART_ITEMS; id++) calls.push(['set', `${HOT_TAG}:item:${id}`, JSON.stringify({ sku: `sku-${id}`, qty: 1 + uniform(5), note: text(uniform(60)) })]);
  for (let id = 0; id < USERS; id++) {
    const fields: (string | number)[] = [];
    for (let f = 0; f < 10; f++) fields.push(`f${f}`, text(8 + uniform(24)));
    calls.push(['hset', `user:${id}`, 'name', `user ${id}`, 'email', `user${id}@example.com`, ...fields]);
  }
  for (let id = 0; id < COUNTERS; id++) calls.push(['set', `counter:${id}`, uniform(1000)]);
  for (let id = 0; id < QUEUES; id++) calls.push(['rpush', `queue:${id}`, ...Array.from({ length: 20 + uniform(60) }, () => text(24))]);
  for (let id = 0; id < BOARDS; id++) calls.push(['zadd', `board:${id}`, ...Array.from({ length: 100 }, (_, m) => [uniform(100_000), `m${m}`]).flat()]);
  for (let id = 0; id < SESSIONS; id++) calls.push(['set', `session:${id}`, randomBytes(16).toString('hex'), 'EX', 600 + uniform(3000)]);
  for (let chunk = 0; chunk < 5; chunk++) {
    calls.push(['zadd', BIG_ZSET, ...Array.from({ length: 1000 }, (_, i) => [uniform(1_000_000), `player:${chunk * 1000 + i}`]).flat()]);
    // About 4000 members each, 10000 in the union: SUNION takes a few milliseconds, enough for the slow log.
    for (const key of TAG_SETS) calls.push(['sadd', key, ...Array.from({ length: 1000 }, () => `tag${uniform(12_000)}`)]);
  }
  for (let chunk = 0; chunk < 4; chunk++) {
    calls.push(['hset', BIG_HASH, ...Array.from({ length: 500 }, (_, i) => [`field:${chunk * 500 + i}`, text(16)]).flat()]);
  }
  // Large values (the key browser shows sizes; the command log records the big replies).
  calls.push(['set', 'blob:large:1', text(256 * 1024)]);
  calls.push(['set', 'blob:large:2', JSON.stringify({ items: Array.from({ length: 4000 }, (_, i) => ({ i, v: text(40) })) })]);
  calls.push(['set', 'blob:image:1', randomBytes(300 * 1024)]);
  // Binary values and keys whose names are not valid UTF-8.
  for (let i = 0; i < 10; i++) calls.push(['set', `bin:${i}`, randomBytes(16 + uniform(200))]);
  // The ASCII hash tag keeps the slot the same whether a client hashes the bytes or their UTF-8 decoding
  // (ioredis's auto-pipelining routes by the key as a string).
  for (let i = 0; i < 5; i++) calls.push(['set', Buffer.concat([Buffer.from('{bin}\xff\xfe:', 'latin1'), Buffer.from([0x80 + i])]), randomBytes(32)]);
  calls.push(['hset', 'bin:hash', 'raw', randomBytes(64), 'text', 'mixed binary and text fields']);

  const keys = new Set<string>();
  const batch = 200;
  for (let i = 0; i < calls.length; i += batch) {
    if (cancelled()) break;
    await Promise.all(calls.slice(i, i + batch).map(([name, ...args]) => client.call(name, ...args)));
  }
  for (const [, key] of calls) keys.add(Buffer.isBuffer(key) ? key.toString('hex') : String(key));
  return keys.size;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
