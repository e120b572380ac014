import { describe, expect, test } from 'bun:test';
import { createLane, createPool } from './lanes.ts';

describe('lane', () => {
  test('runs jobs one at a time in call order, past failures', async () => {
    const lane = createLane();
    const seen: string[] = [];
    const job = (name: string, ms: number, fail = false) =>
      lane(async () => {
        seen.push(`start ${name}`);
        await Bun.sleep(ms);
        seen.push(`end ${name}`);
        if (fail) throw new Error(name);
      });
    const results = await Promise.allSettled([job('a', 20, true), job('b', 1), job('c', 1)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(seen).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});

describe('pool', () => {
  test('never lends one resource to two jobs at once', async () => {
    const pool = createPool(['x', 'y']);
    const busy = new Set<string>();
    let maxBusy = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        pool.use(async (r) => {
          expect(busy.has(r)).toBe(false);
          busy.add(r);
          maxBusy = Math.max(maxBusy, busy.size);
          await Bun.sleep(5);
          busy.delete(r);
        }),
      ),
    );
    expect(maxBusy).toBe(2);
  });

  test('drain waits for running jobs and hands back every resource', async () => {
    const pool = createPool(['x', 'y']);
    let finished = false;
    const running = pool.use(async () => {
      await Bun.sleep(20);
      finished = true;
    });
    const all = await pool.drain();
    expect(finished).toBe(true);
    expect(all.sort()).toEqual(['x', 'y']);
    await running;
  });

  test('tryUseAll runs only when every resource is idle, holds them all, then lends them again', async () => {
    const pool = createPool(['x', 'y']);
    let release!: () => void;
    const running = pool.use(() => new Promise<void>((resolve) => (release = resolve)));
    let ran = false;
    expect(await pool.tryUseAll(async () => (ran = true))).toBeUndefined();
    expect(ran).toBe(false);
    release();
    await running;

    const order: string[] = [];
    let waiter: Promise<string> | undefined;
    const result = await pool.tryUseAll(async () => {
      order.push('all start');
      waiter = pool.use(async (r) => (order.push('use'), r));
      await Bun.sleep(10);
      order.push('all end');
      return 42;
    });
    expect(result).toBe(42);
    expect(['x', 'y']).toContain(await waiter!);
    expect(order).toEqual(['all start', 'all end', 'use']);
    expect((await pool.drain()).sort()).toEqual(['x', 'y']);
  });
});
