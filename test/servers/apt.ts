// Private apt: own sources, state and cache under .servers/.apt, so the machine's apt setup is never touched.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareDebVersions, satisfies } from './debversion.ts';

export const ARCH = 'amd64';
const SUITES = ['bookworm', 'bookworm-backports', 'sid', 'experimental'];
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
/** Lists older than this are refreshed before resolving (sid changes every few hours). */
const LISTS_MAX_AGE_MS = 6 * 3600_000;

export interface DebPackage {
  name: string;
  version: string;
  suite: string;
  arch: string;
  depends: string;
  provides: string;
}

export class AptError extends Error {}

export class PrivateApt {
  readonly root: string;
  readonly archives: string;
  private readonly confPath: string;
  private indexes = new Map<string, SuiteIndex>();

  constructor(root: string, private readonly mirror = process.env.SKYSCOPE_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian') {
    this.root = root;
    this.archives = join(root, 'archives');
    this.confPath = join(root, 'apt.conf');
  }

  /** Writes the private configuration; cheap, done before every apt call. */
  prepare(): void {
    for (const d of ['state/lists/partial', 'cache/archives/partial', 'sources.list.d', 'archives']) {
      mkdirSync(join(this.root, d), { recursive: true });
    }
    const status = join(this.root, 'state/status');
    if (!existsSync(status)) writeFileSync(status, '');
    if (!existsSync(KEYRING)) throw new AptError(`Debian archive keyring missing: ${KEYRING} (apt-get install debian-archive-keyring)`);
    const sources = SUITES.map((s) => `deb [signed-by=${KEYRING}] ${this.mirror} ${s} main`).join('\n');
    writeFileSync(join(this.root, 'sources.list'), sources + '\n');
    writeFileSync(this.confPath, aptConf(this.root));
  }

  /** Runs apt-get update on the private lists unless they are fresh (or `force`). */
  update(force = false): boolean {
    this.prepare();
    if (!force && this.listsAge() < LISTS_MAX_AGE_MS) return false;
    const r = this.apt('apt-get', ['update'], this.root);
    if (r.status !== 0 || /^(E|W): Failed to fetch/m.test(r.stderr)) {
      throw new AptError(`apt-get update (private lists, ${this.mirror}) failed:\n${tail(r.stderr || r.stdout)}`);
    }
    this.indexes.clear();
    return true;
  }

  /** The newest version of `name` in `suite`, or of a real package providing it. */
  find(name: string, suite: string): DebPackage | undefined {
    const idx = this.index(suite);
    return idx.byName.get(name) ?? idx.byProvides.get(name);
  }

  /**
   * `roots` from `suite`, plus the shared libraries (lib*) they need, recursively, from `libSuites`.
   * Non-library dependencies (adduser, systemd, ...) are skipped: only files are extracted, nothing is configured.
   */
  resolve(roots: string[], suite: string, libSuites: string[]): DebPackage[] {
    const chosen = new Map<string, DebPackage>();
    const queue: DebPackage[] = [];
    for (const name of roots) {
      const p = this.find(name, suite);
      if (!p) throw new AptError(`package ${name} not found in Debian ${suite}`);
      chosen.set(p.name, p);
      queue.push(p);
    }
    // No library suites: the caller wants just the named packages (e.g. a static Go binary).
    for (let p = libSuites.length > 0 ? queue.shift() : undefined; p; p = queue.shift()) {
      for (const group of parseDepends(p.depends)) {
        const pick = this.pickAlternative(group, chosen, libSuites, p);
        if (pick && !chosen.has(pick.name)) {
          chosen.set(pick.name, pick);
          queue.push(pick);
        }
      }
    }
    return [...chosen.values()];
  }

  private pickAlternative(group: Relation[], chosen: Map<string, DebPackage>, libSuites: string[], from: DebPackage): DebPackage | undefined {
    const have = group.find((r) => chosen.has(r.name) && relationHolds(chosen.get(r.name)!, r));
    if (have) return undefined;
    const libs = group.filter((r) => isSharedLibraryName(r.name));
    for (const r of libs) {
      for (const s of libSuites) {
        const p = this.find(r.name, s);
        if (p && relationHolds(p, r)) return p;
      }
    }
    if (libs.length > 0) {
      const want = libs.map(formatRelation).join(' | ');
      throw new AptError(`cannot satisfy ${want} (needed by ${from.name} ${from.version}) from ${libSuites.join(', ')}`);
    }
    return undefined;
  }

