// Reads a process's CPU time (whole and per thread) and memory from /proc, for benchmarks that watch other processes.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const clockTicks = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(r.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

/** utime + stime of a process (all its threads) or one thread, in milliseconds. */
function statCpuMs(statPath: string): number {
  const text = readFileSync(statPath, 'utf8');
  // The command name may contain spaces and parentheses: fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
}

export function cpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/stat`);
}

/** CPU milliseconds per thread name (threads of the same name are summed), e.g. the JS thread vs DuckDB workers. */
export function threadCpuMs(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      // The first thread is the JS (main) thread; name it so it is not confused with same-named helpers.
      const key = tid === String(pid) ? `${name} (main JS thread)` : name;
      out.set(key, (out.get(key) ?? 0) + statCpuMs(`/proc/${pid}/task/${tid}/stat`));
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return out;
}

/** Per-name CPU delta between two threadCpuMs() readings; threads that ended in between count as zero. */
export function threadDelta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, ms] of after) out.set(name, Math.max(0, ms - (before.get(name) ?? 0)));
  return out;
}

export interface Memory {
  rssMb: number;
  /** Peak RSS since the process started. */
  hwmMb: number;
  /** Private memory (heap, stacks, anonymous mappings): what the process really costs. */
  anonMb: number;
  /** File-backed pages (the Bun executable, libduckdb.so): clean, shared, reclaimable, yet part of VmRSS. */
  fileMb: number;
  threads: number;
}

export function memory(pid: number): Memory {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024, anonMb: kb('RssAnon') / 1024, fileMb: kb('RssFile') / 1024, threads: kb('Threads') };
}

export interface RssStats {
  minMb: number;
  avgMb: number;
  maxMb: number;
  /** 99th percentile of the samples: the highest RSS but for the rarest 1% (a 10-minute run at 1 s: its 6 highest samples). */
  p99Mb: number;
  firstMb: number;
  lastMb: number;
  /** Largest private (RssAnon) and file-backed (RssFile) parts seen. */
  anonMaxMb: number;
  fileMaxMb: number;
  /** Least-squares slope over the window: growth that is a trend rather than GC's saw-tooth. */
  slopeMbPerMinute: number;
  samples: number;
  /** Average and highest sample of each minute of the window (the last may be partial): a rise shows as a trend here. */
  perMinute: { avgMb: number; maxMb: number }[];
}

/** Samples RSS every intervalMs until stop(). */
export function rssSampler(pid: number, intervalMs = 1000): { stop(): RssStats } {
  const xs: { t: number; mb: number; anon: number; file: number }[] = [];
  const take = () => {
    try {
      const m = memory(pid);
      xs.push({ t: performance.now() / 60_000, mb: m.rssMb, anon: m.anonMb, file: m.fileMb });
    } catch {
      // The process ended; the caller notices elsewhere.
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      const mbs = xs.map((x) => x.mb);
      const n = xs.length;
      const mt = xs.reduce((s, x) => s + x.t, 0) / n;
      const mm = mbs.reduce((s, x) => s + x, 0) / n;
      const cov = xs.reduce((s, x) => s + (x.t - mt) * (x.mb - mm), 0);
      const varT = xs.reduce((s, x) => s + (x.t - mt) ** 2, 0);
      return {
        minMb: Math.min(...mbs),
        avgMb: mm,
        maxMb: Math.max(...mbs),
        p99Mb: [...mbs].sort((a, b) => a - b)[Math.floor(0.99 * (n - 1))] ?? Number.NaN,
        firstMb: mbs[0] ?? Number.NaN,
        lastMb: mbs[n - 1] ?? Number.NaN,
        anonMaxMb: Math.max(...xs.map((x) => x.anon)),
        fileMaxMb: Math.max(...xs.map((x) => x.file)),
        slopeMbPerMinute: varT > 0 ? cov / varT : 0,
        samples: n,
        perMinute: minutes(xs),
      };
    },
  };
}

function minutes(xs: { t: number; mb: number }[]): { avgMb: number; maxMb: number }[] {
  const byMinute: number[][] = [];
  for (const x of xs) (byMinute[Math.floor(x.t - xs[0]!.t)] ??= []).push(x.mb);
  return byMinute.filter(Boolean).map((mbs) => ({ avgMb: mbs.reduce((s, v) => s + v, 0) / mbs.length, maxMb: Math.max(...mbs) }));
}

/** taskset is used to keep the server, the load generator and Skyscope on known cores; absent means unpinned. */
export const hasTaskset: boolean = spawnSync('taskset', ['-V'], { encoding: 'utf8' }).status === 0;

/** Pins every thread of a running process to one CPU; returns false when that was not possible. */
export function pinProcess(pid: number, cpu: number): boolean {
  if (!hasTaskset) return false;
  return spawnSync('taskset', ['-a', '-cp', String(cpu), String(pid)], { encoding: 'utf8' }).status === 0;
}

export const hasChrt: boolean = spawnSync('chrt', ['--version'], { encoding: 'utf8' }).status === 0;

/**
 * Sets the scheduling policy of every thread of a process: 'idle' (SCHED_IDLE: runs only when the CPU has
 * nothing else to do) or 'other' (the normal policy). Returns false when that was not possible.
 */
export function setPolicy(pid: number, policy: 'idle' | 'other'): boolean {
  if (!hasChrt) return false;
  return spawnSync('chrt', ['-a', policy === 'idle' ? '-i' : '-o', '-p', '0', String(pid)], { encoding: 'utf8' }).status === 0;
}
