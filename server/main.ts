#!/usr/bin/env bun
// Entry point: parse the command line, then run Skyscope, print help/version, send SQL to a running instance, or run the demo.
import { ConfigError, loadConfig, usage, type Config } from './config.ts';
import { runDemo } from './demo/demo.ts';
import { createLogger } from './log.ts';
import { startSkyscope, StartError, version } from './skyscope.ts';
import { runSqlClient } from './sqlClient.ts';
import { scheduleResidentTrim } from './residentTrim.ts';

/** The store is open and serving within a second; the code of start-up alone (module loading, migrations, first queries) has run by then. */
const trimAfterMs = 5000;
/**
 * Code run once a minute or less (maintenance, checkpoints, the UI's pages) faults back in and stays resident: after the
 * start-up trim alone, file-backed RSS climbed from 49 to 58-62 MB watching 6 nodes; trimmed every 30 s it averaged
 * 47-51 MB instead of 58-61 MB (three side-by-side runs of 6-10 minutes). A trim costs about 2 ms of CPU.
 */
const retrimEveryMs = 30_000;

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
    process.stdout.write(`skyscope ${version}\n`);
    return 0;
  }
  if (cfg.command === 'sql') return runSqlClient({ host: cfg.host, port: cfg.port, token: cfg.token, sql: cfg.sql! });

  const log = createLogger(cfg.logLevel);
  if (cfg.command === 'demo') return runDemo(cfg, log);
  let sky;
  try {
    sky = await startSkyscope(cfg, log);
  } catch (e) {
    if (e instanceof StartError) {
      log.error(e.message);
      return 1;
    }
    throw e;
  }
  scheduleResidentTrim({
    firstMs: trimAfterMs,
    everyMs: retrimEveryMs,
    onTrim: (t) => log.debug(`unmapped ${Math.round(t.droppedKb / 1024)} MB of code pages from ${t.mappings} file mappings`),
    onError: (e) => log.debug(`code pages stay mapped: ${e.message}`),
  });
  const generatedToken = sky.token && !cfg.token ? `?token=${sky.token}` : '';
  process.stdout.write(`Skyscope is serving ${sky.url}${generatedToken}${cfg.headless ? ' (headless: API only)' : ''}\n`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) {
        log.warn(`${signal} again: exiting without waiting`);
        process.exit(1);
      }
      stopping = true;
      log.info(`${signal}: flushing and closing ${cfg.db}`);
      await sky.stop();
      resolve(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });
}

process.exit(await main(process.argv.slice(2)));
