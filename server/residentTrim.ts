// Once start-up is over and then every half minute, unmaps the clean pages of the executable and libraries that were run (Linux only).
//
// RSS counts every page of Bun's and DuckDB's code that was ever run in this process: module loading, the
// migrations and the first queries touch some 80 MB of it, and about a third is never run again (watching 6 nodes,
// 83 MB fell to 49 MB when trimmed and settled near 60 MB as running code came back). madvise(MADV_DONTNEED) on a
// read-only private file mapping only drops this process's page table entries: the pages stay in the page cache,
// and code still in use faults back in (a minor fault) the next time it runs. Mappings holding any page of their
// own (relocations written at load time) are left alone, since dropping those would undo the writes.
import { readFileSync } from 'node:fs';

export interface FileMapping {
  start: bigint;
  end: bigint;
  /** The mapped file's path. */
  path: string;
  /** Resident kB when smaps was read. */
  rssKb: number;
}

const MADV_DONTNEED = 4;

/** The read-only, private, file-backed mappings in /proc/<pid>/smaps text that hold no anonymous (written) page. */
export function trimmableMappings(smaps: string): FileMapping[] {
  const out: FileMapping[] = [];
  for (const block of smaps.split(/\n(?=[0-9a-f]+-[0-9a-f]+ )/)) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) [0-9a-f]+ \S+ (\d+) +(\S.*)$/.exec(block.split('\n', 1)[0]!);
    if (!head) continue;
    const [, start, end, perms, inode, path] = head as unknown as [string, string, string, string, string, string];
    // Private (p), not writable; inode 0 is anonymous memory or a kernel mapping ([vdso], [vvar]).
    if (perms[0] !== 'r' || perms[1] !== '-' || perms[3] !== 'p' || inode === '0') continue;
    const anonymous = /^Anonymous:\s+(\d+) kB/m.exec(block);
    if (!anonymous || anonymous[1] !== '0') continue;
    out.push({ start: BigInt(`0x${start}`), end: BigInt(`0x${end}`), path, rssKb: Number(/^Rss:\s+(\d+) kB/m.exec(block)?.[1] ?? 0) });
  }
  return out;
}

type Madvise = (start: bigint, length: bigint, advice: number) => number;
let boundMadvise: Promise<Madvise> | null = null;

/** libc's madvise, bound once for the process: each dlopen compiles a new call stub, and the trim runs every half minute. */
function libcMadvise(): Promise<Madvise> {
  boundMadvise ??= import('bun:ffi').then(({ dlopen }) => {
    const libc = dlopen('libc.so.6', { madvise: { args: ['u64', 'u64', 'i32'], returns: 'i32' } });
    return (start, length, advice) => libc.symbols.madvise(start, length, advice) as number;
  });
  return boundMadvise;
}

let trimmable: FileMapping[] | null = null;

const rssFileKb = () => Number(/^RssFile:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);

/**
 * Drops this process's resident pages of those mappings. Returns the kB of file-backed RSS that went, or throws when
 * it cannot (not Linux, no libc to call): the caller logs it, nothing else depends on it.
 *
 * The mappings are read from smaps once and kept: the executable's and libraries' read-only mappings do not change
 * once they are loaded, and smaps is some 80 KB of text to read and split every half minute.
 */
export async function trimResidentFilePages(): Promise<{ mappings: number; droppedKb: number }> {
  if (process.platform !== 'linux') throw new Error('only on Linux');
  const madvise = await libcMadvise();
  trimmable ??= trimmableMappings(readFileSync('/proc/self/smaps', 'utf8'));
  const before = rssFileKb();
  for (const m of trimmable) madvise(m.start, m.end - m.start, MADV_DONTNEED);
  return { mappings: trimmable.length, droppedKb: Math.max(0, before - rssFileKb()) };
}

export interface ResidentTrimSchedule {
  /** The first trim, once start-up's code has run. */
  firstMs: number;
  /** Then again at this period: the code a minute's work touches once (maintenance, a page of the UI) faults in and stays. */
  everyMs: number;
  onTrim: (t: { mappings: number; droppedKb: number }) => void;
  /** Called once, with the first failure; no trim is tried after it. */
  onError: (err: Error) => void;
  /** What one trim does (tests swap in a failing one). */
  trim?: typeof trimResidentFilePages;
}

/** Trims at `firstMs`, then every `everyMs` until stopped or a trim fails. Its timers never keep the process alive. */
export function scheduleResidentTrim(s: ResidentTrimSchedule): () => void {
  const trim = s.trim ?? trimResidentFilePages;
  let every: ReturnType<typeof setInterval> | null = null;
  let stopped = false;
  const stop = () => {
    stopped = true;
    clearTimeout(first);
    if (every) clearInterval(every);
  };
  const once = () =>
    trim().then(
      (t) => {
        if (!stopped) s.onTrim(t);
      },
      (err: unknown) => {
        if (stopped) return;
        stop();
        s.onError(err instanceof Error ? err : new Error(String(err)));
      },
    );
  const first = setTimeout(() => {
    void once();
    every = setInterval(() => void once(), s.everyMs);
    every.unref?.();
  }, s.firstMs);
  first.unref?.();
  return stop;
}
