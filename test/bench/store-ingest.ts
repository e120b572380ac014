// Benchmark: sustained store ingest (appendSamples + flush) in rows/s, with process CPU and RSS; run with `bun test/bench/store-ingest.ts [seconds]`
// or through test/bench/run.ts, which calls runStoreIngest().
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sample } from '../../server/collect/sink.ts';
import { openStore } from '../../server/store/index.ts';

const nodes = 6;
const metricsPerNode = 200;
/** Rows per flush in the throughput run: the store's own "flush soon" threshold. */
const batchRows = 50_000;

/** One tick of a realistic node set: 50 plain gauges and 150 labelled command counters per node. */
function tickTemplate(): Sample[] {
  const out: Sample[] = [];
  for (let n = 0; n < nodes; n++) {
    for (let m = 0; m < metricsPerNode; m++) {
      const node = `10.0.0.${n + 1}:6379`;
      out.push(
        m < 50
          ? { ts: 0, node, metric: `valkey_gauge_${m}`, value: 0 }
          : { ts: 0, node, metric: 'valkey_command_calls_per_second', labels: { cmd: `cmd${m}` }, value: 0 },
      );
    }
  }
  return out;
}

interface Usage {
  wallMs: number;
  cpuMs: number;
  rssMaxMb: number;
}

/** Runs work while sampling RSS; returns wall time, process CPU time and peak RSS. */
async function measure(work: () => Promise<void>): Promise<Usage> {
  let rssMax = process.memoryUsage().rss;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 50);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  rssMax = Math.max(rssMax, process.memoryUsage().rss);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, rssMaxMb: rssMax / 2 ** 20 };
}

function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

export interface StoreIngestOptions {
  /** Length of the throughput run; the real-time run takes min(seconds, 15). */
  seconds?: number;
  log?: (line: string) => void;
}

export interface StoreIngestResult {
  samplesPerTick: number;
  throughput: { rows: number; seconds: number; rowsPerSecond: number; cpuPercent: number; peakRssMb: number; flushMs: { p50: number; p95: number; max: number }; bytesPerRow: number };
  realtime: { seconds: number; samplesPerSecond: number; rows: number; batches: number; lastFlushMs: number; cpuPercent: number; peakRssMb: number };
}

export async function runStoreIngest(opts: StoreIngestOptions = {}): Promise<StoreIngestResult> {
  const seconds = opts.seconds ?? 20;
  const log = opts.log ?? ((line: string) => console.log(line));
  const result = { samplesPerTick: 0 } as StoreIngestResult;
  const dir = mkdtempSync(join(tmpdir(), 'skyscope-bench-'));
  try {
    const tick = tickTemplate();
    result.samplesPerTick = tick.length;
    log(`store ingest: ${nodes} nodes x ${metricsPerNode} series = ${tick.length} samples per tick, ${navigatorCores()} cores`);

    // 1. Throughput: as fast as appendSamples + flush go, in ~1 s-of-data sized batches of 50k rows.
    {
      const path = join(dir, 'throughput.duckdb');
      const store = await openStore({ path, maintainIntervalMs: 0 });
      let ts = Date.UTC(2026, 0, 1);
      let rows = 0;
      const flushMs: number[] = [];
      const usage = await measure(async () => {
        const until = performance.now() + seconds * 1000;
        while (performance.now() < until) {
          for (let pending = 0; pending < batchRows; pending += tick.length) {
            ts += 1000;
            for (const s of tick) {
              s.ts = ts;
              s.value = (s.value + 1.5) % 1000;
            }
            store.appendSamples(tick);
          }
          const f0 = performance.now();
          await store.flush();
          flushMs.push(performance.now() - f0);
        }
        rows = store.stats().rowsWritten;
      });
      await store.close();
      const mb = statSync(path).size / 2 ** 20;
      log('\nthroughput (appendSamples + flush, 50k-row batches):');
      log(`  rows written       ${rows.toLocaleString()} in ${(usage.wallMs / 1000).toFixed(1)} s`);
      log(`  rows/s             ${Math.round(rows / (usage.wallMs / 1000)).toLocaleString()}`);
      log(`  process CPU        ${((usage.cpuMs / usage.wallMs) * 100).toFixed(0)}% of one core (${(usage.cpuMs / 1000).toFixed(1)} s CPU)`);
      log(`  peak RSS           ${usage.rssMaxMb.toFixed(0)} MB`);
      log(`  flush ms           p50 ${percentile(flushMs, 0.5).toFixed(1)}  p95 ${percentile(flushMs, 0.95).toFixed(1)}  max ${Math.max(...flushMs).toFixed(1)}`);
      log(`  file               ${mb.toFixed(1)} MB (${((mb * 2 ** 20) / rows).toFixed(2)} bytes/row)`);
      result.throughput = {
        rows,
        seconds: usage.wallMs / 1000,
        rowsPerSecond: rows / (usage.wallMs / 1000),
        cpuPercent: (usage.cpuMs / usage.wallMs) * 100,
        peakRssMb: usage.rssMaxMb,
        flushMs: { p50: percentile(flushMs, 0.5), p95: percentile(flushMs, 0.95), max: Math.max(...flushMs) },
        bytesPerRow: (mb * 2 ** 20) / rows,
      };
    }

    // 2. Real time: one tick per second with the default 1 s flush timer: the steady cost of a 6-node cluster.
    {
      const path = join(dir, 'realtime.duckdb');
      const store = await openStore({ path, maintainIntervalMs: 0 });
      const realSeconds = Math.min(seconds, 15);
      const usage = await measure(async () => {
        for (let i = 0; i < realSeconds; i++) {
          const ts = Date.now();
          for (const s of tick) {
            s.ts = ts;
            s.value = Math.random() * 100;
          }
          store.appendSamples(tick);
          await Bun.sleep(1000);
        }
      });
      const { rowsWritten, batches, lastFlushMs } = store.stats();
      await store.close();
      log(`\nreal time (${tick.length} samples/s, 1 s flush timer, ${realSeconds} s):`);
      log(`  rows written       ${rowsWritten.toLocaleString()} in ${batches} batches, last flush ${lastFlushMs.toFixed(1)} ms`);
      log(`  process CPU        ${((usage.cpuMs / usage.wallMs) * 100).toFixed(1)}% of one core`);
      log(`  peak RSS           ${usage.rssMaxMb.toFixed(0)} MB`);
      result.realtime = {
        seconds: realSeconds,
        samplesPerSecond: tick.length,
        rows: rowsWritten,
        batches,
        lastFlushMs,
        cpuPercent: (usage.cpuMs / usage.wallMs) * 100,
        peakRssMb: usage.rssMaxMb,
      };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

function navigatorCores(): number {
  return navigator.hardwareConcurrency;
}

if (import.meta.main) await runStoreIngest({ seconds: Number(process.argv[2] ?? 20) });
