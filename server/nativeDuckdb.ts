// For the compiled binary: puts the embedded libduckdb.so on disk once and loads it, so DuckDB's addon finds it already in the process.
import { dlopen } from 'bun:ffi';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * duckdb.node links against libduckdb.so by name. Bun can run an embedded .node file, but the dynamic
 * linker cannot read a library out of the executable, so the library is written to a cache directory
 * (keyed by its content hash, so upgrades never mix versions) and loaded first: the addon's dependency
 * is then satisfied by the copy already loaded. Returns the library path and DuckDB's version.
 */
export async function loadEmbeddedDuckdb(embeddedPath: string, hash: string, size: number): Promise<{ path: string; version: string }> {
  const name = `libduckdb-${hash}.so`;
  const errors: string[] = [];
  for (const dir of cacheDirs()) {
    const path = join(dir, name);
    try {
      if (!isUsable(path, size)) {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const tmp = `${path}.${process.pid}.tmp`;
        writeInChunks(tmp, new Uint8Array(await Bun.file(embeddedPath).arrayBuffer()));
        renameSync(tmp, path);
        chmodSync(path, 0o500);
      }
      const lib = dlopen(path, { duckdb_library_version: { args: [], returns: 'cstring' } });
      return { path, version: String(lib.symbols.duckdb_library_version()) };
    } catch (e) {
      errors.push(`${dir}: ${(e as Error).message}`);
    }
  }
  throw new Error(`cannot unpack DuckDB's library (set SKYSCOPE_CACHE_DIR to a writable folder): ${errors.join('; ')}`);
}

/**
 * Writes in 64 KiB pieces rather than one 70 MB write. On kernels whose page cache uses large folios for
 * the file system (ext4 since Linux 6.16), one big write leaves the file cached in large folios, and a
 * page fault in the mapped library then maps the whole folio: the process counted 52 MB of the library as
 * resident instead of the 31 MB it touches (test/bench binary-rss). 64 KiB is the kernel's fault-around size.
 */
function writeInChunks(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w', 0o500);
  try {
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, Math.min(chunkBytes, bytes.length - at));
  } finally {
    closeSync(fd);
  }
}
const chunkBytes = 64 * 1024;

function cacheDirs(): string[] {
  const dirs: string[] = [];
  if (process.env.SKYSCOPE_CACHE_DIR) dirs.push(process.env.SKYSCOPE_CACHE_DIR);
  if (process.env.XDG_CACHE_HOME) dirs.push(join(process.env.XDG_CACHE_HOME, 'skyscope'));
  try {
    dirs.push(join(homedir(), '.cache', 'skyscope'));
  } catch {
    // no home directory: the temp folder below still works
  }
  dirs.push(join(tmpdir(), `skyscope-${process.getuid?.() ?? 'user'}`));
  return dirs;
}

/** A cached copy is used only if it is ours, not writable by others and complete; anything else is rewritten. */
function isUsable(path: string, size: number): boolean {
  if (!existsSync(path)) return false;
  const st = statSync(path);
  const mine = process.getuid === undefined || st.uid === process.getuid();
  return mine && (st.mode & 0o022) === 0 && st.size === size;
}
