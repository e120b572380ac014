// Makes sure Debian's Chromium is there for the browser tests: installs the `chromium` package with apt-get when missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromiumPath } from './browser.ts';

function version(): string | undefined {
  if (!existsSync(chromiumPath)) return undefined;
  const r = spawnSync(chromiumPath, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function main(): number {
  const have = version();
  if (have) {
    process.stdout.write(`chromium  ${have} (${chromiumPath})\n`);
    return 0;
  }
  if (process.env.SKYSCOPE_CHROMIUM) {
    process.stderr.write(`chromium  FAILED: SKYSCOPE_CHROMIUM=${chromiumPath} does not run\n`);
    return 1;
  }
  if (process.getuid?.() !== 0) {
    process.stderr.write('chromium  FAILED: /usr/bin/chromium is missing; install it with `sudo apt-get install chromium` or set SKYSCOPE_CHROMIUM\n');
    return 1;
  }
  const started = performance.now();
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env, timeout: 15 * 60_000 });
    if (r.status !== 0) {
      process.stderr.write(`chromium  FAILED: apt-get ${args.join(' ')} exited with ${r.status ?? r.signal}\n`);
      return 1;
    }
  }
  const now = version();
  if (!now) {
    process.stderr.write('chromium  FAILED: installed, but chromium --version does not run\n');
    return 1;
  }
  process.stdout.write(`chromium  ${now} (installed from Debian in ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  return 0;
}

process.exit(main());
