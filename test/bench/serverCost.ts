// Measures what a watched server spends on Skyscope: INFO commandstats deltas (minus the probe's own INFO call)
// and the server process's CPU from /proc, over a window with Skyscope running and a control window with it paused.
import Redis from 'ioredis';
import { cpuMs } from './procStats.ts';

export interface CommandCost {
  calls: number;
  usec: number;
}

/** Per command: calls and usec in the window. */
export type CommandDeltas = Record<string, CommandCost>;

export interface NodeWindow {
  node: string;
  seconds: number;
  commands: CommandDeltas;
  /** utime + stime of the server process over the window (includes networking, cron, cluster bus). */
  serverCpuMs: number;
}

interface Snapshot {
  at: number;
  cmds: Map<string, CommandCost>;
  cpuMs: number;
}

/** cmdstat_info:calls=3,usec=120,usec_per_call=40.00,... -> info: {calls, usec} */
export function parseCommandStats(text: string): Map<string, CommandCost> {
  const out = new Map<string, CommandCost>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (m) out.set(m[1]!, { calls: Number(m[2]), usec: Number(m[3]) });
  }
  return out;
}

/** One probe per node: a plain connection of its own that sends nothing but INFO commandstats. */
export class NodeProbe {
  private start: Snapshot | undefined;
  /** usec of one of our own INFO commandstats calls, measured back to back (see begin()). */
  private ownInfoUsec = 0;

  private constructor(
    readonly node: string,
    private readonly pid: number,
    private readonly client: Redis,
  ) {}

  static async open(host: string, port: number, pid: number): Promise<NodeProbe> {
    const client = new Redis({ host, port, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null, connectionName: 'skyscope-bench-probe' });
    client.on('error', () => {});
    await client.connect();
    return new NodeProbe(`${host}:${port}`, pid, client);
  }

  private async snapshot(): Promise<Snapshot> {
    const text = String(await this.client.info('commandstats'));
    return { at: performance.now(), cmds: parseCommandStats(text), cpuMs: cpuMs(this.pid) };
  }

  /**
   * Starts a window. The end snapshot's INFO counts the start snapshot's INFO call (a reply never counts
   * itself), so two snapshots are taken back to back: their difference is exactly one of our calls, which
   * end() subtracts. Call between Skyscope's polls (they start on whole seconds), or the pair is retried.
   */
  async begin(): Promise<boolean> {
    const a0 = await this.snapshot();
    const a1 = await this.snapshot();
    const d0 = a0.cmds.get('info') ?? { calls: 0, usec: 0 };
    const d1 = a1.cmds.get('info') ?? { calls: 0, usec: 0 };
    this.start = a1;
    if (d1.calls - d0.calls !== 1) return false;
    this.ownInfoUsec = d1.usec - d0.usec;
    return true;
  }

  async end(): Promise<NodeWindow> {
    if (!this.start) throw new Error('end() before begin()');
    const b = await this.snapshot();
    const a = this.start;
    const commands: CommandDeltas = {};
    for (const [name, after] of b.cmds) {
      const before = a.cmds.get(name) ?? { calls: 0, usec: 0 };
      let calls = after.calls - before.calls;
      let usec = after.usec - before.usec;
      if (name === 'info') {
        calls -= 1;
        usec -= this.ownInfoUsec;
      }
      if (calls > 0 || usec > 0) commands[name] = { calls, usec };
    }
    return { node: this.node, seconds: (b.at - a.at) / 1000, commands, serverCpuMs: b.cpuMs - a.cpuMs };
  }

  close(): void {
    this.client.disconnect();
  }
}

/** Waits until the wall clock is `phaseMs` into a second: Skyscope's polls start on whole seconds and end in a few ms. */
export async function untilPhase(phaseMs: number): Promise<void> {
  const now = Date.now() % 1000;
  await Bun.sleep((phaseMs - now + 1000) % 1000);
}

