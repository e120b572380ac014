// One paced step of a SCAN over every primary: each node's own cursor, a bounded amount of server work per step.
import { describeError } from '../valkey/connection.ts';
import { abortableSleep } from '../hotkeys/abortableSleep.ts';
import type { ScanState } from './scanCursor.ts';

export interface ScanPacing {
  /** SCAN COUNT ceiling. */
  maxCount: number;
  /** Time spent waiting for SCAN replies per step, summed over nodes. */
  budgetMs: number;
  /** A step never takes longer than this, pauses included. */
  maxStepMs: number;
  /**
   * Share of one node's time Skyscope's SCANs may take: after a call that took t ms the node is left alone for
   * t * (1 / duty - 1) ms (at least minPauseMs), also across steps.
   */
  duty: number;
  minPauseMs: number;
}

export const defaultScanPacing: ScanPacing = { maxCount: 1000, budgetMs: 100, maxStepMs: 1000, duty: 0.05, minPauseMs: 2 };

export type ScanCall = (node: string, args: string[]) => Promise<[Buffer, Buffer[]]>;
/** Each key's type (null when unknown), asked in one round trip. */
export type TypesCall = (node: string, keys: Buffer[]) => Promise<(string | null)[]>;

export interface ScanStepResult {
  keys: { key: Buffer; node: string; type?: string }[];
  nodes: { node: string; done: boolean; dbsize: number | null; calls: number; error?: string }[];
  callMs: number;
}

/**
 * Advances `state` in place. Nodes are scanned side by side; each stops when the step has `limit` keys, used its
 * budget or time, or the node's cursor came back to 0. A node that fails keeps its cursor and reports the error;
 * the others go on (so the scan is never complete while a node is missing). With `types`, each node's keys of the
 * step get their type from one call after its SCANs, and its time is paced like theirs.
 */
export async function scanStep(
  state: ScanState,
  call: ScanCall,
  dbsize: (node: string) => Promise<number>,
  o: { limit: number; pacing?: ScanPacing; now?: () => number; signal?: AbortSignal; types?: TypesCall },
): Promise<ScanStepResult> {
  const p = o.pacing ?? defaultScanPacing;
  const now = o.now ?? Date.now;
  const started = now();
  if (state.notBefore > started) await abortableSleep(Math.min(state.notBefore - started, p.maxStepMs), o.signal);
  const keys: ScanStepResult['keys'] = [];
  let callMs = 0;
  let notBefore = state.notBefore;
  const filtered = state.match !== null || state.type !== null;
  const report = await Promise.all(
    state.nodes.map(async (n) => {
      const out: ScanStepResult['nodes'][number] = { node: n.node, done: n.done, dbsize: null, calls: 0 };
      const mine: ScanStepResult['keys'] = [];
      let lastDt = 0;
      try {
        out.dbsize = await dbsize(n.node);
        while (!n.done && !o.signal?.aborted && keys.length < o.limit && callMs < p.budgetMs && now() - started < p.maxStepMs) {
          const active = state.nodes.filter((x) => !x.done).length || 1;
          // Without filters SCAN returns about COUNT keys: ask for this node's part of what is missing; with a
          // MATCH or TYPE most keys read are dropped by the server, so read the most allowed.
          const count = filtered ? p.maxCount : Math.max(10, Math.min(p.maxCount, Math.ceil((o.limit - keys.length) / active)));
          const args = [n.cursor, 'COUNT', String(count)];
          if (state.match !== null) args.push('MATCH', state.match);
          if (state.type !== null) args.push('TYPE', state.type);
          const t0 = performance.now();
          const [next, batch] = await call(n.node, args);
          const dt = performance.now() - t0;
          callMs += dt;
          state.calls++;
          out.calls++;
          state.keys += batch.length;
          lastDt = dt;
          for (const key of batch) {
            const k = { key, node: n.node };
            keys.push(k);
            mine.push(k);
          }
          n.cursor = next.toString();
          if (n.cursor === '0') n.done = true;
          const pause = Math.max(p.minPauseMs, dt * (1 / p.duty - 1));
          notBefore = Math.max(notBefore, now() + pause);
          if (n.done || keys.length >= o.limit || callMs >= p.budgetMs) break;
          await abortableSleep(pause, o.signal);
        }
        if (o.types && mine.length > 0) {
          const t0 = performance.now();
          // Keys keep no type when this fails: the listing matters more than its badges.
          const types = await o.types(n.node, mine.map((k) => k.key)).catch(() => []);
          const dt = performance.now() - t0;
          callMs += dt;
          // The node worked for the last SCAN and this call back to back: it is left alone for both.
          notBefore = Math.max(notBefore, now() + Math.max(p.minPauseMs, (lastDt + dt) * (1 / p.duty - 1)));
          types.forEach((t, i) => {
            if (t) mine[i]!.type = t;
          });
        }
      } catch (e) {
        out.error = describeError(e);
      }
      out.done = n.done;
      return out;
    }),
  );
  state.notBefore = notBefore;
  return { keys, nodes: report, callMs };
}
