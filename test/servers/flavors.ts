// Which server flavors the tests use, where each comes from, and where its installed manifest lives.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type Flavor = 'redis7' | 'valkey8' | 'valkey9' | 'redis8';
export const FLAVORS: Flavor[] = ['redis7', 'valkey8', 'valkey9', 'redis8'];

export interface FlavorSpec {
  flavor: Flavor;
  /** Human name used in messages. */
  label: string;
  /** Environment variable that points at a user's own server binary ("skip" disables the flavor). */
  envVar: string;
  /** Debian suite the server and tools packages come from. */
  suite: string;
  /** Suites searched, in order, for the shared libraries those packages need. */
  libSuites: string[];
  /** Packages installed whole (the server binary itself lives in the -tools package). */
  packages: string[];
  /** Program names: the binary decides what to be from argv[0]. */
  serverName: string;
  cliName: string;
  benchmarkName: string;
}

export const SPECS: Record<Flavor, FlavorSpec> = {
  redis7: {
    flavor: 'redis7', label: 'Redis 7.0', envVar: 'SKYSCOPE_TEST_REDIS7',
    suite: 'bookworm', libSuites: ['bookworm'], packages: ['redis-server', 'redis-tools'],
    serverName: 'redis-server', cliName: 'redis-cli', benchmarkName: 'redis-benchmark',
  },
  valkey8: {
    flavor: 'valkey8', label: 'Valkey 8', envVar: 'SKYSCOPE_TEST_VALKEY8',
    suite: 'bookworm-backports', libSuites: ['bookworm', 'bookworm-backports'], packages: ['valkey-server', 'valkey-tools'],
    serverName: 'valkey-server', cliName: 'valkey-cli', benchmarkName: 'valkey-benchmark',
  },
  valkey9: {
    flavor: 'valkey9', label: 'Valkey 9', envVar: 'SKYSCOPE_TEST_VALKEY9',
    suite: 'sid', libSuites: ['sid'], packages: ['valkey-server', 'valkey-tools'],
    serverName: 'valkey-server', cliName: 'valkey-cli', benchmarkName: 'valkey-benchmark',
  },
  redis8: {
    // Experimental only carries what changed against sid, so libraries come from sid first.
    flavor: 'redis8', label: 'Redis 8', envVar: 'SKYSCOPE_TEST_REDIS8',
    suite: 'experimental', libSuites: ['sid', 'experimental'], packages: ['redis-server', 'redis-tools'],
    serverName: 'redis-server', cliName: 'redis-cli', benchmarkName: 'redis-benchmark',
  },
};

/** What install.ts writes to .servers/<flavor>/manifest.json. */
export interface Manifest {
  flavor: string;
  /** Version reported by the binary itself (`--version`), e.g. "9.1.2". */
  version: string;
  /** "valkey" or "redis", also from `--version`. */
  serverName: string;
  /** Where the files came from: a Debian suite, or the override variable. */
  source: string;
  packages: { name: string; version: string; suite: string }[];
  /** Command prefixes (absolute paths); append arguments. */
  server: string[];
  cli: string[];
  benchmark: string[];
  installedAt: string;
}

export const REPO_ROOT = resolve(import.meta.dir, '..', '..');
export const SERVERS_DIR = join(REPO_ROOT, '.servers');

export function flavorDir(flavor: string): string {
  return join(SERVERS_DIR, flavor);
}

export function manifestPath(flavor: string): string {
  return join(flavorDir(flavor), 'manifest.json');
}

export function readManifest(flavor: string): Manifest | null {
  const path = manifestPath(flavor);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

/** True when every file a manifest's commands need is still there (the repo may have moved). */
export function manifestIsUsable(m: Manifest): boolean {
  return [m.server, m.cli, m.benchmark].every((cmd) => cmd.length > 0 && commandFiles(cmd).every((f) => existsSync(f)));
}

/** Absolute paths a command prefix depends on: the program and, with a private loader, the real binary. */
function commandFiles(cmd: string[]): string[] {
  // --library-path holds a colon-separated list.
  return cmd.filter((part) => part.startsWith('/')).flatMap((part) => part.split(':'));
}

/** The user's override for a flavor: a binary path, 'skip', or undefined. */
export function overrideFor(flavor: Flavor): string | undefined {
  const value = process.env[SPECS[flavor].envVar]?.trim();
  return value ? value : undefined;
}

export function isSkipped(value: string | undefined): boolean {
  return value !== undefined && ['skip', 'none', 'off', '0'].includes(value.toLowerCase());
}

/** Parses `valkey-server --version` / `redis-server --version` output. */
export function parseVersionOutput(text: string): { serverName: string; version: string } | null {
  const m = /^(Valkey|Redis) server v=(\S+)/m.exec(text);
  if (!m) return null;
  return { serverName: m[1].toLowerCase(), version: m[2] };
}