/** Begins a window on every probe between Skyscope's polls; retries a node whose back-to-back pair was interleaved. */
export async function beginAll(probes: NodeProbe[]): Promise<void> {
  let pending = probes;
  for (let attempt = 0; attempt < 5 && pending.length > 0; attempt++) {
    await untilPhase(450);
    const ok = await Promise.all(pending.map((p) => p.begin()));
    pending = pending.filter((_, i) => !ok[i]);
  }
  if (pending.length > 0) throw new Error(`could not take a clean INFO commandstats pair on ${pending.map((p) => p.node).join(', ')}`);
}

export async function endAll(probes: NodeProbe[]): Promise<NodeWindow[]> {
  await untilPhase(450);
  return Promise.all(probes.map((p) => p.end()));
}

export interface CostSummary {
  nodes: number;
  seconds: { on: number; off: number };
  /** Command usec per second per node attributable to Skyscope: (on - off) rates, averaged over nodes. */
  usecPerSecondPerNode: number;
  percentOfCorePerNode: number;
  /** Same per command, averaged over nodes: calls/s and usec/s. */
  perCommand: { command: string; callsPerSecond: number; usecPerSecond: number; usecPerCall: number }[];
  /** Server process CPU (all of it, not only commands) per node, with Skyscope running and paused. */
  serverCpuPercentPerNode: { on: number; off: number; delta: number };
  /** The busiest node (e.g. the seed, which also answers topology polls). */
  maxNode: { node: string; usecPerSecond: number };
}

/** Turns the windows (one per node, with Skyscope on and paused) into per-node-per-second figures. */
export function summarizeCost(on: NodeWindow[], off: NodeWindow[]): CostSummary {
  const nodes = on.length;
  const rate = (w: NodeWindow, f: (c: CommandCost) => number, name?: string) =>
    Object.entries(w.commands)
      .filter(([n]) => name === undefined || n === name)
      .reduce((s, [, c]) => s + f(c), 0) / w.seconds;
  const offFor = (node: string) => off.find((w) => w.node === node);
  const perNodeUsec = on.map((w) => {
    const o = offFor(w.node);
    return { node: w.node, usecPerSecond: rate(w, (c) => c.usec) - (o ? rate(o, (c) => c.usec) : 0) };
  });
  const names = [...new Set(on.flatMap((w) => Object.keys(w.commands)))].sort();
  const perCommand = names
    .map((command) => {
      let calls = 0;
      let usec = 0;
      for (const w of on) {
        const o = offFor(w.node);
        calls += rate(w, (c) => c.calls, command) - (o ? rate(o, (c) => c.calls, command) : 0);
        usec += rate(w, (c) => c.usec, command) - (o ? rate(o, (c) => c.usec, command) : 0);
      }
      return { command, callsPerSecond: calls / nodes, usecPerSecond: usec / nodes, usecPerCall: calls > 0 ? usec / calls : 0 };
    })
    .sort((a, b) => b.usecPerSecond - a.usecPerSecond);
  const usecPerSecondPerNode = perNodeUsec.reduce((s, n) => s + n.usecPerSecond, 0) / nodes;
  const cpuPct = (ws: NodeWindow[]) => ws.reduce((s, w) => s + w.serverCpuMs / 1000 / w.seconds, 0) / Math.max(1, ws.length) * 100;
  const cpuOn = cpuPct(on);
  const cpuOff = cpuPct(off);
  const maxNode = perNodeUsec.reduce((a, b) => (b.usecPerSecond > a.usecPerSecond ? b : a));
  return {
    nodes,
    seconds: { on: on[0]?.seconds ?? 0, off: off[0]?.seconds ?? 0 },
    usecPerSecondPerNode,
    percentOfCorePerNode: usecPerSecondPerNode / 1e4,
    perCommand,
    serverCpuPercentPerNode: { on: cpuOn, off: cpuOff, delta: cpuOn - cpuOff },
    maxNode,
  };
}