  /** Downloads missing .debs into the archive folder; returns their paths. */
  download(pkgs: DebPackage[]): string[] {
    this.prepare();
    const missing = pkgs.filter((p) => !existsSync(this.debPath(p)));
    if (missing.length > 0) {
      const r = this.apt('apt-get', ['download', ...missing.map((p) => `${p.name}=${p.version}`)], this.archives);
      const lost = missing.filter((p) => !existsSync(this.debPath(p)));
      if (r.status !== 0 || lost.length > 0) {
        throw new AptError(`apt-get download failed for ${lost.map((p) => `${p.name}=${p.version}`).join(' ') || 'some packages'}:\n${tail(r.stderr || r.stdout)}`);
      }
    }
    return pkgs.map((p) => this.debPath(p));
  }

  private debPath(p: DebPackage): string {
    // apt-get download names files name_version_arch.deb with the epoch colon escaped.
    return join(this.archives, `${p.name}_${p.version.replace(/:/g, '%3a')}_${p.arch}.deb`);
  }

  private listsAge(): number {
    let oldest = 0;
    for (const s of SUITES) {
      const f = join(this.root, 'state/lists', listFileName(this.mirror, s));
      if (!existsSync(f)) return Infinity;
      oldest = Math.max(oldest, Date.now() - statSync(f).mtimeMs);
    }
    return oldest;
  }

  private index(suite: string): SuiteIndex {
    let idx = this.indexes.get(suite);
    if (!idx) {
      const f = join(this.root, 'state/lists', listFileName(this.mirror, suite));
      if (!existsSync(f)) throw new AptError(`no package list for ${suite}: run update first`);
      idx = buildIndex(readFileSync(f, 'utf8'), suite);
      this.indexes.set(suite, idx);
    }
    return idx;
  }

  private apt(cmd: string, args: string[], cwd: string): { status: number; stdout: string; stderr: string } {
    const r = spawnSync(cmd, ['-c', this.confPath, '-q', ...args], {
      cwd, encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' }, maxBuffer: 64 << 20,
    });
    if (r.error) throw new AptError(`cannot run ${cmd}: ${r.error.message}`);
    return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  }
}

