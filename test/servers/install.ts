// Installs the test servers (and promtool) from Debian packages into .servers/, privately; fast no-op when present.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { AptError, PrivateApt, extractDeb, extractDebMembers, type DebPackage } from './apt.ts';
import {
  FLAVORS, SERVERS_DIR, SPECS, flavorDir, isSkipped, manifestIsUsable, manifestPath, overrideFor, parseVersionOutput, readManifest,
  type Flavor, type FlavorSpec, type Manifest,
} from './flavors.ts';

const LIB_DIRS = ['usr/lib/x86_64-linux-gnu', 'lib/x86_64-linux-gnu'];
const LOADERS = ['usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', 'lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', 'usr/lib64/ld-linux-x86-64.so.2', 'lib64/ld-linux-x86-64.so.2'];
const PROMTOOL_DIR = join(SERVERS_DIR, 'promtool');

export interface PromtoolManifest {
  version: string;
  path: string;
  package: string;
}

/** Lazily refreshed private apt: nothing touches the network unless something must be installed. */
class Installer {
  private apt = new PrivateApt(join(SERVERS_DIR, '.apt'));
  private listsChecked = false;
  private refreshedNow = false;
  private listsError: Error | null = null;

  constructor(private readonly refresh: boolean) {}

  resolve(roots: string[], suite: string, libSuites: string[]): DebPackage[] {
    this.ensureLists();
    return this.apt.resolve(roots, suite, libSuites);
  }

  /** Downloads; if the mirror dropped a version since our lists were fetched, refreshes once and retries. */
  fetch(roots: string[], suite: string, libSuites: string[]): { pkgs: DebPackage[]; debs: string[] } {
    let pkgs = this.resolve(roots, suite, libSuites);
    try {
      return { pkgs, debs: this.apt.download(pkgs) };
    } catch (e) {
      if (!(e instanceof AptError) || this.refreshedNow) throw e;
      this.refreshedNow = true;
      this.apt.update(true);
      pkgs = this.apt.resolve(roots, suite, libSuites);
      return { pkgs, debs: this.apt.download(pkgs) };
    }
  }

  private ensureLists(): void {
    // A failed update is remembered: every flavor reports it without trying the network again.
    if (this.listsError) throw this.listsError;
    if (this.listsChecked) return;
    try {
      if (this.apt.update(this.refresh)) {
        this.refreshedNow = true;
        process.stdout.write('  (refreshed private package lists)\n');
      }
      this.listsChecked = true;
    } catch (e) {
      this.listsError = e instanceof Error ? e : new Error(String(e));
      throw e;
    }
  }
}

function installFlavor(inst: Installer, spec: FlavorSpec): Manifest {
  const { pkgs, debs } = inst.fetch(spec.packages, spec.suite, spec.libSuites);
  const dir = flavorDir(spec.flavor);
  // The manifest is written last, so a half-extracted folder is never taken as installed.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const deb of debs) extractDeb(deb, dir);
  const prefix = privateLoaderPrefix(dir);
  const command = (name: string): string[] => [...prefix(name), resolveInTree(dir, `usr/bin/${name}`)];
  const m: Manifest = {
    flavor: spec.flavor, version: '', serverName: '', source: `debian ${spec.suite}`,
    packages: pkgs.map((p) => ({ name: p.name, version: p.version, suite: p.suite })),
    server: command(spec.serverName), cli: command(spec.cliName), benchmark: command(spec.benchmarkName),
    installedAt: new Date().toISOString(),
  };
  for (const cmd of [m.server, m.cli, m.benchmark]) checkLibraries(cmd);
  Object.assign(m, probeVersion(m.server));
  writeFileSync(manifestPath(spec.flavor), JSON.stringify(m, null, 2) + '\n');
  return m;
}

/** `ld.so --argv0 NAME --library-path DIRS`: runs binaries built for a newer glibc than the machine's. */
function privateLoaderPrefix(dir: string): (name: string) => string[] {
  const loader = LOADERS.map((p) => join(dir, p)).find((p) => existsSync(p) && lstatSync(p).isFile());
  if (!loader) throw new Error(`no dynamic loader (ld-linux-x86-64.so.2) in ${dir}: was libc6 resolved?`);
  const libPath = LIB_DIRS.map((p) => join(dir, p)).filter((p) => existsSync(p)).join(':');
  return (name) => [loader, '--argv0', name, '--library-path', libPath];
}

