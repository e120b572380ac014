// Bulk delete by pattern: a paced preview, then a cancellable job that UNLINKs what a paced SCAN finds, per node and slot.
import { abortableSleep } from '../hotkeys/abortableSleep.ts';
import { describeError } from '../valkey/connection.ts';
import { keySlot } from '../valkey/keySlot.ts';
import { keyBlob, type BlobJson } from './blobs.ts';
import { defaultScanPacing, scanStep, type ScanPacing } from './clusterScan.ts';
import type { Audit } from './keyEdits.ts';
import { KeyError, type KeyNodes } from './keyNodes.ts';
import { dbsizeCall, scanCall } from './keyScan.ts';
import { isComplete, startState } from './scanCursor.ts';

export interface BulkPreview {
  matched: number;
  scanned: number;
  complete: boolean;
  sample: BlobJson[];
  confirm: string;
  target: string;
}

export interface BulkJobStatus {
  id: number;
  match: string;
  type: string | null;
  state: 'running' | 'done' | 'cancelled' | 'failed';
  scanned: number;
  deleted: number;
  errors: number;
  lastError?: string;
  startedAt: number;
  endedAt: number | null;
}

/** What the user must type: the pattern and where it applies, so a paste into the wrong Skyscope does not match. */
export function confirmText(match: string, type: string | null, target: string): string {
  return `delete ${match}${type ? ` (${type})` : ''} on ${target}`;
}

export function targetName(nodes: KeyNodes): string {
  const p = nodes.primaries();
  return nodes.clustered() ? `cluster ${p[0] ?? '?'}` : (p[0] ?? '?');
}

const previewMs = 3000;
const sampleSize = 20;
const keptJobs = 20;

export class BulkDeleter {
  private readonly jobs = new Map<number, { status: BulkJobStatus; abort: AbortController; done: Promise<void> }>();
  private nextId = 1;

  constructor(
    private readonly nodes: KeyNodes,
    private readonly audit: Audit,
    private readonly pacing: ScanPacing = defaultScanPacing,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts matches with a paced scan for up to 3 s (complete says whether that covered every key). */
  async preview(match: string, type: string | null): Promise<BulkPreview> {
    const state = startState(this.nodes.primaries(), match, type);
    const sample: BlobJson[] = [];
    let matched = 0;
    const deadline = this.now() + previewMs;
    while (!isComplete(state) && this.now() < deadline) {
      const step = await scanStep(state, scanCall(this.nodes), dbsizeCall(this.nodes), { limit: 10_000, pacing: this.pacing });
      matched += step.keys.length;
      for (const k of step.keys) if (sample.length < sampleSize) sample.push(keyBlob(k.key));
      const failed = step.nodes.find((n) => n.error);
      if (failed) throw new KeyError('server_error', `${failed.node}: ${failed.error}`);
    }
    const target = targetName(this.nodes);
    return { matched, scanned: state.calls, complete: isComplete(state), sample, confirm: confirmText(match, type, target), target };
  }

  start(match: string, type: string | null, confirm: string): BulkJobStatus {
    const expected = confirmText(match, type, targetName(this.nodes));
    if (confirm !== expected) throw new KeyError('bad_parameter', `confirm: must be exactly "${expected}"`);
    if ([...this.jobs.values()].some((j) => j.status.state === 'running')) throw new KeyError('busy', 'a bulk delete is already running');
    const status: BulkJobStatus = { id: this.nextId++, match, type, state: 'running', scanned: 0, deleted: 0, errors: 0, startedAt: this.now(), endedAt: null };
    const abort = new AbortController();
    const done = this.run(status, abort.signal);
    this.jobs.set(status.id, { status, abort, done });
    for (const id of [...this.jobs.keys()].slice(0, Math.max(0, this.jobs.size - keptJobs))) if (this.jobs.get(id)!.status.state !== 'running') this.jobs.delete(id);
    return status;
  }

  status(id: number): BulkJobStatus | undefined {
    return this.jobs.get(id)?.status;
  }

  async cancel(id: number): Promise<BulkJobStatus | undefined> {
    const j = this.jobs.get(id);
    if (!j) return undefined;
    j.abort.abort();
    await j.done;
    return j.status;
  }

  /** Cancels every running job (shutdown). */
  async stop(): Promise<void> {
    await Promise.all([...this.jobs.keys()].map((id) => this.cancel(id)));
  }

  private async run(status: BulkJobStatus, signal: AbortSignal): Promise<void> {
    const perNode = new Map<string, { deleted: number; errors: number; lastError?: string }>();
    const target = `${status.match}${status.type ? ` (${status.type})` : ''}`;
    try {
      const state = startState(this.nodes.primaries(), status.match, status.type);
      const clustered = this.nodes.clustered();
      while (!isComplete(state) && !signal.aborted) {
        const step = await scanStep(state, scanCall(this.nodes), dbsizeCall(this.nodes), { limit: 1000, pacing: this.pacing, signal });
        status.scanned += step.keys.length;
        for (const n of step.nodes) if (n.error) throw new Error(`${n.node}: ${n.error}`);
        const byNode = new Map<string, Buffer[]>();
        for (const k of step.keys) (byNode.get(k.node) ?? byNode.set(k.node, []).get(k.node)!).push(k.key);
        const t0 = performance.now();
        await Promise.all([...byNode].map(([node, keys]) => this.unlink(node, keys, clustered, status, perNode)));
        // UNLINK is server work too: pace it like SCAN.
        const dt = performance.now() - t0;
        if (!signal.aborted) await abortableSleep(Math.max(this.pacing.minPauseMs, dt * (1 / this.pacing.duty - 1)), signal);
      }
      status.state = signal.aborted ? 'cancelled' : 'done';
    } catch (e) {
      status.state = 'failed';
      status.lastError = describeError(e);
    } finally {
      status.endedAt = this.now();
      for (const [node, r] of perNode) {
        this.audit({ source: 'bulk', node, command: `UNLINK ${r.deleted} keys matching ${target} (${status.state})`, target, ok: r.errors === 0, error: r.lastError ?? null });
      }
      if (perNode.size === 0) this.audit({ source: 'bulk', node: null, command: `UNLINK 0 keys matching ${target} (${status.state})`, target, ok: status.state !== 'failed', error: status.lastError ?? null });
    }
  }

  /** In a cluster one UNLINK per slot (a multi-key command must stay in one slot); standalone, 100 keys per UNLINK. Pipelined. */
  private async unlink(node: string, keys: Buffer[], clustered: boolean, status: BulkJobStatus, perNode: Map<string, { deleted: number; errors: number; lastError?: string }>): Promise<void> {
    const groups = new Map<number, Buffer[]>();
    keys.forEach((k, i) => {
      const g = clustered ? keySlot(k) : Math.floor(i / 100);
      (groups.get(g) ?? groups.set(g, []).get(g)!).push(k);
    });
    const r = perNode.get(node) ?? perNode.set(node, { deleted: 0, errors: 0 }).get(node)!;
    try {
      const { replies } = await this.nodes.pipeline(node, [...groups.values()].map((g) => ['UNLINK', ...g]));
      for (const [err, n] of replies) {
        if (err) {
          r.errors++;
          status.errors++;
          r.lastError = status.lastError = err.message;
        } else {
          r.deleted += Number(n);
          status.deleted += Number(n);
        }
      }
    } catch (e) {
      r.errors++;
      status.errors++;
      r.lastError = status.lastError = describeError(e);
    }
  }
}