/** Extracts one .deb's files under `dir` (no maintainer scripts run). */
export function extractDeb(deb: string, dir: string): void {
  const r = spawnSync('dpkg-deb', ['-x', deb, dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new AptError(`dpkg-deb -x ${deb} failed: ${tail(r.stderr)}`);
}

/** Extracts only the named members (e.g. ./usr/bin/promtool) of a .deb. */
export function extractDebMembers(deb: string, dir: string, members: string[]): void {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('sh', ['-c', 'deb="$1" dir="$2"; shift 2; dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" "$@"', 'sh', deb, dir, ...members], { encoding: 'utf8' });
  if (r.status !== 0) throw new AptError(`extracting ${members.join(' ')} from ${deb} failed: ${tail(r.stderr)}`);
}

// Our own configuration is read after the machine's (-c), so #clear drops hooks that would act on the system.
function aptConf(root: string): string {
  return `Dir::Etc::SourceList "${root}/sources.list";
Dir::Etc::SourceParts "${root}/sources.list.d";
Dir::Etc::Preferences "/dev/null";
Dir::Etc::PreferencesParts "${root}/sources.list.d";
Dir::State "${root}/state";
Dir::State::status "${root}/state/status";
Dir::Cache "${root}/cache";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::GzipIndexes "false";
Acquire::Languages "none";
Acquire::Retries "3";
Acquire::http::Timeout "30";
APT::Architecture "${ARCH}";
#clear APT::Architectures;
APT::Architectures { "${ARCH}"; };
Debug::NoLocking "true";
#clear APT::Update::Pre-Invoke;
#clear APT::Update::Post-Invoke;
#clear APT::Update::Post-Invoke-Success;
#clear Acquire::IndexTargets::deb::DEP-11;
#clear Acquire::IndexTargets::deb::DEP-11-icons;
#clear Acquire::IndexTargets::deb::DEP-11-icons-small;
#clear Acquire::IndexTargets::deb::DEP-11-icons-large;
#clear Acquire::IndexTargets::deb::DEP-11-icons-hidpi;
#clear Acquire::IndexTargets::deb::DEP-11-icons-large-hidpi;
#clear Acquire::IndexTargets::deb::Contents-deb;
`;
}

function listFileName(mirror: string, suite: string): string {
  // apt's naming: URI without scheme, '/' -> '_', then dists_<suite>_main_binary-<arch>_Packages.
  const base = mirror.replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '').replace(/\//g, '_');
  return `${base}_dists_${suite}_main_binary-${ARCH}_Packages`;
}

interface SuiteIndex {
  byName: Map<string, DebPackage>;
  byProvides: Map<string, DebPackage>;
}

function buildIndex(text: string, suite: string): SuiteIndex {
  const byName = new Map<string, DebPackage>();
  const byProvides = new Map<string, DebPackage>();
  for (const stanza of text.split('\n\n')) {
    const p = parseStanza(stanza, suite);
    if (!p) continue;
    const old = byName.get(p.name);
    if (!old || compareDebVersions(p.version, old.version) > 0) byName.set(p.name, p);
    for (const group of parseDepends(p.provides)) {
      for (const r of group) if (!byProvides.has(r.name)) byProvides.set(r.name, p);
    }
  }
  return { byName, byProvides };
}

const WANTED_FIELDS = new Set(['Package', 'Version', 'Architecture', 'Depends', 'Pre-Depends', 'Provides']);

function parseStanza(stanza: string, suite: string): DebPackage | null {
  const fields = new Map<string, string>();
  let current = '';
  for (const line of stanza.split('\n')) {
    if (line.startsWith(' ') || line.startsWith('\t')) {
      // Continuation of a folded field.
      if (fields.has(current)) fields.set(current, `${fields.get(current)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    current = line.slice(0, colon);
    if (WANTED_FIELDS.has(current)) fields.set(current, line.slice(colon + 1).trim());
  }
  const name = fields.get('Package');
  if (!name) return null;
  const depends = [fields.get('Pre-Depends'), fields.get('Depends')].filter(Boolean).join(', ');
  return { name, version: fields.get('Version') ?? '', suite, arch: fields.get('Architecture') ?? ARCH, depends, provides: fields.get('Provides') ?? '' };
}

interface Relation {
  name: string;
  op?: string;
  version?: string;
}

/** "a (>= 1), b | c:any" -> [[a>=1], [b, c]] */
function parseDepends(text: string): Relation[][] {
  if (!text.trim()) return [];
  return text.split(',').map((group) =>
    group.split('|').map((alt) => {
      const m = /^\s*([^\s(:]+)(?::\S+)?\s*(?:\(\s*([<>=]+)\s*([^)\s]+)\s*\))?/.exec(alt);
      if (!m) throw new AptError(`cannot parse dependency "${alt}"`);
      return { name: m[1], op: m[2], version: m[3] };
    }),
  );
}

// Debian names shared-library packages lib<name><soversion>; lib*-bin, -common, libjs-* hold no .so files we load.
function isSharedLibraryName(name: string): boolean {
  return name.startsWith('lib') && !name.startsWith('libjs-') && !/-(bin|common|data|dev|doc|utils)$/.test(name);
}

function relationHolds(p: DebPackage, r: Relation): boolean {
  // A package found through Provides only satisfies unversioned relations.
  if (p.name !== r.name) return !r.op;
  return !r.op || !r.version || satisfies(p.version, r.op, r.version);
}

function formatRelation(r: Relation): string {
  return r.op ? `${r.name} (${r.op} ${r.version})` : r.name;
}

function tail(text: string, lines = 15): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}
