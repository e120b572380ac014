#!/usr/bin/env bun
// Entry point, wiring only: parse config, open the store, start the collector and the HTTP server, shut down cleanly.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pkg from '../package.json' with { type: 'json' };
import { Monitor } from './collect/monitor.ts';
import { defaultCollectorSettings, type NodeSnapshot } from './collect/nodeWatcher.ts';
import { ConfigError, loadConfig, usage, type Config } from './config.ts';
import { createApp } from './http/app.ts';
import { isLoopback } from './http/security.ts';
import { uiFromDirectory } from './http/uiAssets.ts';
import { createLogger } from './log.ts';
import { LatestValues } from './metrics/latestValues.ts';
import { fanOut, LiveHub } from './metrics/liveHub.ts';
import { runSqlClient } from './sqlClient.ts';
import { openStore } from './store/store.ts';
import type { NodeRecord, Store } from './store/types.ts';

async function main(argv: string[]): Promise<number> {
  let cfg: Readonly<Config>;
  try {
    cfg = loadConfig(argv);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`skyscope: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (cfg.command === 'help') {
    process.stdout.write(usage + '\n');
    return 0;
  }
  if (cfg.command === 'version') {
    process.stdout.write(`skyscope ${pkg.version}\n`);
    return 0;
  }
  if (cfg.command === 'sql') return runSqlClient({ host: cfg.host, port: cfg.port, token: cfg.token, sql: cfg.sql! });
  return run(cfg);
}

async function run(cfg: Readonly<Config>): Promise<number> {
  const log = createLogger(cfg.logLevel);
  const startedAt = Date.now();
  let store: Store;
  try {
    store = await openStore({ path: cfg.db, retentionMs: cfg.retentionMs, log: (m) => log.info(m) });
  } catch (e) {
    log.error(`cannot open ${cfg.db}: ${(e as Error).message}`);
    return 1;
  }
  const latest = new LatestValues();
  const live = new LiveHub();
  const monitor = new Monitor(cfg.targets, {
    sink: fanOut(store, live),
    latest,
    log,
    settings: {
      ...defaultCollectorSettings,
      infoIntervalMs: cfg.intervals.info,
      memoryStatsIntervalMs: cfg.intervals.memory_stats,
      topologyIntervalMs: cfg.intervals.topology,
    },
  });
  // Not bound to loopback means anyone on the network can connect: require a token then.
  const token = cfg.token ?? (isLoopback(cfg.host) ? undefined : randomBytes(18).toString('base64url'));
  const app = createApp({
    store,
    monitor,
    latest,
    live,
    server: { host: cfg.host, port: cfg.port, token, headless: cfg.headless, readOnly: cfg.readOnly, infoIntervalMs: cfg.intervals.info },
    version: pkg.version,
    startedAt,
    log,
    ui: cfg.headless ? undefined : uiFromDirectory(join(import.meta.dir, '..', 'ui')),
  });
  let server: ReturnType<typeof Bun.serve>;
  try {
    // idleTimeout is raised because the live stream stays open; it sends a keep-alive every 5 s.
    server = Bun.serve({ hostname: cfg.host, port: cfg.port, fetch: app.fetch, idleTimeout: 30 });
  } catch (e) {
    log.error(`cannot listen on ${cfg.host}:${cfg.port}: ${(e as Error).message}`);
    await store.close();
    return 1;
  }
  const hostText = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
  const address = `http://${hostText}:${server.port}/`;
  log.info(`skyscope ${pkg.version}: history in ${cfg.db}; watching ${cfg.targets.map((t) => t.display).join(', ')}`);
  process.stdout.write(`Skyscope is serving ${address}${token && !cfg.token ? `?token=${token}` : ''}${cfg.headless ? ' (headless: API only)' : ''}\n`);

  const recordNodes = () => monitor.nodes().forEach((n) => store.recordNode(nodeRecord(n)));
  void monitor.start().then(recordNodes);
  const recorder = setInterval(recordNodes, cfg.intervals.topology);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) {
        log.warn(`${signal} again: exiting without waiting`);
        process.exit(1);
      }
      stopping = true;
      log.info(`${signal}: flushing and closing ${cfg.db}`);
      clearInterval(recorder);
      await monitor.stop();
      recordNodes();
      server.stop(true);
      await store.close();
      resolve(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });
}

function nodeRecord(n: NodeSnapshot): NodeRecord {
  return {
    address: n.address,
    clusterNodeId: n.clusterNodeId ?? null,
    role: n.role === 'unknown' ? null : n.role,
    primaryAddress: n.primary ?? null,
    flavor: n.flavor ?? null,
    version: n.version ?? null,
  };
}

process.exitCode = await main(process.argv.slice(2));
process.exit(process.exitCode);
