// `skyscope demo`: a local Valkey cluster, a skewed workload and Skyscope watching it, started and stopped as one.
import { spawn } from 'node:child_process';
import type { Config } from '../config.ts';
import { formatDuration } from '../duration.ts';
import type { Logger } from '../log.ts';
import { startSkyscope, StartError, type Skyscope } from '../skyscope.ts';
import { parseTarget } from '../valkey/target.ts';
import { ClusterStartError, findValkeyServer, NoServerError, startLocalCluster, type LocalCluster } from './localCluster.ts';
import { HOT_TAG, startWorkload, type Workload } from './workload.ts';

export interface DemoIo {
  out(text: string): void;
  err(text: string): void;
}

const stdio: DemoIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** Runs until SIGINT/SIGTERM or --duration; returns the exit code (2: no server binary, 1: could not start). */
export async function runDemo(cfg: Readonly<Config>, log: Logger, io: DemoIo = stdio): Promise<number> {
  const demo = cfg.demo ?? { open: false, opsPerSecond: 1000, portGiven: true };
  let server;
  try {
    server = findValkeyServer();
  } catch (e) {
    if (e instanceof NoServerError) {
      io.err(`skyscope: ${e.message}\n`);
      return 2;
    }
    throw e;
  }

  // Stop requests (signals, --duration) may come at any point, also while things are still starting.
  const abort = new AbortController();
  const requestStop = (reason: string) => {
    if (abort.signal.aborted) {
      log.warn(`${reason} again: exiting without waiting (the cluster is killed on exit)`);
      process.exit(1);
    }
    log.info(`demo: ${reason}: stopping the workload, Skyscope, then the cluster`);
    abort.abort();
  };
  const onSigint = () => requestStop('SIGINT');
  const onSigterm = () => requestStop('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  const stopped = new Promise<void>((r) => abort.signal.addEventListener('abort', () => r(), { once: true }));

  let cluster: LocalCluster | undefined;
  let workload: Workload | undefined;
  let sky: Skyscope | undefined;
  let durationTimer: ReturnType<typeof setTimeout> | undefined;
  try {
    log.info(`demo: starting a cluster of 6 ${server.serverName} ${server.version} nodes; server: ${server.source}`);
    try {
      cluster = await startLocalCluster({ server, log, signal: abort.signal });
    } catch (e) {
      if (abort.signal.aborted) return 0;
      if (e instanceof ClusterStartError) {
        log.error(`demo: ${e.message}`);
        return 1;
      }
      throw e;
    }
    if (abort.signal.aborted) return 0;

    try {
      workload = await startWorkload({ nodes: cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })), opsPerSecond: demo.opsPerSecond, log });
    } catch (e) {
      log.error(`demo: ${(e as Error).message}`);
      return 1;
    }
    if (abort.signal.aborted) return 0;

    const targets = [parseTarget(cluster.seedUrl)];
    try {
      sky = await startSkyscope({ ...cfg, targets }, log);
    } catch (e) {
      // 8379 taken (another Skyscope?) and no port was asked for: any free port will do.
      if (!(e instanceof StartError && /^cannot listen/.test(e.message) && !demo.portGiven)) throw e;
      log.info(`demo: port ${cfg.port} is taken; using a free port`);
      sky = await startSkyscope({ ...cfg, targets, port: 0 }, log);
    }
    if (abort.signal.aborted) return 0;

    const url = sky.url + (sky.token && !cfg.token ? `?token=${sky.token}` : '');
    const ports = (role: string) => cluster!.nodes.filter((n) => n.role === role).map((n) => n.port).join(' ');
    const name = server.serverName === 'valkey' ? 'Valkey' : 'Redis';
    io.out(
      [
        `Skyscope demo: ${name} ${server.version} cluster on 127.0.0.1, primaries ${ports('primary')}, replicas ${ports('replica')} (files in ${cluster.dir})`,
        `Workload: ~${demo.opsPerSecond} commands/s, skewed: a few very hot keys and a hot slot (${HOT_TAG}); ${workload.stats().preloadedKeys} keys preloaded`,
        `Skyscope is serving ${url}${cfg.headless ? ' (headless: API only)' : ''}`,
        `History: ${cfg.db}. ${demo.durationMs ? `Stops by itself after ${formatDuration(demo.durationMs)}; ` : ''}Ctrl-C stops everything.`,
      ].join('\n') + '\n',
    );
    if (demo.open && process.stdout.isTTY) openBrowser(url, log);
    if (demo.durationMs) durationTimer = setTimeout(() => abort.signal.aborted || requestStop(`--duration ${formatDuration(demo.durationMs!)}`), demo.durationMs);

    await stopped;
    return 0;
  } catch (e) {
    log.error(`demo: ${(e as Error).message}`);
    return 1;
  } finally {
    clearTimeout(durationTimer);
    // In order: no more commands, then Skyscope flushes its history, then the servers go away.
    await workload?.stop().catch((e: Error) => log.warn(`demo: stopping the workload: ${e.message}`));
    if (workload) log.info(`demo workload: ${describeStats(workload)}`);
    await sky?.stop().catch((e: Error) => log.warn(`demo: stopping Skyscope: ${e.message}`));
    await cluster?.stop().catch((e: Error) => log.warn(`demo: stopping the cluster: ${e.message}`));
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  }
}

function describeStats(w: Workload): string {
  const s = w.stats();
  return `${s.ok} commands answered, ${s.errors} failed`;
}

/** Best effort: never fails the demo. */
function openBrowser(url: string, log: Logger): void {
  const opener = process.platform === 'darwin' ? Bun.which('open') : Bun.which('xdg-open');
  if (!opener) return;
  try {
    const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
    child.on('error', (e) => log.debug(`demo: could not open a browser: ${e.message}`));
    child.unref();
  } catch (e) {
    log.debug(`demo: could not open a browser: ${(e as Error).message}`);
  }
}
