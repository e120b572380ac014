// Reads one node's command log (COMMANDLOG or SLOWLOG) and latency monitor into entries and samples, each once.
import type { NodeConnection } from '../valkey/connection.ts';
import { logSettings, parseCommandLog, parseConfigPairs, parseLogLength, type CommandLogRecord } from '../valkey/commandLogReply.ts';
import { histogramDelta, histogramPercentile, parseLatencyHistogram, parseLatencyHistory, parseLatencyLatest, type CommandHistogram, type LatencyLatest } from '../valkey/latencyReply.ts';
import { commandLine, commandName, commandPattern } from './commandLine.ts';
import { CommandLogCursors } from './commandLogCursors.ts';
import type { CommandLogEntry, CommandLogType, LatencySample, LogResumePoints, NodeEvent, Sample } from './sink.ts';
import { families } from '../metrics/catalog.ts';

/** The first read asks for this many entries; only when they do not reach back to the last read is the whole log read. */
const firstAsk = 32;
/** Thresholds and log lengths change rarely: read them every this many polls (and on the first). */
const settingsEvery = 12;
export const windowPercentiles = ['50', '99', '99.9'] as const;

export interface CommandLogStatus {
  type: CommandLogType;
  /** µs (slow) or bytes; -1 = this log is off. */
  threshold: number;
  maxLen: number;
  length: number;
  lastId: number | null;
  /** Entries stored since Skyscope started. */
  collected: number;
  /** Entries the server dropped before they were read, since Skyscope started. */
  lost: number;
}

export interface LatencyStatus {
  /** latency-monitor-threshold in ms; 0 = the monitor is off; null until read. */
  thresholdMs: number | null;
  histogram: boolean;
  events: LatencyLatest[];
}

type Pipe = ReturnType<NodeConnection['pipeline']>;

async function exec(p: Pipe): Promise<unknown[]> {
  const results = (await p.exec()) ?? [];
  return results.map(([err, reply]) => {
    if (err) throw err;
    return reply;
  });
}

export interface LogPollResult {
  entries: CommandLogEntry[];
  events: NodeEvent[];
}

export class LogCollector {
  readonly logs = new Map<CommandLogType, CommandLogStatus>();
  latency: LatencyStatus = { thresholdMs: null, histogram: false, events: [] };
  /** 'commandlog' on Valkey 8.1+, 'slowlog' elsewhere; null until known. */
  source: 'commandlog' | 'slowlog' | null = null;
  private readonly cursors: CommandLogCursors;
  private readonly latencyLastTs = new Map<string, number>();
  private histograms = new Map<string, CommandHistogram>();
  private logPolls = 0;
  private latencyPolls = 0;

  constructor(
    readonly address: string,
    resume: LogResumePoints,
    private readonly now: () => number = Date.now,
  ) {
    this.cursors = new CommandLogCursors(resume.commandLog.filter((r) => r.node === address));
    for (const r of resume.latency) if (r.node === address) this.latencyLastTs.set(r.event, r.lastTs);
  }

  /**
   * One poll of the command log: every type's length and newest entries in one round trip; a type whose newest
   * entries do not reach back to the last read is read whole (its length) in a second one.
   */
  async pollCommandLog(conn: NodeConnection, runId: string, hasCommandLog: boolean): Promise<LogPollResult> {
    this.source = hasCommandLog ? 'commandlog' : 'slowlog';
    if (this.logPolls++ % settingsEvery === 0 || this.logs.size === 0) await this.readLogSettings(conn);
    const types = [...this.logs.keys()];
    const get = (type: CommandLogType, n: number): string[] => (hasCommandLog ? ['COMMANDLOG', 'GET', String(n), type] : ['SLOWLOG', 'GET', String(n)]);
    const len = (type: CommandLogType): string[] => (hasCommandLog ? ['COMMANDLOG', 'LEN', type] : ['SLOWLOG', 'LEN']);
    const p = conn.pipeline();
    for (const type of types) {
      const l = len(type);
      p.call(l[0]!, ...l.slice(1));
      const g = get(type, firstAsk);
      p.callBuffer(g[0]!, ...g.slice(1));
    }
    const replies = await exec(p);
    const out: LogPollResult = { entries: [], events: [] };
    for (let i = 0; i < types.length; i++) {
      const type = types[i]!;
      const status = this.logs.get(type)!;
      status.length = parseLogLength(replies[2 * i]);
      let records = parseCommandLog(replies[2 * i + 1]);
      if (!this.cursors.reachesBack(type, runId, records, firstAsk) && status.length > records.length) {
        // -1 is the whole log, on every flavor: a count taken from LEN would miss the oldest entries when more
        // were logged between the two round trips.
        const g = get(type, -1);
        records = parseCommandLog(await conn.callBuffer(g[0]!, ...g.slice(1)));
      }
      const took = this.cursors.take(type, runId, records, { length: status.length, maxLen: status.maxLen });
      status.lastId = this.cursors.get(type)?.lastId ?? status.lastId;
      status.collected += took.fresh.length;
      status.lost += took.lost;
      for (const r of took.fresh) out.entries.push(this.entry(type, runId, r));
      if (took.lost > 0) {
        out.events.push({ ts: this.now(), node: this.address, kind: 'commandlog_lost', detail: { type, lost: took.lost, reason: took.reason, ids: took.lostIds } });
      }
    }
    return out;
  }

