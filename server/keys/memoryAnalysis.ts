// Memory analysis: a bounded, paced sample of the keyspace (TYPE, MEMORY USAGE, PTTL pipelined), grouped and scaled to DBSIZE, saved for comparison.
import { abortableSleep } from '../hotkeys/abortableSleep.ts';
import { describeError } from '../valkey/connection.ts';
import type { KeyAnalysisBig, KeyAnalysisEnd, KeyAnalysisGroup } from '../store/keyAnalysis.ts';
import { defaultScanPacing, scanStep, type ScanPacing } from './clusterScan.ts';
import { KeyError, str, type KeyNodes } from './keyNodes.ts';
import { dbsizeCall, scanCall } from './keyScan.ts';
import { confidenceOf, estimateGroups, prefixOf, topGroups, ttlBucket, ttlBuckets, type SampledKey, type Stratum } from './sampleStats.ts';
import { isComplete, startState } from './scanCursor.ts';

export interface AnalysisStore {
  startKeyAnalysis(r: { started: number; match: string | null; sampleKeys: number }): Promise<number>;
  finishKeyAnalysis(id: number, end: KeyAnalysisEnd): Promise<void>;
}

export interface AnalysisProgress {
  id: number;
  state: 'running' | 'done' | 'cancelled' | 'failed';
  startedAt: number;
  sampleKeys: number;
  sampled: number;
  /** DBSIZE summed over the primaries, once read (the UI shows progress against it). */
  totalKeys?: number;
  error?: string;
}

const topPrefixes = 30;
const biggestKept = 20;
const lengthCommand: Record<string, string> = { string: 'STRLEN', hash: 'HLEN', list: 'LLEN', set: 'SCARD', zset: 'ZCARD', stream: 'XLEN' };

export class MemoryAnalysis {
  private running: { progress: AnalysisProgress; abort: AbortController; done: Promise<void> } | undefined;

  constructor(
    private readonly nodes: KeyNodes,
    private readonly store: AnalysisStore,
    private readonly pacing: ScanPacing = defaultScanPacing,
    private readonly now: () => number = Date.now,
  ) {}

  /** The running run's progress (the stored row says the rest). */
  progress(id: number): AnalysisProgress | undefined {
    return this.running?.progress.id === id ? this.running.progress : undefined;
  }

  async start(sampleKeys: number, match: string | null): Promise<AnalysisProgress> {
    if (this.running) throw new KeyError('busy', `memory analysis ${this.running.progress.id} is running`);
    const nodes = this.nodes.primaries();
    if (nodes.length === 0) throw new KeyError('no_nodes', 'no server to analyse');
    // Claimed before the first await, so two requests at once cannot both start.
    const abort = new AbortController();
    const progress: AnalysisProgress = { id: 0, state: 'running', startedAt: this.now(), sampleKeys, sampled: 0 };
    this.running = { progress, abort, done: Promise.resolve() };
    try {
      progress.id = await this.store.startKeyAnalysis({ started: progress.startedAt, match, sampleKeys });
    } catch (e) {
      this.running = undefined;
      throw e;
    }
    this.running.done = this.run(progress, nodes, match, abort.signal).finally(() => {
      this.running = undefined;
    });
    return progress;
  }

  async cancel(): Promise<void> {
    const r = this.running;
    if (!r) return;
    r.abort.abort();
    await r.done;
  }

  private async run(progress: AnalysisProgress, nodes: string[], match: string | null, signal: AbortSignal): Promise<void> {
    const sample: (SampledKey & { key: Buffer })[] = [];
    const strata = new Map<string, Stratum & { error?: string; calls: number; matched: number }>();
    let end: KeyAnalysisEnd;
    try {
      const dbsize = dbsizeCall(this.nodes);
      for (const node of nodes) strata.set(node, { node, dbsize: await dbsize(node).catch(() => 0), sampled: 0, calls: 0, matched: 0 });
      const total = [...strata.values()].reduce((n, s) => n + s.dbsize, 0);
      progress.totalKeys = total;
      // Each node's share of the sample follows its share of the keys, so no node is over-represented.
      const quota = new Map(nodes.map((n) => [n, Math.ceil((progress.sampleKeys * strata.get(n)!.dbsize) / Math.max(1, total))]));
      const state = startState(nodes, match, null);
      while (!isComplete(state) && !signal.aborted) {
        for (const n of state.nodes) if (strata.get(n.node)!.sampled >= quota.get(n.node)!) n.done = true;
        // Quotas are rounded up, so they can add up to more than the sample: it is full before every quota is.
        if (isComplete(state) || sample.length >= progress.sampleKeys) break;
        const step = await scanStep(state, scanCall(this.nodes), dbsize, { limit: Math.min(1000, progress.sampleKeys - progress.sampled), pacing: this.pacing, signal });
        for (const r of step.nodes) {
          const s = strata.get(r.node)!;
          s.calls += r.calls;
          if (r.error) {
            s.error = r.error;
            // A node that fails is left out (its keys unsampled) rather than failing the whole run.
            state.nodes.find((n) => n.node === r.node)!.done = true;
          }
        }
        const byNode = new Map<string, Buffer[]>();
        for (const k of step.keys) (byNode.get(k.node) ?? byNode.set(k.node, []).get(k.node)!).push(k.key);
        for (const [node, keys] of byNode) strata.get(node)!.matched += keys.length;
        const t0 = performance.now();
        await Promise.all([...byNode].map(([node, keys]) => this.describe(node, keys.slice(0, Math.max(0, quota.get(node)! - strata.get(node)!.sampled)), sample, strata.get(node)!)));
        progress.sampled = sample.length;
        const dt = performance.now() - t0;
        if (!signal.aborted) await abortableSleep(Math.max(this.pacing.minPauseMs, dt * (1 / this.pacing.duty - 1)), signal);
      }
      if (match !== null) {
        for (const n of state.nodes) {
          // With a MATCH the population is the node's matching keys: exact when its scan ended, else scaled by the
          // share of the node's keys SCAN visited (calls x COUNT, an approximation: COUNT is a hint).
          const s = strata.get(n.node)!;
          const ended = n.cursor === '0';
          const visited = Math.min(s.dbsize, s.calls * this.pacing.maxCount);
          s.dbsize = ended || visited === 0 ? s.matched : Math.max(s.matched, Math.round((s.matched * s.dbsize) / visited));
        }
      }
      end = await this.summarize(sample, [...strata.values()], signal.aborted ? 'cancelled' : 'done', match);
    } catch (e) {
      progress.error = describeError(e);
      end = { ended: this.now(), state: 'failed', totalKeys: 0, sampled: sample.length, detail: { error: progress.error }, groups: [], biggest: [] };
    }
    try {
      await this.store.finishKeyAnalysis(progress.id, end);
      // Only once the groups are stored: a reader that sees "done" reads them next.
      progress.state = end.state;
    } catch (e) {
      progress.state = 'failed';
      progress.error = `could not save the run: ${describeError(e)}`;
    }
  }

