// The sampling method: MONITOR switched on in short windows (a duty cycle), every key of every command counted in a
// Space-Saving sketch; bounded in time and in how far behind the stream may fall, so it stops itself.
import type { NodeConnection } from '../valkey/connection.ts';
import type { CommandKeys } from '../valkey/commandKeys.ts';
import { parseMonitorLine } from '../valkey/monitorLine.ts';
import { SpaceSaving } from './spaceSaving.ts';
import { abortableSleep } from './abortableSleep.ts';

export interface MonitorSampleOptions {
  /** The whole sample, wall time. */
  durationMs: number;
  /** MONITOR is on this long per cycle... */
  onMs: number;
  /** ...then off this long: the server pays MONITOR's cost onMs / (onMs + offMs) of the time, nothing after. */
  offMs: number;
  /** Counters in the sketch: any key seen more than (commands sampled) / capacity times is in it. */
  capacity: number;
  /** A window ends early once the stream is this far behind the server's clock (its output buffer is growing). */
  maxLagMs: number;
  /** Counts only keys this accepts (the two-phase method keeps its hot slots' keys). */
  keep?: (key: Buffer) => boolean;
  signal?: AbortSignal;
}

export const defaultMonitorSample: Omit<MonitorSampleOptions, 'durationMs'> = { onMs: 250, offMs: 2250, capacity: 2000, maxLagMs: 500 };

export interface SampledKey {
  key: Buffer;
  /** Accesses seen while MONITOR was on. */
  count: number;
  /** The true count seen lies in [count - error, count]. */
  error: number;
}

export interface MonitorSampleResult {
  top: SampledKey[];
  /** Commands read, and key accesses counted (every key of multi-key commands, the keep filter applied). */
  commands: number;
  keyAccesses: number;
  /** Key accesses seen before the keep filter (the node's whole sampled traffic, for shares). */
  allKeyAccesses: number;
  /** Time MONITOR was on (from its +OK to the disconnect), summed over windows, and the wall time of the sample. */
  onMs: number;
  wallMs: number;
  windows: number;
  /** Windows ended early because the stream fell behind. */
  lagged: number;
  errors: string[];
}

/** A sampled key's estimate over the whole run. */
export interface ScaledKey {
  key: Buffer;
  /** Accesses seen while MONITOR was on, scaled to the whole run (the sample saw onMs of wallMs). */
  value: number;
  error: number;
  /** Its share of every key access sampled on the node (before any keep filter). */
  share: number | null;
}

export function scaledKeys(r: MonitorSampleResult): ScaledKey[] {
  const scale = r.onMs > 0 ? r.wallMs / r.onMs : 0;
  return r.top.map((k) => ({ key: k.key, value: k.count * scale, error: k.error * scale, share: r.allKeyAccesses > 0 ? k.count / r.allKeyAccesses : null }));
}

/** What the sample cost the node, for the run's detail. */
export function sampleCost(r: MonitorSampleResult): Record<string, unknown> {
  return { commandsSeen: r.commands, keyAccesses: r.keyAccesses, monitorOnMs: Math.round(r.onMs), wallMs: Math.round(r.wallMs), windows: r.windows, lagged: r.lagged, errors: r.errors };
}

/** Scripts' commands arrive again as `lua` lines: count those, not the script call's own key arguments. */
const scriptCalls = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);
/** Keys are offered to the sketch as latin1 strings: one char per byte, so distinct binary keys stay distinct. */
const asSketchKey = (b: Buffer) => b.toString('latin1');

