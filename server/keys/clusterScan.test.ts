import { describe, expect, test } from 'bun:test';
import { scanStep, type ScanCall, type ScanPacing, type TypesCall } from './clusterScan.ts';
import { isComplete, startState } from './scanCursor.ts';

/** A fake keyspace per node: SCAN returns `count` keys from the cursor position, cursor 0 at the end. */
function fakeNodes(sizes: Record<string, number>, failing = new Set<string>()) {
  const calls: { node: string; args: string[] }[] = [];
  const call: ScanCall = async (node, args) => {
    calls.push({ node, args });
    if (failing.has(node)) throw new Error('connect ECONNREFUSED');
    const from = Number(args[0]);
    const count = Number(args[args.indexOf('COUNT') + 1]);
    const to = Math.min(sizes[node]!, from + count);
    const keys = Array.from({ length: to - from }, (_, i) => Buffer.from(`${node}:${from + i}`));
    return [Buffer.from(to >= sizes[node]! ? '0' : String(to)), keys];
  };
  return { call, calls, dbsize: async (node: string) => sizes[node]! };
}

const fast: ScanPacing = { maxCount: 100, budgetMs: 1000, maxStepMs: 5000, duty: 0.5, minPauseMs: 0 };

describe('scanStep', () => {
  test('visits every key of every node once, never complete before every cursor is back to 0', async () => {
    const f = fakeNodes({ a: 250, b: 40, c: 0 });
    const state = startState(['a', 'b', 'c'], null, null);
    const seen: string[] = [];
    let steps = 0;
    while (!isComplete(state)) {
      const r = await scanStep(state, f.call, f.dbsize, { limit: 60, pacing: fast });
      seen.push(...r.keys.map((k) => k.key.toString()));
      steps++;
      if (!isComplete(state)) expect(state.nodes.some((n) => !n.done)).toBe(true);
    }
    expect(new Set(seen).size).toBe(290);
    expect(seen.length).toBe(290);
    expect(state.keys).toBe(290);
    expect(steps).toBeGreaterThan(3);
    // COUNT never above the ceiling.
    expect(f.calls.every((c) => Number(c.args[2]) <= 100)).toBe(true);
  });

  test('a failing node reports its error and keeps its cursor; the others go on', async () => {
    const f = fakeNodes({ a: 50, b: 50 }, new Set(['b']));
    const state = startState(['a', 'b'], null, null);
    const r = await scanStep(state, f.call, f.dbsize, { limit: 1000, pacing: fast });
    expect(r.keys).toHaveLength(50);
    expect(r.nodes.find((n) => n.node === 'b')).toMatchObject({ done: false, error: expect.stringContaining('ECONNREFUSED') });
    expect(state.nodes.find((n) => n.node === 'b')!.cursor).toBe('0');
    expect(isComplete(state)).toBe(false);
  });

  test('MATCH and TYPE are passed on with the most COUNT allowed; pacing carries over between steps', async () => {
    const f = fakeNodes({ a: 1000 });
    const state = startState(['a'], 'user:*', 'hash');
    const slow = (async (node: string, args: string[]) => {
      await Bun.sleep(10);
      return f.call(node, args);
    }) as ScanCall;
    await scanStep(state, slow, f.dbsize, { limit: 1, pacing: { ...fast, duty: 0.2 } });
    expect(f.calls[0]!.args).toEqual(['0', 'COUNT', '100', 'MATCH', 'user:*', 'TYPE', 'hash']);
    // 10 ms of work at 20% duty: the next call waits about 40 ms, even in the next step.
    expect(state.notBefore).toBeGreaterThan(Date.now() + 20);
    const t0 = performance.now();
    await scanStep(state, slow, f.dbsize, { limit: 1, pacing: { ...fast, duty: 0.2 } });
    expect(performance.now() - t0).toBeGreaterThan(30);
  });

  test('the budget of server time ends a step early', async () => {
    const f = fakeNodes({ a: 100_000 });
    const state = startState(['a'], null, null);
    const slow = (async (node: string, args: string[]) => {
      await Bun.sleep(5);
      return f.call(node, args);
    }) as ScanCall;
    const r = await scanStep(state, slow, f.dbsize, { limit: 100_000, pacing: { ...fast, budgetMs: 20, duty: 1 } });
    expect(r.callMs).toBeGreaterThanOrEqual(20);
    expect(state.calls).toBeLessThanOrEqual(5);
    expect(isComplete(state)).toBe(false);
  });

  test('types: one call per node per step gives each key its type, and its time is paced like the SCANs', async () => {
    const f = fakeNodes({ a: 250, b: 30 });
    const state = startState(['a', 'b'], null, null);
    const asked: { node: string; keys: number }[] = [];
    const types: TypesCall = async (node, keys) => {
      asked.push({ node, keys: keys.length });
      await Bun.sleep(20);
      return keys.map((k) => (k.toString().endsWith('7') ? null : node === 'a' ? 'hash' : 'string'));
    };
    const r = await scanStep(state, f.call, f.dbsize, { limit: 200, pacing: { ...fast, duty: 0.2 }, types });
    expect(asked.map((a) => a.node).sort()).toEqual(['a', 'b']);
    expect(asked.reduce((n, a) => n + a.keys, 0)).toBe(r.keys.length);
    for (const k of r.keys) expect(k.type).toBe(k.key.toString().endsWith('7') ? undefined : k.node === 'a' ? 'hash' : 'string');
    // 20 ms of TYPE work at 20% duty: the nodes are left alone about 80 ms.
    expect(r.callMs).toBeGreaterThanOrEqual(20);
    expect(state.notBefore).toBeGreaterThan(Date.now() + 50);
    // A failing types call leaves the keys listed without types.
    const g = fakeNodes({ c: 5 });
    const plain = await scanStep(startState(['c'], null, null), g.call, g.dbsize, { limit: 10, pacing: fast, types: () => Promise.reject(new Error('down')) });
    expect(plain.keys.map((k) => k.type)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(plain.nodes[0]!.error).toBeUndefined();
  });
});
