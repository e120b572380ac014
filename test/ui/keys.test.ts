// The key browser's pure parts: compact keys, the tree by separator, the virtual list's window (a million rows), hex dumps, inputs and estimates.
import { expect, test } from 'bun:test';
import {
  addToTree, blobInput, blobOfHex, compactKey, createTree, estimate, formatTtl, hexDump, keyBlob, keyHex, lengthText, pathsTo, scanProgress, scrollToRow,
  loadWhole, treeRows, virtualWindow, type ListedKey,
} from '../../ui/lib/keys.js';

const blob = (text: string) => ({ text, hex: Buffer.from(text).toString('hex'), bytes: Buffer.byteLength(text), binary: false, truncated: false });
const listed = (text: string, type = 'string'): ListedKey => compactKey({ key: blob(text), node: '127.0.0.1:7000', type });

test('a listed key keeps its hex only when the text cannot give it back', () => {
  const k = listed('user:1');
  expect(k.hex).toBeUndefined();
  expect(keyHex(k)).toBe(Buffer.from('user:1').toString('hex'));
  expect(keyHex(listed('ключ'))).toBe(Buffer.from('ключ').toString('hex'));
  const bin = compactKey({ key: { text: '\\x00\\xffA', hex: '00ff41', bytes: 3, binary: true, truncated: false }, node: null });
  expect(bin.hex).toBe('00ff41');
  expect(keyBlob(bin)).toEqual({ text: '\\x00\\xffA', hex: '00ff41', bytes: 3, binary: true, truncated: false });
});

test('the tree files keys into folders by separator, folders first, counts of every key under a folder', () => {
  const t = createTree(':');
  addToTree(t, ['user:2:name', 'user:1:name', 'user:1:age', 'cart:9', 'plain', 'user:10'].map((s) => listed(s)));
  let rows = treeRows(t, new Set());
  expect(rows.map((r) => (r.kind === 'folder' ? `${r.name}/${r.count}` : r.name))).toEqual(['cart/1', 'user/4', 'plain']);
  rows = treeRows(t, new Set(['user:', 'user:1:']));
  expect(rows.map((r) => `${'  '.repeat(r.depth)}${r.kind === 'folder' ? r.path : r.name}`)).toEqual([
    'cart:', 'user:', '  user:1:', '    age', '    name', '  user:2:', '  10', 'plain',
  ]);
  // Keys arriving later land in their folders; a new separator is a new tree.
  addToTree(t, [listed('user:1:zip'), listed('aaa:1')]);
  rows = treeRows(t, new Set(['user:', 'user:1:']));
  expect(rows.filter((r) => r.kind === 'key' && r.depth === 2).map((r) => r.name)).toEqual(['age', 'name', 'zip']);
  expect(rows[0]!.kind === 'folder' && rows[0]!.name).toBe('aaa');
  const dots = createTree('.');
  addToTree(dots, [listed('a.b'), listed('a:b')]);
  expect(treeRows(dots, new Set()).map((r) => r.name)).toEqual(['a', 'a:b']);
  expect(pathsTo('user:1:name')).toEqual(['user:', 'user:1:']);
});

test('a million keys: the tree is built and listed fast, and the virtual window renders only a screenful', () => {
  const keys: ListedKey[] = [];
  for (let i = 0; i < 1_000_000; i++) keys.push({ text: `tenant:${i % 100}:session:${i}`, bytes: 0, node: null, type: 'string' });
  const t0 = performance.now();
  const t = createTree(':');
  for (let i = 0; i < keys.length; i += 1000) addToTree(t, keys.slice(i, i + 1000));
  const built = performance.now() - t0;
  const collapsed = treeRows(t, new Set());
  expect(collapsed.length).toBe(1);
  expect(collapsed[0]!.kind === 'folder' && collapsed[0]!.count).toBe(1_000_000);
  const t1 = performance.now();
  const open = treeRows(t, new Set(['tenant:', ...Array.from({ length: 100 }, (_, i) => `tenant:${i}:`), ...Array.from({ length: 100 }, (_, i) => `tenant:${i}:session:`)]));
  const listedMs = performance.now() - t1;
  expect(open.length).toBe(1 + 100 * 2 + 1_000_000);
  // Generous bounds for a shared, loaded machine; the point is seconds, not minutes.
  expect(built).toBeLessThan(8000);
  expect(listedMs).toBeLessThan(5000);

  const w = virtualWindow({ count: open.length, rowHeight: 22, scrollTop: 0, viewport: 660, overscan: 8 });
  expect(w.first).toBe(0);
  expect(w.last).toBe(30 + 8);
  // The spacer is capped (browsers limit element heights); the last row is still reachable at the bottom.
  expect(w.totalPx).toBe(15_000_000);
  const bottom = virtualWindow({ count: open.length, rowHeight: 22, scrollTop: w.totalPx - 660, viewport: 660, overscan: 0 });
  expect(bottom.last).toBe(open.length);
  expect(bottom.last - bottom.first).toBeLessThanOrEqual(31);
  // The last row sits at the bottom of the viewport.
  expect(bottom.top(open.length - 1) + 22).toBeCloseTo(w.totalPx, 0);
  // Half way down the scrollbar is half way through the list.
  const mid = virtualWindow({ count: open.length, rowHeight: 22, scrollTop: (w.totalPx - 660) / 2, viewport: 660, overscan: 0 });
  expect(Math.abs(mid.first - open.length / 2)).toBeLessThan(50);
});

