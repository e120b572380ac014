// Runs a whole Skyscope in the test process against real servers, with a temp DuckDB file and a captured log.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { startSkyscope, type Skyscope } from '../../server/skyscope.ts';

export interface TestSkyscope extends Skyscope {
  /** The URL without its trailing slash, to append paths to. */
  base: string;
  dir: string;
  dbPath: string;
  /** Every log line written so far. */
  logLines: string[];
  /** GET (or other method) on the API, parsed as JSON, with the status. */
  api<T = any>(path: string, init?: RequestInit): Promise<{ status: number; body: T }>;
  text(path: string): Promise<{ status: number; body: string }>;
  /** Stops Skyscope and removes its directory. */
  dispose(): Promise<void>;
}

/** Fast intervals so tests see several polls within a second or two. */
export const fastIntervals = ['--interval', '200ms', '--interval', 'memory_stats=400ms', '--interval', 'topology=1s', '--interval', 'commandlog=1s', '--interval', 'latency=1s'];

/** opts.ui serves the UI (browser tests); otherwise Skyscope runs --headless. */
export async function startTestSkyscope(targets: string[], extraArgs: string[] = [], env: Record<string, string> = {}, opts: { ui?: boolean } = {}): Promise<TestSkyscope> {
  const dir = mkdtempSync(join(tmpdir(), 'skyscope-it-'));
  const dbPath = join(dir, 'skyscope.duckdb');
  const cfg = loadConfig([...targets, '--db', dbPath, '--port', '0', ...(opts.ui ? [] : ['--headless']), ...fastIntervals, ...extraArgs], env);
  const logLines: string[] = [];
  const log = createLogger('debug', (l) => logLines.push(l));
  const sky = await startSkyscope(cfg, log, { connectTimeoutMs: 1000, commandTimeoutMs: 1000 });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await sky.stop();
  };
  const base = sky.url.replace(/\/$/, '');
  return {
    ...sky,
    base,
    dir,
    dbPath,
    logLines,
    async api(path, init) {
      const res = await fetch(base + path, init);
      return { status: res.status, body: await res.json() };
    },
    async text(path) {
      const res = await fetch(base + path);
      return { status: res.status, body: await res.text() };
    },
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until check returns a truthy value; fails with the last value's description after timeoutMs. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false | null> | T | undefined | false | null, timeoutMs = 15_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as T;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await Bun.sleep(everyMs);
  }
}

/** Waits until `count` watched nodes are up, i.e. answered their first polls. */
export async function waitForNodesUp(sky: TestSkyscope, count = 1, timeoutMs = 15_000): Promise<void> {
  await waitFor(`${count} node(s) up`, async () => ((await sky.api('/api/nodes')).body.nodes as { state: string }[]).filter((n) => n.state === 'up').length >= count, timeoutMs);
}

/** Sends a raw HTTP/1.1 request so headers like Host can be forged exactly as a hostile page's browser would. */
export function rawRequest(port: number, lines: string[], body = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let data = '';
    sock.on('data', (d) => (data += d));
    sock.on('error', reject);
    sock.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1]), text: data }));
    sock.write([...lines, `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', '', body].join('\r\n'));
  });
}
