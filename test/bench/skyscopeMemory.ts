// Runs Skyscope in this process for a while and prints (as JSON) its RSS next to the JS heap, before and after a
// full GC: how much of Skyscope's RSS is live JS objects, garbage waiting for GC, or native (DuckDB, Bun).
// Run as a child by run.ts: `bun test/bench/skyscopeMemory.ts SECONDS redis://127.0.0.1:PORT`.
import { heapStats } from 'bun:jsc';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { startSkyscope } from '../../server/skyscope.ts';
import { everySourceEverySecond } from './skyscopeProcess.ts';

const seconds = Number(process.argv[2] ?? 20);
const targets = process.argv.slice(3);
const mb = (bytes: number) => bytes / 2 ** 20;

const dir = mkdtempSync(join(tmpdir(), 'skyscope-bench-mem-'));
try {
  const cfg = loadConfig([...targets, '--db', join(dir, 'skyscope.duckdb'), '--port', '0', '--headless', ...everySourceEverySecond], {});
  const sky = await startSkyscope(cfg, createLogger('error', () => {}));
  const points: { rss: number; heap: number; capacity: number; extra: number }[] = [];
  try {
    await Bun.sleep(3000);
    for (let i = 0; i < seconds; i++) {
      await Bun.sleep(1000);
      const h = heapStats();
      points.push({ rss: mb(process.memoryUsage().rss), heap: mb(h.heapSize), capacity: mb(h.heapCapacity), extra: mb(h.extraMemorySize) });
    }
    const before = heapStats();
    const rssBefore = mb(process.memoryUsage().rss);
    Bun.gc(true);
    const after = heapStats();
    const top = Object.entries(after.objectTypeCounts)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([type, count]) => ({ type, count }));
    const max = (f: (p: (typeof points)[number]) => number) => Math.max(...points.map(f));
    const avg = (f: (p: (typeof points)[number]) => number) => points.reduce((s, p) => s + f(p), 0) / points.length;
    console.log(
      JSON.stringify({
        seconds,
        rss: { avgMb: avg((p) => p.rss), maxMb: max((p) => p.rss), atEndMb: rssBefore, afterFullGcMb: mb(process.memoryUsage().rss) },
        jsHeap: {
          avgMb: avg((p) => p.heap),
          maxMb: max((p) => p.heap),
          capacityMaxMb: max((p) => p.capacity),
          extraMaxMb: max((p) => p.extra),
          atEndMb: mb(before.heapSize),
          afterFullGcMb: mb(after.heapSize),
          objectsAfterGc: after.objectCount,
        },
        topObjectTypes: top,
      }),
    );
  } finally {
    await sky.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