test('small lists are not scaled; keyboard moves scroll the least needed', () => {
  const w = virtualWindow({ count: 100, rowHeight: 20, scrollTop: 200, viewport: 100, overscan: 2 });
  expect([w.first, w.last, w.totalPx, w.top(10)]).toEqual([8, 17, 2000, 200]);
  expect(scrollToRow({ index: 50, count: 100, rowHeight: 20, scrollTop: 0, viewport: 100 })).toBe(920);
  expect(scrollToRow({ index: 5, count: 100, rowHeight: 20, scrollTop: 920, viewport: 100 })).toBe(100);
  expect(scrollToRow({ index: 47, count: 100, rowHeight: 20, scrollTop: 920, viewport: 100 })).toBe(920);
  // Scaled: the last row brings the scrollbar to its end.
  const n = 1_000_000;
  expect(scrollToRow({ index: n - 1, count: n, rowHeight: 22, scrollTop: 0, viewport: 660 })).toBeCloseTo(15_000_000 - 660, 0);
});

test('hex dumps, value inputs, TTLs, lengths, progress and estimates', () => {
  expect(hexDump(Buffer.from('Hello, world!\x00\xff', 'latin1').toString('hex'))).toBe('00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 00 ff     Hello, world!..');
  expect(hexDump('41', 16).startsWith('00000010  41')).toBe(true);
  expect(blobInput('a b')).toEqual({ text: 'a b' });
  expect(blobInput('00 FF 41', 'hex')).toEqual({ hex: '00ff41' });
  expect(blobInput('0g', 'hex')).toBeUndefined();
  expect(blobInput('abc', 'hex')).toBeUndefined();
  expect(formatTtl(null)).toBe('persistent');
  expect(formatTtl(4500)).toBe('4.5 s');
  expect(formatTtl(3_725_000)).toBe('1 h 2 min');
  expect(formatTtl(2 * 86_400_000 + 4 * 3_600_000 + 5000)).toBe('2 d 4 h');
  expect(lengthText('hash', 20000)).toBe('20,000 fields');
  expect(lengthText('stream', 1)).toBe('1 entry');
  expect(lengthText('string', 2048)).toBe('2.0 KiB');
  expect(scanProgress(500, 1000, false)).toBe(0.5);
  expect(scanProgress(1200, 1000, false)).toBe(0.99);
  expect(scanProgress(0, 0, true)).toBe(1);
  expect(estimate({ estBytes: 100, estBytesLow: 80, estBytesHigh: 130 }, 'estBytes')).toEqual({ value: 100, low: 80, high: 130, pm: 30, range: true });
  expect(estimate({ estKeys: 5, estKeysLow: 5, estKeysHigh: 5 }, 'estKeys').range).toBe(false);
  expect(estimate({}, 'estKeys').value).toBeNull();
});

test('a cut element loads whole window by window from its hex, even when a window splits a UTF-8 character', async () => {
  const bytes = Buffer.from('ключ-'.repeat(1000));
  const asked: number[] = [];
  const fetchWindow = async ({ offset, bytes: n }: { offset: number; bytes: number }) => {
    asked.push(offset);
    const win = bytes.subarray(offset, offset + n);
    // Each window alone may not be valid UTF-8: its text is not to be trusted, only its hex.
    return { value: { text: '?', hex: win.toString('hex'), bytes: win.length, binary: true, truncated: true }, bytes: win.length, total: bytes.length };
  };
  const whole = await loadWhole(fetchWindow, 4095);
  expect(asked).toEqual([0, 4095, 8190]);
  expect(whole).toEqual({ text: 'ключ-'.repeat(1000), hex: bytes.toString('hex'), bytes: bytes.length, binary: false, truncated: false });
  // An element that shrank while it was read stops instead of looping.
  await expect(loadWhole(async () => ({ value: blob(''), bytes: 0, total: 10 }), 4)).rejects.toThrow('changed');
  expect(blobOfHex('00ff415c')).toEqual({ text: '\\x00\\xffA\\x5c', hex: '00ff415c', bytes: 4, binary: true, truncated: false });
});
