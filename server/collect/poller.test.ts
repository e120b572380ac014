// Tests the poller's schedule (aligned, no drift, no overlap) and its backoff, with a fake clock.
import { expect, test } from 'bun:test';
import { Poller } from './poller.ts';

/** A fake clock with timers that fire in time order when advanced. */
function fakeClock(start: number) {
  let now = start;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimer: (id: unknown) => {
      timers = timers.filter((t) => t.id !== id);
    },
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const t = timers[0];
        if (!t || t.at > end) break;
        timers.shift();
        now = t.at;
        t.fn();
        // let the poller's promise chain (run -> finally -> schedule) settle
        for (let i = 0; i < 10; i++) await Promise.resolve();
      }
      now = end;
    },
  };
}

test('ticks land on multiples of the interval, whatever the start time and run duration', async () => {
  const clock = fakeClock(1_000_000_250);
  const ticks: number[] = [];
  const p = new Poller({ name: 't', intervalMs: 1000, run: async () => void ticks.push(clock.now()), ...clock });
  p.start();
  await clock.advance(5000);
  p.stop();
  expect(ticks).toEqual([1_000_001_000, 1_000_002_000, 1_000_003_000, 1_000_004_000, 1_000_005_000]);
});

test('a phase moves every tick the same distance off the multiples', async () => {
  const clock = fakeClock(1_000_000_250);
  const ticks: number[] = [];
  const p = new Poller({ name: 't', intervalMs: 10_000, phaseMs: 3_300, run: async () => void ticks.push(clock.now()), ...clock });
  p.start();
  await clock.advance(30_000);
  p.stop();
  expect(ticks).toEqual([1_000_003_300, 1_000_013_300, 1_000_023_300]);
});

test('a slow run skips ticks instead of queueing them, and the schedule does not drift', async () => {
  const clock = fakeClock(0);
  const starts: number[] = [];
  let release: (() => void) | undefined;
  const p = new Poller({
    name: 't',
    intervalMs: 1000,
    run: () => {
      starts.push(clock.now());
      return starts.length === 1 ? new Promise<void>((r) => (release = r)) : Promise.resolve();
    },
    ...clock,
  });
  p.start();
  await clock.advance(1000); // first run starts at 1000 and hangs
  expect(p.inFlight).toBe(true);
  await clock.advance(2500); // now 3500
  release!();
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await clock.advance(2000); // now 5500
  p.stop();
  expect(starts).toEqual([1000, 4000, 5000]);
});

test('failures back off exponentially with jitter, then success resets', async () => {
  const clock = fakeClock(0);
  const starts: number[] = [];
  let fail = true;
  const errors: number[] = [];
  const p = new Poller({
    name: 't',
    intervalMs: 1000,
    baseBackoffMs: 1000,
    maxBackoffMs: 8000,
    random: () => 1, // jitter at its maximum: full exponential delay
    run: async () => {
      starts.push(clock.now());
      if (fail) throw new Error('down');
    },
    onError: (_e, n) => errors.push(n),
    ...clock,
  });
  p.start();
  await clock.advance(20_000);
  // failures at 1000 (+1s), 2000 (+2s), 4000 (+4s), 8000 (+8s cap), 16000 (+8s)
  expect(starts).toEqual([1000, 2000, 4000, 8000, 16000]);
  expect(errors).toEqual([1, 2, 3, 4, 5]);
  fail = false;
  await clock.advance(10_000); // next attempt at 24000, then every second
  p.stop();
  expect(starts.filter((t) => t > 16000)).toEqual([24000, 25000, 26000, 27000, 28000, 29000, 30000]);
  expect(p.consecutiveFailures).toBe(0);
});

test('backoff jitter stays between half and all of the exponential delay', () => {
  const lo = new Poller({ name: 't', intervalMs: 1000, run: async () => {}, random: () => 0 });
  const hi = new Poller({ name: 't', intervalMs: 1000, run: async () => {}, random: () => 0.999999 });
  expect(lo.backoffMs(3)).toBe(2000);
  expect(hi.backoffMs(3)).toBeCloseTo(4000, -1);
  expect(hi.backoffMs(30)).toBeLessThanOrEqual(30_000);
});

test('runNow does not overlap a call in flight', async () => {
  let concurrent = 0;
  let maxConcurrent = 0;
  const p = new Poller({
    name: 't',
    intervalMs: 60_000,
    run: async () => {
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      await Bun.sleep(20);
      concurrent--;
    },
  });
  await Promise.all([p.runNow(), p.runNow(), p.runNow()]);
  expect(maxConcurrent).toBe(1);
});
