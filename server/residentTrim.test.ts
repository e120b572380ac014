// Tests which mappings the trim drops, that dropping them lowers this process's RSS while it keeps running, and its schedule.
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { scheduleResidentTrim, trimmableMappings, trimResidentFilePages } from './residentTrim.ts';

const smapsBlock = (head: string, rssKb: number, anonKb: number) => `${head}\nSize:               1024 kB\nRss:                ${rssKb} kB\nPss:                ${rssKb} kB\nAnonymous:          ${anonKb} kB\nVmFlags: rd mr mw me\n`;

const fileKb = () => Number(/RssFile:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]);

describe('trimmableMappings', () => {
  test('only read-only private file mappings with no page written by the process', () => {
    const smaps = [
      smapsBlock('00400000-00500000 r-xp 00001000 fd:01 1234    /usr/bin/skyscope', 900, 0),
      smapsBlock('00500000-00600000 r--p 00101000 fd:01 1234    /usr/bin/skyscope', 300, 0),
      // relocations written at load time (RELRO): dropping would undo them
      smapsBlock('00600000-00610000 r--p 00201000 fd:01 1234    /usr/bin/skyscope', 64, 64),
      smapsBlock('00610000-00620000 rw-p 00211000 fd:01 1234    /usr/bin/skyscope', 64, 8),
      smapsBlock('7f0000000000-7f0000100000 rw-p 00000000 00:00 0 ', 1024, 1024),
      smapsBlock('7f0000100000-7f0000200000 r--s 00000000 fd:01 99    /dev/shm/shared', 16, 0),
      smapsBlock('7ffd00000000-7ffd00002000 r-xp 00000000 00:00 0                          [vdso]', 8, 0),
    ].join('');
    expect(trimmableMappings(smaps)).toEqual([
      { start: 0x400000n, end: 0x500000n, path: '/usr/bin/skyscope', rssKb: 900 },
      { start: 0x500000n, end: 0x600000n, path: '/usr/bin/skyscope', rssKb: 300 },
    ]);
  });

  test("this process's own mappings: Bun's code is among them, nothing writable is", () => {
    const own = trimmableMappings(readFileSync('/proc/self/smaps', 'utf8'));
    expect(own.some((m) => /bun/.test(m.path))).toBe(true);
    const maps = readFileSync('/proc/self/maps', 'utf8');
    for (const m of own) {
      const line = maps.split('\n').find((l) => l.startsWith(`${m.start.toString(16).padStart(8, '0')}-`))!;
      expect(line.split(' ')[1]).toMatch(/^r-[-x]p$/);
    }
  });
});

describe('trimResidentFilePages', () => {
  test("drops this process's resident code pages, and the process goes on running (they fault back in)", async () => {
    const before = fileKb();
    const t = await trimResidentFilePages();
    const after = fileKb();
    expect(t.mappings).toBeGreaterThan(0);
    expect(t.droppedKb).toBeGreaterThan(1024);
    expect(after).toBeLessThan(before - 1024);
    // Code that was dropped runs again: parsing, regexes, a native module, the file system.
    expect(JSON.parse(JSON.stringify({ a: [1, 2, { b: 'c' }] }))).toEqual({ a: [1, 2, { b: 'c' }] });
    expect(/(\d+)-(\d+)/.exec('12-34')?.slice(1)).toEqual(['12', '34']);
    expect(Bun.hash('skyscope')).toBe(Bun.hash('skyscope'));
    expect(readFileSync(import.meta.path, 'utf8')).toContain('trimResidentFilePages');
  });
});

describe('scheduleResidentTrim', () => {
  test('trims first after firstMs, then every everyMs, each time dropping pages that ran since; stops when told', async () => {
    const trims: { mappings: number; droppedKb: number }[] = [];
    const errors: Error[] = [];
    const stop = scheduleResidentTrim({ firstMs: 20, everyMs: 60, onTrim: (t) => trims.push(t), onError: (e) => errors.push(e) });
    await Bun.sleep(5);
    expect(trims).toHaveLength(0);
    while (trims.length < 3) {
      // Run code between trims, as the server does, so each trim has pages to drop.
      JSON.parse(JSON.stringify({ a: [1, 2, 3] }));
      await Bun.sleep(10);
    }
    stop();
    const stoppedAt = trims.length;
    await Bun.sleep(200);
    expect(trims.length).toBe(stoppedAt);
    expect(errors).toEqual([]);
    for (const t of trims) {
      expect(t.mappings).toBeGreaterThan(0);
      expect(t.droppedKb).toBeGreaterThan(0);
    }
  });

  test('a failing trim is reported once and not tried again', async () => {
    let calls = 0;
    const errors: Error[] = [];
    const stop = scheduleResidentTrim({
      firstMs: 1,
      everyMs: 20,
      onTrim: () => {
        throw new Error('no trim should succeed');
      },
      onError: (e) => errors.push(e),
      trim: async () => {
        calls++;
        throw new Error('madvise is not available');
      },
    });
    await Bun.sleep(150);
    stop();
    expect(calls).toBe(1);
    expect(errors.map((e) => e.message)).toEqual(['madvise is not available']);
  });
});
