// Forming a cluster from fresh nodes: slot ranges, "every node met every other", and the bounded waits between
// steps. Shared by `skyscope demo` (localCluster.ts) and the test servers (test/servers/cluster.ts).
import type Redis from 'ioredis';

export const SLOTS = 16384;

/** Primary `index` of `primaries` owns this inclusive slot range; together they cover every slot once. */
export function slotRange(index: number, primaries: number): [number, number] {
  return [Math.floor((index * SLOTS) / primaries), Math.floor(((index + 1) * SLOTS) / primaries) - 1];
}

/** True when every node lists `count` nodes and none is still in handshake; otherwise why not yet. */
export async function allMet(clients: Redis[], count: number): Promise<true | string> {
  const views = (await Promise.all(clients.map((c) => c.call('CLUSTER', 'NODES')))) as string[];
  for (const [i, v] of views.entries()) {
    const lines = v.trim().split('\n');
    if (lines.length !== count) return `node ${i + 1} knows ${lines.length} of ${count} nodes`;
    const pending = lines.find((l) => /handshake|noaddr/.test(l.split(' ')[2] ?? ''));
    if (pending) return `node ${i + 1} still sees: ${pending}`;
  }
  return true;
}

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Turns the message (a timeout, or a stop through signal) into the caller's error. */
  fail?: (message: string) => Error;
}

/**
 * Runs check every 50 ms until it returns true. A check returns why it is not done yet (or throws); the last
 * reason goes into the timeout's message, so a cluster that never forms says what it was stuck on.
 */
export async function waitUntil(what: string, check: () => Promise<true | string>, opts: WaitOptions): Promise<void> {
  const fail = opts.fail ?? ((m: string) => new Error(m));
  const deadline = Date.now() + opts.timeoutMs;
  let why = '';
  while (Date.now() < deadline) {
    if (opts.signal?.aborted) throw fail(`stopped while waiting for ${what}`);
    try {
      const r = await check();
      if (r === true) return;
      why = r;
    } catch (e) {
      why = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw fail(`timed out waiting for ${what}${why ? ` (last state: ${why})` : ''}`);
}
