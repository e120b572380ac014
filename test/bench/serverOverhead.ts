// Throughput of a watched server under conditions (Skyscope paused, polling, ...): interleaved valkey-benchmark runs.
import type { ServerHandle } from '../servers/servers.ts';
import { cpuMs, hasTaskset } from './procStats.ts';

export interface Condition {
  name: string;
  /** Puts Skyscope into this condition (signal, priority, pinning); called before each run of it. */
  apply(): void;
  /** Settling time after apply(), e.g. so the poll that was due while paused is not inside the run. */
  settleMs: number;
}

export interface OverheadOptions {
  server: ServerHandle;
  skyscopePid: number;
  /** valkey-benchmark command prefix. */
  benchmark: string[];
  /** The first is the baseline the others are compared with. */
  conditions: Condition[];
  /** Blocks of one run per condition; block b runs the conditions rotated by b, so each takes each position. */
  blocks: number;
  /** Seconds per test (SET, then GET) in each run. */
  secondsPerTest: number;
  /** CPU for valkey-benchmark. */
  benchmarkCpu?: number;
  log: (line: string) => void;
}

export interface OverheadRun {
  index: number;
  condition: string;
  setOps: number;
  getOps: number;
  /** Mean of SET and GET requests per second (each test runs for the same duration). */
  opsPerSecond: number;
  wallSeconds: number;
  serverCpuPercent: number;
  benchmarkCpuPercent: number;
  skyscopeCpuPercent: number;
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export interface ConditionResult {
  name: string;
  ops: Spread;
  /** median(this) / median(baseline). */
  ratio: number;
  /** Median over blocks of this / baseline within the block (drift between blocks cancels). */
  pairedRatio: number;
  pairedRatios: number[];
  /** (max - min) / median of this condition's runs. */
  noisePercent: number;
  skyscopeCpuPercent: number;
  serverCpuPercent: number;
  benchmarkCpuPercent: number;
}

export interface OverheadResult {
  command: string;
  runs: OverheadRun[];
  conditions: ConditionResult[];
}

export function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length / 2;
  const median = s.length === 0 ? Number.NaN : s.length % 2 ? s[Math.floor(mid)]! : (s[mid - 1]! + s[mid]!) / 2;
  return { min: s[0] ?? Number.NaN, median, max: s[s.length - 1] ?? Number.NaN };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** "SET","135971.00",... lines of valkey-benchmark --csv -> requests per second by test name. */
export function parseBenchmarkCsv(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^"([^"]+)","([\d.]+)"/.exec(line.trim());
    if (m) out.set(m[1]!.toUpperCase(), Number(m[2]));
  }
  return out;
}

export async function runOverhead(o: OverheadOptions): Promise<OverheadResult> {
  const args = ['-h', '127.0.0.1', '-p', String(o.server.port), '-t', 'set,get', '-c', '50', '-P', '1', '-r', '100000', '-d', '3', '--duration', String(o.secondsPerTest), '--csv'];
  const pin = o.benchmarkCpu !== undefined && hasTaskset ? ['taskset', '-c', String(o.benchmarkCpu)] : [];
  const command = [...pin, 'valkey-benchmark', ...args].join(' ');

  const once = async () => {
    const s0 = cpuMs(o.server.pid);
    const k0 = cpuMs(o.skyscopePid);
    const t0 = performance.now();
    const proc = Bun.spawn([...pin, ...o.benchmark, ...args], { stdout: 'pipe', stderr: 'pipe' });
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    const wall = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`valkey-benchmark exited with ${code}: ${err.trim() || out.trim()}`);
    const rps = parseBenchmarkCsv(out);
    const set = rps.get('SET');
    const get = rps.get('GET');
    if (!set || !get) throw new Error(`valkey-benchmark printed no SET/GET results:\n${out}`);
    const usage = proc.resourceUsage();
    return {
      set,
      get,
      wall,
      serverCpu: ((cpuMs(o.server.pid) - s0) / 1000 / wall) * 100,
      benchCpu: usage ? (Number(usage.cpuTime.total) / 1e6 / wall) * 100 : Number.NaN,
      skyCpu: ((cpuMs(o.skyscopePid) - k0) / 1000 / wall) * 100,
    };
  };

  // Warm-up (not counted): fills the key space so GETs hit, and lets the server grow its buffers.
  o.log('warm-up run (not counted) ...');
  o.conditions[0]!.apply();
  await once();

  const k = o.conditions.length;
  const runs: OverheadRun[] = [];
  for (let b = 0; b < o.blocks; b++) {
    for (let j = 0; j < k; j++) {
      const c = o.conditions[(b + j) % k]!;
      c.apply();
      await Bun.sleep(c.settleMs);
      const r = await once();
      const run: OverheadRun = {
        index: runs.length,
        condition: c.name,
        setOps: r.set,
        getOps: r.get,
        opsPerSecond: (r.set + r.get) / 2,
        wallSeconds: r.wall,
        serverCpuPercent: r.serverCpu,
        benchmarkCpuPercent: r.benchCpu,
        skyscopeCpuPercent: r.skyCpu,
      };
      runs.push(run);
      o.log(
        `run ${String(run.index + 1).padStart(2)}  ${c.name.padEnd(12)} ${fmtOps(run.opsPerSecond).padStart(8)} ops/s  (SET ${fmtOps(r.set)}, GET ${fmtOps(r.get)})` +
          `  CPU: server ${r.serverCpu.toFixed(0)}%, benchmark ${r.benchCpu.toFixed(0)}%, Skyscope ${r.skyCpu.toFixed(2)}%`,
      );
    }
  }

  const baseline = o.conditions[0]!.name;
  const of = (name: string) => runs.filter((r) => r.condition === name);
  const base = spread(of(baseline).map((r) => r.opsPerSecond));
  const conditions = o.conditions.map((c): ConditionResult => {
    const mine = of(c.name);
    const ops = spread(mine.map((r) => r.opsPerSecond));
    const pairedRatios: number[] = [];
    for (let b = 0; b < o.blocks; b++) {
      const block = runs.slice(b * k, b * k + k);
      const x = block.find((r) => r.condition === c.name);
      const y = block.find((r) => r.condition === baseline);
      if (x && y) pairedRatios.push(x.opsPerSecond / y.opsPerSecond);
    }
    return {
      name: c.name,
      ops,
      ratio: ops.median / base.median,
      pairedRatio: spread(pairedRatios).median,
      pairedRatios,
      noisePercent: ((ops.max - ops.min) / ops.median) * 100,
      skyscopeCpuPercent: mean(mine.map((r) => r.skyscopeCpuPercent)),
      serverCpuPercent: mean(mine.map((r) => r.serverCpuPercent)),
      benchmarkCpuPercent: mean(mine.map((r) => r.benchmarkCpuPercent)),
    };
  });
  return { command, runs, conditions };
}

export function fmtOps(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}