  /** TYPE, MEMORY USAGE (default SAMPLES: bounded work per key) and PTTL of each key, pipelined; keys gone meanwhile are skipped. */
  private async describe(node: string, keys: Buffer[], sample: (SampledKey & { key: Buffer })[], stratum: Stratum & { error?: string }): Promise<void> {
    if (keys.length === 0) return;
    try {
      const { replies } = await this.nodes.pipeline(node, keys.flatMap((k) => [['TYPE', k], ['MEMORY', 'USAGE', k], ['PTTL', k]]));
      keys.forEach((key, i) => {
        const [t, m, p] = [replies[3 * i], replies[3 * i + 1], replies[3 * i + 2]];
        const type = t && !t[0] ? str(t[1]) : 'none';
        if (type === 'none' || !m || m[0] || m[1] === null) return;
        const ttl = p && !p[0] ? Number(p[1]) : -1;
        sample.push({ key, node, type, bytes: Number(m[1]), ttlMs: ttl >= 0 ? ttl : null, prefix: prefixOf(key) });
        stratum.sampled++;
      });
    } catch (e) {
      stratum.error = describeError(e);
    }
  }

  private async summarize(sample: (SampledKey & { key: Buffer })[], strata: (Stratum & { error?: string; calls: number; matched: number })[], state: 'done' | 'cancelled', match: string | null): Promise<KeyAnalysisEnd> {
    const groups: KeyAnalysisGroup[] = [];
    const add = (dimension: KeyAnalysisGroup['dimension'], list: ReturnType<typeof estimateGroups>) => {
      for (const g of list) groups.push({ dimension, name: g.name, keys: g.keys, bytes: g.bytes, estKeys: g.estKeys, estBytes: g.estBytes, estBytesLow: g.estBytesLow, estBytesHigh: g.estBytesHigh });
    };
    add('type', estimateGroups(sample, strata, (k) => k.type));
    add('prefix', topGroups(estimateGroups(sample, strata, (k) => k.prefix), topPrefixes));
    const ttl = estimateGroups(sample, strata, (k) => ttlBucket(k.ttlMs));
    add('ttl', ttl.sort((a, b) => ttlBuckets.indexOf(a.name as never) - ttlBuckets.indexOf(b.name as never)));
    const biggest: KeyAnalysisBig[] = [...sample]
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, biggestKept)
      .map((k) => ({ node: k.node, key: k.key, type: k.type, bytes: k.bytes, length: null }));
    // Lengths only for the few biggest keys: one cheap O(1) command each.
    await Promise.all(
      biggest.map(async (b) => {
        const cmd = lengthCommand[b.type];
        if (!cmd) return;
        try {
          b.length = Number((await this.nodes.call(b.node, [cmd, Buffer.from(b.key)])).reply);
        } catch {
          // Gone or changed type since: the length stays unknown.
        }
      }),
    );
    const confidence = confidenceOf(sample, strata);
    if (match !== null && !confidence.exact) confidence.note += ' With a MATCH pattern the number of matching keys on each node is itself estimated, so the totals are rougher than the interval says.';
    return {
      ended: this.now(),
      state,
      totalKeys: strata.reduce((n, s) => n + s.dbsize, 0),
      sampled: sample.length,
      detail: { confidence, nodes: strata.map((s) => ({ node: s.node, dbsize: s.dbsize, sampled: s.sampled, ...(s.error ? { error: s.error } : {}) })), scanCalls: strata.reduce((n, s) => n + s.calls, 0) },
      groups,
      biggest,
    };
  }
}