/** Follows symlinks inside the extracted tree (absolute links point into the tree, not the machine). */
function resolveInTree(root: string, rel: string): string {
  let path = join(root, rel);
  for (let hops = 0; hops < 10; hops++) {
    if (!existsSync(path) && !isSymlink(path)) throw new Error(`${relative(root, path)} missing from the extracted packages`);
    if (!isSymlink(path)) return path;
    const target = readlinkSync(path);
    path = target.startsWith('/') ? join(root, target) : join(dirname(path), target);
  }
  throw new Error(`symlink loop at ${rel}`);
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Fails with the missing library names instead of a cryptic loader error at server start. */
function checkLibraries(cmd: string[]): void {
  const [loader, , , , libPath, binary] = cmd;
  const r = spawnSync(loader, ['--list', '--library-path', libPath, binary], { encoding: 'utf8' });
  const missing = (r.stdout + r.stderr).split('\n').filter((l) => l.includes('not found'));
  if (r.status !== 0 || missing.length > 0) {
    throw new Error(`${binary} cannot load its libraries:\n${missing.join('\n') || r.stderr.trim()}`);
  }
}

export function probeVersion(server: string[]): { version: string; serverName: string } {
  const r = spawnSync(server[0], [...server.slice(1), '--version'], { encoding: 'utf8', timeout: 10_000 });
  const parsed = parseVersionOutput(r.stdout ?? '');
  if (!parsed) throw new Error(`${server.join(' ')} --version did not report a version: ${(r.stderr || r.stdout || String(r.error)).trim()}`);
  return parsed;
}

function installPromtool(inst: Installer): PromtoolManifest {
  // A Go program without cgo: bookworm's build runs anywhere, and only the one file is needed.
  const { pkgs, debs } = inst.fetch(['prometheus'], 'bookworm', []);
  const pkg = pkgs.find((p) => p.name === 'prometheus')!;
  rmSync(PROMTOOL_DIR, { recursive: true, force: true });
  extractDebMembers(debs[pkgs.indexOf(pkg)], PROMTOOL_DIR, ['./usr/bin/promtool']);
  const path = join(PROMTOOL_DIR, 'usr/bin/promtool');
  const r = spawnSync(path, ['--version'], { encoding: 'utf8' });
  const version = /version (\S+)/.exec(r.stdout + r.stderr)?.[1];
  if (!version) throw new Error(`promtool --version failed: ${(r.stderr || String(r.error)).trim()}`);
  const m: PromtoolManifest = { version, path, package: `prometheus ${pkg.version}` };
  writeFileSync(join(PROMTOOL_DIR, 'manifest.json'), JSON.stringify(m, null, 2) + '\n');
  return m;
}

function cachedPromtool(): PromtoolManifest | null {
  const f = join(PROMTOOL_DIR, 'manifest.json');
  if (!existsSync(f)) return null;
  const m = JSON.parse(readFileSync(f, 'utf8')) as PromtoolManifest;
  return existsSync(m.path) ? m : null;
}

/** One flavor: override, cache, or download. Returns the line to print. */
function ensureFlavor(inst: Installer, flavor: Flavor, force: boolean): string {
  const spec = SPECS[flavor];
  const override = overrideFor(flavor);
  if (isSkipped(override)) return `skipped (${spec.envVar}=${override})`;
  if (override) {
    const v = probeVersion([override]);
    return `${v.serverName} ${v.version} (${spec.envVar}=${override})`;
  }
  const cached = readManifest(flavor);
  if (!force && cached && manifestIsUsable(cached)) return `${cached.serverName} ${cached.version} (cached, ${cached.source})`;
  const m = installFlavor(inst, spec);
  const main = m.packages.find((p) => p.name === spec.packages[0]);
  return `${m.serverName} ${m.version} (installed ${spec.packages[0]} ${main?.version} from debian ${spec.suite}, ${m.packages.length} packages)`;
}

function main(): number {
  const args = new Set(process.argv.slice(2));
  if (args.has('--help')) {
    process.stdout.write('usage: bun test/servers/install.ts [--force] [--refresh]\n  --force    reinstall even when present\n  --refresh  refresh the private package lists first\n');
    return 0;
  }
  const started = performance.now();
  const inst = new Installer(args.has('--refresh'));
  let failures = 0;
  const report = (name: string, run: () => string): void => {
    try {
      process.stdout.write(`${name.padEnd(9)} ${run()}\n`);
    } catch (e) {
      failures++;
      process.stderr.write(`${name.padEnd(9)} FAILED: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  };
  for (const flavor of FLAVORS) report(flavor, () => ensureFlavor(inst, flavor, args.has('--force')));
  report('promtool', () => {
    const cached = args.has('--force') ? null : cachedPromtool();
    const m = cached ?? installPromtool(inst);
    return `${m.version} (${cached ? 'cached' : 'installed'}, ${m.package})`;
  });
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  if (failures > 0) {
    process.stderr.write(`test servers: ${failures} failed (${secs} s). Set SKYSCOPE_TEST_<FLAVOR>=/path/to/server to use your own binary, or =skip to leave a flavor out.\n`);
    return 1;
  }
  process.stdout.write(`test servers ready in ${secs} s (${SERVERS_DIR})\n`);
  return 0;
}

if (import.meta.main) process.exit(main());