  private async readLogSettings(conn: NodeConnection): Promise<void> {
    const p = conn.pipeline();
    p.call('CONFIG', 'GET', 'slowlog-*');
    p.call('CONFIG', 'GET', 'commandlog-*');
    const [slow, commandlog] = await exec(p);
    const settings = logSettings({ ...parseConfigPairs(slow), ...parseConfigPairs(commandlog) });
    for (const s of settings) {
      // SLOWLOG only has the slow log, whatever the server's config also names.
      if (this.source === 'slowlog' && s.type !== 'slow') continue;
      const before = this.logs.get(s.type);
      this.logs.set(s.type, { ...(before ?? { length: 0, lastId: null, collected: 0, lost: 0 }), type: s.type, threshold: s.threshold, maxLen: s.maxLen });
    }
  }

  private entry(type: CommandLogType, runId: string, r: CommandLogRecord): CommandLogEntry {
    const args = r.args.map((a) => new Uint8Array(a.bytes));
    const argsCut = r.args.map((a) => a.moreBytes);
    return {
      ts: r.ts * 1000,
      node: this.address,
      type,
      id: r.id,
      runId,
      value: r.value,
      cmd: commandName(args),
      args,
      argsCut,
      argsMore: r.argsMore,
      line: commandLine(args, argsCut, r.argsMore),
      pattern: commandPattern(args, r.argsMore),
      client: r.client,
      clientName: r.clientName,
    };
  }

  /**
   * One poll of the latency monitor: TIME, LATENCY LATEST and (when the server has it) LATENCY HISTOGRAM in one
   * round trip, then LATENCY HISTORY only for the events with a sample newer than the last one stored. Samples
   * of the server's current second are left for the next poll: the server may still raise that second's value.
   */
  async pollLatency(conn: NodeConnection, hasHistogram: boolean): Promise<{ samples: LatencySample[]; windows: Sample[] }> {
    const readSettings = this.latencyPolls++ % settingsEvery === 0 || this.latency.thresholdMs === null;
    const p = conn.pipeline();
    p.call('TIME');
    p.call('LATENCY', 'LATEST');
    if (hasHistogram) p.call('LATENCY', 'HISTOGRAM');
    if (readSettings) p.call('CONFIG', 'GET', 'latency-monitor-threshold');
    const replies = await exec(p);
    const serverSecond = Number((replies[0] as string[])[0]);
    const latest = parseLatencyLatest(replies[1]);
    const ts = this.now();
    const windows = hasHistogram ? this.histogramWindows(parseLatencyHistogram(replies[2]), ts) : [];
    if (readSettings) {
      const pairs = parseConfigPairs(replies[hasHistogram ? 3 : 2]);
      const t = Number(pairs['latency-monitor-threshold']);
      this.latency.thresholdMs = Number.isFinite(t) ? t : null;
    }
    this.latency = { ...this.latency, histogram: hasHistogram, events: latest };
    const due = latest.filter((e) => e.ts > (this.latencyLastTs.get(e.event) ?? -1));
    const samples: LatencySample[] = [];
    if (due.length > 0) {
      const hp = conn.pipeline();
      for (const e of due) hp.call('LATENCY', 'HISTORY', e.event);
      const histories = await exec(hp);
      due.forEach((e, i) => {
        const last = this.latencyLastTs.get(e.event) ?? -1;
        let newest = last;
        for (const h of parseLatencyHistory(histories[i])) {
          if (h.ts <= last || h.ts >= serverSecond) continue;
          samples.push({ ts: h.ts * 1000, node: this.address, event: e.event, ms: h.ms });
          newest = Math.max(newest, h.ts);
        }
        if (newest > last) this.latencyLastTs.set(e.event, newest);
      });
    }
    samples.sort((a, b) => a.ts - b.ts);
    return { samples, windows };
  }

  /**
   * Percentiles of the calls made since the previous poll, per command, from the difference of two cumulative
   * LATENCY HISTOGRAM replies. A command whose counts went down (CONFIG RESETSTAT) starts a new baseline.
   */
  private histogramWindows(current: CommandHistogram[], ts: number): Sample[] {
    const out: Sample[] = [];
    const next = new Map<string, CommandHistogram>();
    for (const h of current) {
      next.set(h.cmd, h);
      const before = this.histograms.get(h.cmd);
      if (!before) continue;
      const delta = histogramDelta(before, h);
      if (!delta || delta.calls <= 0) continue;
      for (const p of windowPercentiles) {
        const us = histogramPercentile(delta.buckets, Number(p));
        if (us !== null) out.push({ ts, node: this.address, metric: families.commandWindowLatency.name, labels: { cmd: h.cmd, percentile: p }, value: us / 1e6 });
      }
    }
    this.histograms = next;
    return out;
  }

  /** After a reconnect the previous histogram may be from another server run: start a new baseline. */
  resetWindows(): void {
    this.histograms = new Map();
  }
}
