// Helpers shared by the store's tests: temp directories, a settable clock, and stores that never act on their own.
import { afterAll } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sample } from '../collect/sink.ts';
import { openStore } from './store.ts';
import type { Store, StoreOptions } from './types.ts';

/** 2026-01-01T00:00:00Z: fixtures start here, on a day boundary. */
export const t0 = Date.UTC(2026, 0, 1);

/** A fresh directory removed when the test file ends. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'skyscope-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface Clock {
  now: () => number;
  set(ms: number): void;
}

export function clock(start: number): Clock {
  let current = start;
  return { now: () => current, set: (ms) => (current = ms) };
}

/** Timers are off (flush and maintain run only when the test calls them). */
export function openTestStore(path: string, opts: Partial<StoreOptions> = {}): Promise<Store> {
  return openStore({ path, flushIntervalMs: 3_600_000, maintainIntervalMs: 0, ...opts });
}

/** One sample every stepMs in [from, to) for each node and metric, valued by fn. */
export function generate(
  from: number,
  to: number,
  stepMs: number,
  nodes: string[],
  metrics: { metric: string; labels?: Record<string, string> }[],
  fn: (ts: number, node: number, metric: number) => number,
): Sample[] {
  const out: Sample[] = [];
  for (let ts = from; ts < to; ts += stepMs) {
    nodes.forEach((node, n) => metrics.forEach((m, k) => out.push({ ts, node, ...m, value: fn(ts, n, k) })));
  }
  return out;
}

/** Deterministic pseudo-random values in [0, 1) (a fixed seed keeps goldens stable). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
