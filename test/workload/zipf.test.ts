// Unit tests of the Zipf workload generator and the accuracy scoring, with an in-memory stand-in for the server.
import { describe, expect, test } from 'bun:test';
import { ACCURACY_TABLE_HEADER, formatAccuracyRow, precisionRecall } from './accuracy.ts';
import { createRandom, GroundTruth, Keyspace, keySlot, loadKeyspace, runWorkload, ZipfSampler, type Target } from './zipf.ts';

// ---------- an in-memory server that answers pipelines like ioredis does ----------

interface FakeServer {
  target: Target;
  data: Map<string, string>;
  gets: Map<string, number>;
  sets: Map<string, number>;
  /** RESP bytes of every command, per key, encoded here independently of the generator. */
  requestBytes: Map<string, number>;
  pipelines: string[][][];
  executed: number;
}

interface FakeOptions {
  /** Milliseconds before a pipeline's replies arrive. */
  delayMs?: number;
  /** Called before each pipeline runs; may throw to fail the whole pipeline. */
  beforeExec?: (index: number) => void;
  /** An error reply instead of running the command. */
  errorFor?: (command: string[]) => Error | undefined;
}

function fakeServer(opts: FakeOptions = {}): FakeServer {
  const server: FakeServer = { target: undefined as unknown as Target, data: new Map(), gets: new Map(), sets: new Map(), requestBytes: new Map(), pipelines: [], executed: 0 };
  const bump = (m: Map<string, number>, key: string, by = 1): void => void m.set(key, (m.get(key) ?? 0) + by);
  const resp = (args: string[]): number => Buffer.byteLength(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  const run = (command: string[]): [Error | null, unknown] => {
    const error = opts.errorFor?.(command);
    if (error) return [error, undefined];
    server.executed++;
    const [name, ...args] = command;
    if (name === 'GET') {
      bump(server.gets, args[0]!);
      bump(server.requestBytes, args[0]!, resp(command));
      return [null, server.data.get(args[0]!) ?? null];
    }
    if (name === 'SET') {
      bump(server.sets, args[0]!);
      bump(server.requestBytes, args[0]!, resp(command));
      server.data.set(args[0]!, args[1]!);
      return [null, 'OK'];
    }
    for (let i = 0; i < args.length; i += 2) server.data.set(args[i]!, args[i + 1]!); // MSET
    return [null, 'OK'];
  };
  const pipeline = () => {
    const queue: string[][] = [];
    const p = {
      get: (key: string) => (queue.push(['GET', key]), p),
      set: (key: string, value: string) => (queue.push(['SET', key, value]), p),
      mset: (...args: string[]) => (queue.push(['MSET', ...args]), p),
      exec: async (): Promise<[Error | null, unknown][]> => {
        const index = server.pipelines.push(queue) - 1;
        if (opts.delayMs) await Bun.sleep(opts.delayMs);
        else await Promise.resolve();
        opts.beforeExec?.(index);
        return queue.map(run);
      },
    };
    return p;
  };
  server.target = { pipeline } as unknown as Target;
  return server;
}

/** A truth where key id i was read counts[i] times (and never written). */
function truthWithCounts(counts: number[]): GroundTruth {
  const truth = new GroundTruth(new Keyspace({ size: counts.length, seed: 5 }));
  counts.forEach((n, id) => {
    for (let i = 0; i < n; i++) truth.recordGet(id, 10, true);
  });
  return truth;
}

// ---------- randomness and the Zipf sampler ----------

describe('createRandom', () => {
  test('the same seed gives the same sequence; another seed or stream gives another', () => {
    const draw = (seed: number, stream = 0) => {
      const r = createRandom(seed, stream);
      return Array.from({ length: 1000 }, () => r.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(42)).not.toEqual(draw(42, 1));
  });

  test('draws are uniform in [0, 1)', () => {
    const r = createRandom(9);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      bins[Math.floor(x * 10)]!++;
    }
    // Each bin expects 10,000 (sd about 95).
    for (const count of bins) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });
});

describe('ZipfSampler', () => {
  test('the same seed draws the same ranks', () => {
    const ranks = (seed: number) => {
      const z = new ZipfSampler(1000, 1.1, createRandom(seed));
      return Array.from({ length: 5000 }, () => z.next());
    };
    expect(ranks(7)).toEqual(ranks(7));
    expect(ranks(7)).not.toEqual(ranks(8));
  });

  // Benchmarks name their workload by seed, so a seed must keep meaning the same draws after code changes.
  test('a seed keeps drawing the same ranks and naming the same hottest keys across versions', () => {
    const z = new ZipfSampler(1_000_000, 1.1, createRandom(2024));
    expect(Array.from({ length: 8 }, () => z.next())).toEqual([2275, 773, 1, 1, 4, 1, 3, 2]);
    const ks = new Keyspace({ size: 1_000_000, seed: 42 });
    expect([1, 2, 3].map((rank) => ks.keyOfRank(rank))).toEqual(['zk:143557', 'zk:646542', 'zk:311567']);
  });

  for (const s of [1.0, 1.2]) {
    test(`over 1e6 draws, N = 1e6, s = ${s}: ranks 1..5 and the tail beyond 1000 match the Zipf pmf`, () => {
      const n = 1_000_000;
      const draws = 1_000_000;
      let normalizer = 0;
      for (let r = n; r >= 1; r--) normalizer += r ** -s; // smallest first, for accuracy
      const pmf = (r: number) => r ** -s / normalizer;
      let tailMass = 1;
      for (let r = 1; r <= 1000; r++) tailMass -= pmf(r);

      const z = new ZipfSampler(n, s, createRandom(11));
      const counts = new Array<number>(6).fill(0);
      let tail = 0;
      let outOfRange = 0;
      for (let i = 0; i < draws; i++) {
        const r = z.next();
        if (r <= 5) counts[r]!++;
        else if (r > 1000) tail++;
        if (r < 1 || r > n || !Number.isInteger(r)) outOfRange++;
      }
      expect(outOfRange).toBe(0);
      for (let r = 1; r <= 5; r++) {
        expect(Math.abs(counts[r]! / draws - pmf(r)) / pmf(r)).toBeLessThan(0.03);
        expect(z.probability(r)).toBeCloseTo(pmf(r), 12);
      }
      expect(Math.abs(tail / draws - tailMass) / tailMass).toBeLessThan(0.03);
    });
  }

  test('every rank of a small space is drawn at its probability, and probabilities sum to 1', () => {
    const z = new ZipfSampler(20, 1.0, createRandom(3));
    let total = 0;
    for (let r = 1; r <= 20; r++) total += z.probability(r);
    expect(total).toBeCloseTo(1, 12);
    const counts = new Array<number>(21).fill(0);
    for (let i = 0; i < 400_000; i++) counts[z.next()]!++;
    expect(counts[0]).toBe(0);
    // Rank 20 is the rarest (about 5,600 expected, sd about 74).
    for (let r = 1; r <= 20; r++) expect(Math.abs(counts[r]! / 400_000 - z.probability(r)) / z.probability(r)).toBeLessThan(0.05);
  });

  test('rejects a size or exponent that is not a distribution', () => {
    expect(() => new ZipfSampler(0, 1, createRandom(1))).toThrow(RangeError);
    expect(() => new ZipfSampler(10, 0, createRandom(1))).toThrow(RangeError);
    expect(() => new ZipfSampler(10, Number.NaN, createRandom(1))).toThrow(RangeError);
  });
});

// ---------- key names and slots ----------

describe('Keyspace', () => {
  test('rank -> id is a bijection and rankOf inverts it', () => {
    const ks = new Keyspace({ size: 100_003, seed: 4 });
    const seen = new Uint8Array(ks.size);
    for (let rank = 1; rank <= ks.size; rank++) {
      const id = ks.idOfRank(rank);
      expect(seen[id]).toBe(0);
      seen[id] = 1;
      if (ks.rankOf(id) !== rank) throw new Error(`rankOf(idOfRank(${rank})) = ${ks.rankOf(id)}`);
    }
    expect(seen.every((v) => v === 1)).toBe(true);
  });

  test('key names are distinct and parse back to their id; other names do not parse', () => {
    const ks = new Keyspace({ size: 50_000 });
    const names = new Set<string>();
    for (let id = 0; id < ks.size; id++) {
      const key = ks.keyOf(id);
      names.add(key);
      if (ks.idOf(key) !== id) throw new Error(`idOf(${key}) = ${ks.idOf(key)}`);
      if (ks.keyBytes(id) !== Buffer.byteLength(key)) throw new Error(`keyBytes(${id})`);
    }
    expect(names.size).toBe(ks.size);
    expect(ks.keyOf(17)).toBe('zk:17');
    for (const other of ['zk:050', 'zk:-1', 'zk:50000', 'zk:1x', 'zk:', 'zk:1.5', 'other:1', 'ZK:1']) expect(ks.idOf(other)).toBe(-1);
  });

  test('hot keys are shuffled across ids and slots, differently per seed', () => {
    const ks = new Keyspace({ size: 1_000_000, seed: 42 });
    const top = Array.from({ length: 100 }, (_, i) => ks.idOfRank(i + 1));
    expect(top.filter((id) => id < 100).length).toBeLessThan(5);
    // 100 random slots out of 16384 are nearly always distinct.
    expect(new Set(top.map((id) => ks.slotOf(id))).size).toBeGreaterThan(95);
    const other = new Keyspace({ size: 1_000_000, seed: 43 });
    expect(Array.from({ length: 100 }, (_, i) => other.idOfRank(i + 1))).not.toEqual(top);
  });

  test('a hash tag puts every key in the tag\'s slot and still parses', () => {
    const ks = new Keyspace({ size: 1000, prefix: 'hot:', hashTag: 'cart' });
    expect(ks.keyOf(5)).toBe('hot:{cart}:5');
    expect(ks.idOf('hot:{cart}:5')).toBe(5);
    expect(ks.idOf('hot:5')).toBe(-1);
    for (let id = 0; id < ks.size; id++) expect(ks.slotOf(id)).toBe(keySlot('cart'));
    expect(() => new Keyspace({ size: 10, hashTag: 'a}b' })).toThrow(RangeError);
  });
});

describe('keySlot', () => {
  test('is CRC16-XMODEM mod 16384 (check value of "123456789" is 0x31C3)', () => {
    expect(keySlot('123456789')).toBe(0x31c3 % 16384);
    expect(keySlot('')).toBe(0);
  });

  test('follows the hash tag rules', () => {
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    expect(keySlot('x{user1000}y{z}')).toBe(keySlot('user1000'));
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar'));
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'));
    expect(keySlot('foo{bar')).not.toBe(keySlot('bar'));
  });
});

// ---------- the workload against an in-memory server ----------

describe('runWorkload', () => {
  test('records exactly the GETs, SETs and request bytes the server received, per key', async () => {
    const fake = fakeServer();
    const truth = await runWorkload(fake.target, { keys: 2000, exponent: 1.0, seed: 3, readRatio: 0.8, operations: 20_005, batchSize: 64, concurrency: 3, valueSize: 10 });
    expect(truth.endReason).toBe('operations');
    expect(truth.errors).toBe(0);
    expect(truth.totalOps).toBe(20_005);
    expect(fake.executed).toBe(20_005);
    expect(Math.abs(truth.totalGets / truth.totalOps - 0.8)).toBeLessThan(0.015);
    const ks = truth.keyspace;
    for (let id = 0; id < ks.size; id++) {
      const key = ks.keyOf(id);
      if (truth.gets[id] !== (fake.gets.get(key) ?? 0) || truth.sets[id] !== (fake.sets.get(key) ?? 0) || truth.bytesSent[id] !== (fake.requestBytes.get(key) ?? 0)) {
        throw new Error(`key ${key}: truth ${truth.gets[id]}/${truth.sets[id]}/${truth.bytesSent[id]} vs server ${fake.gets.get(key)}/${fake.sets.get(key)}/${fake.requestBytes.get(key)}`);
      }
    }
    expect(truth.totalSets).toBe([...fake.sets.values()].reduce((a, b) => a + b, 0));
    // Nothing was loaded, so a GET before the key's first SET is a miss.
    expect(truth.getMisses).toBeGreaterThan(0);
    expect(truth.getMisses).toBeLessThan(truth.totalGets);
    expect(fake.pipelines.every((p) => p.length <= 64)).toBe(true);
  });

  test('the counts depend on the seed only, not on batching or concurrency', async () => {
    const run = (seed: number, batchSize: number, concurrency: number) =>
      runWorkload(fakeServer().target, { keys: 5000, seed, operations: 10_000, batchSize, concurrency });
    const a = await run(8, 100, 4);
    const b = await run(8, 7, 1);
    const c = await run(9, 100, 4);
    expect(b.gets).toEqual(a.gets);
    expect(b.sets).toEqual(a.sets);
    expect(c.gets).not.toEqual(a.gets);
  });

  test('the hottest true keys follow the Zipf ranks', async () => {
    const truth = await runWorkload(fakeServer().target, { keys: 10_000, exponent: 1.2, seed: 1, operations: 50_000 });
    const top = truth.topK(3);
    expect(top.map((t) => t.rank)).toEqual([1, 2, 3]);
    expect(top[0]!.value).toBe(truth.gets[top[0]!.id]! + truth.sets[top[0]!.id]!);
    expect(top[0]!.key).toBe(truth.keyspace.keyOf(top[0]!.id));
  });

  test('an abort stops sending, and the truth holds exactly what was executed', async () => {
    const stop = new AbortController();
    const fake = fakeServer({
      delayMs: 1,
      beforeExec: (i) => {
        if (i === 10) stop.abort();
      },
    });
    const truth = await runWorkload(fake.target, { keys: 1000, seed: 2, batchSize: 50, concurrency: 2, signal: stop.signal });
    expect(truth.endReason).toBe('aborted');
    expect(truth.totalOps).toBe(fake.executed);
    expect(fake.pipelines.length).toBeGreaterThanOrEqual(11);
    expect(fake.pipelines.length).toBeLessThanOrEqual(13);
  });

  test('a duration ends the run', async () => {
    const truth = await runWorkload(fakeServer({ delayMs: 2 }).target, { keys: 1000, durationMs: 150 });
    expect(truth.endReason).toBe('duration');
    expect(truth.durationMs).toBeGreaterThanOrEqual(150);
    expect(truth.durationMs).toBeLessThan(1500);
    expect(truth.totalOps).toBeGreaterThan(0);
  });

  test('a rate limit paces the operations', async () => {
    const truth = await runWorkload(fakeServer().target, { keys: 1000, operations: 1000, opsPerSecond: 5000 });
    // 1000 ops at 5000/s: the last batch (of 50) may start only 190 ms after the first.
    expect(truth.durationMs).toBeGreaterThanOrEqual(185);
    expect(truth.opsPerSecond).toBeLessThan(5500);
    expect(truth.totalOps).toBe(1000);
  });

  test('an error reply stops the run and is not counted as a touch', async () => {
    let seen = 0;
    const fake = fakeServer({ errorFor: (cmd) => (cmd[0] !== 'MSET' && ++seen === 250 ? new Error('ERR boom') : undefined) });
    const truth = await runWorkload(fake.target, { keys: 1000, operations: 100_000, batchSize: 100, concurrency: 2 });
    expect(truth.endReason).toBe('error');
    expect(truth.errors).toBe(1);
    expect(truth.lastError).toBe('ERR boom');
    expect(truth.totalOps).toBe(fake.executed);
    expect(truth.totalOps).toBeLessThan(1000);
  });

  test('a failed pipeline counts all its commands as errors', async () => {
    const fake = fakeServer({
      beforeExec: (i) => {
        if (i === 3) throw new Error('Connection is closed.');
      },
    });
    const truth = await runWorkload(fake.target, { keys: 1000, operations: 10_000, batchSize: 10, concurrency: 1 });
    expect(truth.endReason).toBe('error');
    expect(truth.errors).toBe(10);
    expect(truth.totalOps).toBe(30);
    expect(truth.lastError).toBe('Connection is closed.');
  });

  test('refuses options that cannot run', async () => {
    const target = fakeServer().target;
    await expect(runWorkload(target, { keys: 10 })).rejects.toThrow(/when to stop/);
    await expect(runWorkload(target, { keys: 10, operations: 1, readRatio: 1.5 })).rejects.toThrow(RangeError);
    await expect(runWorkload(target, { keys: 0, operations: 1 })).rejects.toThrow(RangeError);
  });
});

describe('loadKeyspace', () => {
  test('creates every key once, with values of the asked size, in bounded MSETs', async () => {
    const fake = fakeServer();
    const result = await loadKeyspace(fake.target, 10_500, { valueSize: 7, batchSize: 1000 });
    expect(result.keys).toBe(10_500);
    expect(fake.data.size).toBe(10_500);
    const ks = new Keyspace({ size: 10_500 });
    for (let id = 0; id < ks.size; id++) expect(fake.data.get(ks.keyOf(id))).toBe('vvvvvvv');
    expect(fake.pipelines.every((p) => p.every((cmd) => cmd[0] === 'MSET' && (cmd.length - 1) / 2 <= 1000))).toBe(true);
  });

  test('a loaded keyspace turns GETs into hits', async () => {
    const fake = fakeServer();
    await loadKeyspace(fake.target, 500);
    const truth = await runWorkload(fake.target, { keys: 500, operations: 2000, readRatio: 1 });
    expect(truth.totalGets).toBe(2000);
    expect(truth.getMisses).toBe(0);
  });

  test('fails loudly on an error reply', async () => {
    const fake = fakeServer({ errorFor: (cmd) => (cmd[1] === 'zk:2000' ? new Error('OOM command not allowed') : undefined) });
    await expect(loadKeyspace(fake.target, 5000)).rejects.toThrow(/OOM/);
  });
});

// ---------- ground truth rankings and scoring ----------

describe('GroundTruth.topK', () => {
  test('orders by true value, ties by Zipf rank, and leaves out untouched keys', () => {
    const truth = truthWithCounts([3, 9, 3, 0, 3, 1]);
    const ks = truth.keyspace;
    const top = truth.topK(10);
    expect(top.map((t) => t.value)).toEqual([9, 3, 3, 3, 1]);
    expect(top[0]!.id).toBe(1);
    const tied = top.slice(1, 4);
    expect(tied.map((t) => t.rank)).toEqual([...tied.map((t) => t.rank)].sort((a, b) => a - b));
    expect(new Set(tied.map((t) => t.id))).toEqual(new Set([0, 2, 4]));
    expect(top.map((t) => t.key)).toEqual(top.map((t) => ks.keyOf(t.id)));
    expect(truth.topK(2).map((t) => t.id)).toEqual(top.slice(0, 2).map((t) => t.id));
  });

  test('ranks by GETs, SETs or bytes when asked', () => {
    const truth = new GroundTruth(new Keyspace({ size: 3 }));
    truth.recordGet(0, 30, true);
    truth.recordGet(0, 30, false);
    truth.recordSet(1, 100);
    truth.recordSet(2, 40);
    truth.recordSet(2, 40);
    truth.recordSet(2, 40);
    expect(truth.topK(1, 'gets')[0]!.id).toBe(0);
    expect(truth.topK(1, 'sets')[0]!.id).toBe(2);
    expect(truth.topK(1, 'bytes')[0]).toMatchObject({ id: 2, value: 120 });
    expect(truth.topK(1, 'ops')[0]!.id).toBe(2);
    expect(truth.getMisses).toBe(1);
  });
});

describe('precisionRecall', () => {
  // Ids 0..5 were touched 10, 8, 8, 5, 1, 0 times.
  const truth = truthWithCounts([10, 8, 8, 5, 1, 0]);
  const key = (id: number) => truth.keyspace.keyOf(id);

  test('all right, half right, none right', () => {
    expect(precisionRecall([key(0), key(1), key(2)], truth, 3)).toMatchObject({ hits: 3, precision: 1, recall: 1 });
    expect(precisionRecall([key(0), key(3)], truth, 2)).toMatchObject({ hits: 1, precision: 0.5, recall: 0.5, wrong: [key(3)] });
    expect(precisionRecall([key(4), key(5)], truth, 1)).toMatchObject({ hits: 0, precision: 0, recall: 0 });
  });

  test('a key tied with the k-th true value is a hit, whichever of the tied keys is reported', () => {
    // Top 2 by value is {0, 1} or {0, 2}: 1 and 2 tie at 8.
    expect(precisionRecall([key(0), key(2)], truth, 2)).toMatchObject({ hits: 2, precision: 1, recall: 1, threshold: 8 });
    expect(precisionRecall([key(0), key(1)], truth, 2)).toMatchObject({ hits: 2, threshold: 8 });
    expect(precisionRecall([key(2), key(1)], truth, 2)).toMatchObject({ hits: 2, precision: 1, recall: 1 });
    // Below the tie is still wrong.
    expect(precisionRecall([key(2), key(3)], truth, 2)).toMatchObject({ hits: 1, wrong: [key(3)] });
  });

  test('only the first k distinct reported keys count', () => {
    expect(precisionRecall([key(3), key(0), key(1)], truth, 2)).toMatchObject({ hits: 1, precision: 0.5, wrong: [key(3)] });
    expect(precisionRecall([key(0), key(0), key(1)], truth, 2)).toMatchObject({ hits: 2, precision: 1, recall: 1 });
  });

  test('reporting fewer than k keys keeps precision and lowers recall', () => {
    expect(precisionRecall([key(0)], truth, 4)).toMatchObject({ hits: 1, precision: 1, recall: 0.25 });
    expect(precisionRecall([], truth, 4)).toMatchObject({ hits: 0, precision: 0, recall: 0 });
  });

  test('when fewer than k keys were touched, the touched ones are the whole truth; untouched and unknown keys miss', () => {
    const all = [0, 1, 2, 3, 4].map(key);
    expect(precisionRecall(all, truth, 10)).toMatchObject({ hits: 5, precision: 1, recall: 1, threshold: 1 });
    expect(precisionRecall([key(5), 'not-a-key', key(0)], truth, 10)).toMatchObject({ hits: 1, recall: 0.2, wrong: [key(5), 'not-a-key'] });
  });

  test('scores by the asked metric', () => {
    const t = new GroundTruth(new Keyspace({ size: 2 }));
    for (let i = 0; i < 5; i++) t.recordGet(0, 20, true);
    t.recordSet(1, 200);
    expect(precisionRecall([t.keyspace.keyOf(0)], t, 1, 'gets').hits).toBe(1);
    expect(precisionRecall([t.keyspace.keyOf(0)], t, 1, 'bytes').hits).toBe(0);
    expect(precisionRecall([t.keyspace.keyOf(1)], t, 1, 'sets').hits).toBe(1);
  });

  test('rejects k below 1', () => {
    expect(() => precisionRecall([], truth, 0)).toThrow(RangeError);
  });
});

describe('formatAccuracyRow', () => {
  test('makes a Markdown row under the table header', () => {
    const truth = truthWithCounts([10, 8, 8, 5, 1, 0]);
    const accuracy = precisionRecall([truth.keyspace.keyOf(0), truth.keyspace.keyOf(3)], truth, 2);
    const row = formatAccuracyRow({ flavor: 'valkey9', method: 'sample', accuracy, note: 'ratio 1|10' });
    expect(row).toBe('| valkey9 | sample | 2 | 0.50 | 0.50 | 1/2 | ratio 1\\|10 |');
    const columns = (line: string) => line.split(/(?<!\\)\|/).length;
    expect(columns(row)).toBe(columns(ACCURACY_TABLE_HEADER.split('\n')[0]!));
  });
});