export async function sampleWithMonitor(open: () => Promise<NodeConnection>, keys: CommandKeys, o: MonitorSampleOptions): Promise<MonitorSampleResult> {
  const sketch = new SpaceSaving(o.capacity);
  const started = performance.now();
  const result: MonitorSampleResult = { top: [], commands: 0, keyAccesses: 0, allKeyAccesses: 0, onMs: 0, wallMs: 0, windows: 0, lagged: 0, errors: [] };
  const count = (line: Buffer): 'ok' | 'lagging' => {
    const cmd = parseMonitorLine(line);
    if (!cmd || cmd.args.length === 0) return 'ok';
    result.commands++;
    const name = cmd.args[0]!.toString('latin1').toLowerCase();
    if (cmd.client !== 'lua' && scriptCalls.has(name)) return 'ok';
    for (const k of keys.keysOf(cmd.args)) {
      result.allKeyAccesses++;
      if (o.keep && !o.keep(k)) continue;
      sketch.offer(asSketchKey(k));
      result.keyAccesses++;
    }
    // Behind = how much later than its server time a line arrives, beyond the smallest such delay this window saw
    // (so clock skew between us and the server does not count).
    const delay = Date.now() - cmd.ts * 1000;
    if (delay < minDelay) minDelay = delay;
    return delay - minDelay > o.maxLagMs ? 'lagging' : 'ok';
  };
  let minDelay = Infinity;
  while (!o.signal?.aborted) {
    // A window cut to less than half its length is not worth a connection.
    const left = o.durationMs - (performance.now() - started);
    if (left < o.onMs / 2) break;
    minDelay = Infinity;
    try {
      const w = await monitorWindow(open, Math.min(o.onMs, left), count, o.signal);
      result.onMs += w.onMs;
      if (w.lagged) result.lagged++;
    } catch (e) {
      result.errors.push(e instanceof Error ? e.message : String(e));
      if (result.errors.length >= 3) break;
    }
    result.windows++;
    const pause = Math.min(o.offMs, o.durationMs - (performance.now() - started));
    if (pause > 0) await abortableSleep(pause, o.signal);
  }
  result.wallMs = performance.now() - started;
  result.top = sketch.top().map((e) => ({ key: Buffer.from(e.key, 'latin1'), count: e.count, error: e.error }));
  return result;
}

/**
 * One window on its own connection: ioredis has no binary-exact MONITOR, so after connecting (auth, TLS, db as
 * configured) the socket is taken over and read as lines. Disconnecting ends MONITOR on the server at once.
 */
async function monitorWindow(open: () => Promise<NodeConnection>, onMs: number, count: (line: Buffer) => 'ok' | 'lagging', signal?: AbortSignal): Promise<{ onMs: number; lagged: boolean }> {
  const conn = await open();
  const stream = (conn as unknown as { stream: NodeJS.ReadWriteStream & { removeAllListeners(e: string): void } }).stream;
  let onAt = 0;
  let lagged = false;
  try {
    return await new Promise((resolve, reject) => {
      let rest: Buffer = Buffer.alloc(0);
      let timer: ReturnType<typeof setTimeout> | undefined;
      // Lines already buffered keep arriving until the socket is gone: nothing after the window's end is counted.
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        resolve({ onMs: onAt ? performance.now() - onAt : 0, lagged });
      };
      stream.removeAllListeners('data');
      stream.on('data', (chunk: Buffer) => {
        if (finished) return;
        let buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
        let at = 0;
        for (let nl = buf.indexOf(10, at); nl !== -1; nl = buf.indexOf(10, at)) {
          const line = buf.subarray(at, nl > at && buf[nl - 1] === 13 ? nl - 1 : nl);
          at = nl + 1;
          if (!onAt) {
            if (line[0] === 0x2d) return reject(new Error(`MONITOR refused: ${line.subarray(1).toString()}`));
            onAt = performance.now();
            timer = setTimeout(finish, onMs);
            continue;
          }
          if (count(line) === 'lagging' && !lagged) {
            lagged = true;
            setImmediate(finish);
          }
        }
        // Keep the unfinished tail as a copy: the parsed lines' buffers may point into this chunk.
        rest = at < buf.length ? Buffer.from(buf.subarray(at)) : Buffer.alloc(0);
        buf = rest;
      });
      stream.on('error', reject);
      stream.on('close', () => (onAt ? finish() : reject(new Error('connection closed before MONITOR started'))));
      signal?.addEventListener('abort', finish);
      stream.write('MONITOR\r\n');
    });
  } finally {
    conn.disconnect();
  }
}
