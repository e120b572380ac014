// The key browser's pure parts: compact listed keys, the key tree by separator, the virtual list's window, hex dumps, TTLs and value inputs.
import { formatBytes, formatNumber } from './format.js';

/** Listing stops here and says so: a browser tab holds about this many keys comfortably (narrow MATCH for more). */
export const MAX_LISTED = 1_000_000;

const utf8 = new TextEncoder();

/** Hex of a string's UTF-8 bytes. */
export function textHex(text) {
  let s = '';
  for (const b of utf8.encode(text)) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}

/**
 * A listed key kept small: a million of them stay in memory. The hex is dropped when the text says the same
 * (valid UTF-8, not cut); keyHex() gives it back.
 */
export function compactKey(entry) {
  const k = entry.key;
  const c = { text: k.text, bytes: k.bytes, node: entry.node ?? null, type: entry.type ?? null };
  if (k.binary) c.binary = true;
  if (k.truncated) c.truncated = true;
  if (k.binary || k.truncated) c.hex = k.hex;
  return c;
}

/** The exact bytes of a listed key (or any blob) as hex. */
export function keyHex(k) {
  return k.hex ?? textHex(k.text);
}

/** A listed key as the blob KeyText shows. */
export function keyBlob(k) {
  return { text: k.text, hex: keyHex(k), bytes: k.bytes, binary: !!k.binary, truncated: !!k.truncated };
}

// ---------- the tree ----------

function folder(name, path, depth) {
  return { name, path, depth, count: 0, sub: new Map(), leaves: [], sorted: null };
}

/** An empty key tree split by sep ('' or missing: ':'). */
export function createTree(sep = ':') {
  return { sep: sep || ':', root: folder('', '', -1), size: 0 };
}

/** Adds listed keys to the tree: "a:b:c" lands as leaf "c" in folder a > b. Folders count every key under them. */
export function addToTree(tree, keys) {
  const sep = tree.sep;
  for (const k of keys) {
    const parts = k.text.split(sep);
    let f = tree.root;
    f.count++;
    for (let i = 0; i < parts.length - 1; i++) {
      const name = parts[i];
      let next = f.sub.get(name);
      if (!next) {
        next = folder(name, f.depth < 0 ? name + sep : f.path + name + sep, f.depth + 1);
        f.sub.set(name, next);
      }
      f.sorted = null;
      f = next;
      f.count++;
    }
    f.leaves.push({ name: parts[parts.length - 1], key: k });
    f.sorted = null;
  }
  tree.size += keys.length;
}

const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** A folder's children, folders first, each by name; cached until the folder changes (appending keeps sorting cheap). */
function children(f) {
  if (!f.sorted) {
    const folders = [...f.sub.values()].sort(byName);
    const leaves = f.leaves.sort(byName);
    f.sorted = { folders, leaves };
  }
  return f.sorted;
}

/**
 * The tree's visible rows: folders (open when their path is in `open`) and keys, depth first.
 * A row is {kind: 'folder', name, path, depth, count, open} or {kind: 'key', name, depth, key}.
 */
export function treeRows(tree, open) {
  const rows = [];
  const walk = (f) => {
    const { folders, leaves } = children(f);
    const depth = f.depth + 1;
    for (const c of folders) {
      const isOpen = open.has(c.path);
      rows.push({ kind: 'folder', name: c.name, path: c.path, depth, count: c.count, open: isOpen });
      if (isOpen) walk(c);
    }
    for (const l of leaves) rows.push({ kind: 'key', name: l.name, depth, key: l.key });
  };
  walk(tree.root);
  return rows;
}

/** The folder paths that lead to a key's text, so selecting a key from the URL can open its branch. */
export function pathsTo(text, sep = ':') {
  const parts = text.split(sep || ':');
  const out = [];
  let p = '';
  for (let i = 0; i < parts.length - 1; i++) {
    p += parts[i] + (sep || ':');
    out.push(p);
  }
  return out;
}

// ---------- the virtual list ----------

/** Browsers cap an element's height (Firefox near 17.9M px); taller lists scroll a scaled spacer. */
export const MAX_SCROLL_PX = 15_000_000;

/**
 * Which rows a fixed-row-height list shows at a scroll position, and where: only these are in the DOM.
 * Returns {first, last (exclusive), totalPx, top(i) => px of row i inside the scrolled content}.
 */
export function virtualWindow({ count, rowHeight, scrollTop, viewport, overscan = 8, maxPx = MAX_SCROLL_PX }) {
  const full = count * rowHeight;
  const totalPx = Math.min(full, maxPx);
  const view = Math.max(0, viewport);
  // Scaled: the spacer is shorter than the rows, so a scroll position maps to a proportional place in the list.
  const room = totalPx - view;
  const clampedTop = Math.max(0, Math.min(scrollTop, Math.max(0, room)));
  const virtualTop = room > 0 && full > totalPx ? (clampedTop * (full - view)) / room : clampedTop;
  const first = Math.max(0, Math.floor(virtualTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((virtualTop + view) / rowHeight) + overscan);
  const top = (i) => clampedTop + (i * rowHeight - virtualTop);
  return { first, last, totalPx, top };
}

/** The scrollTop that brings row i into view (the least movement), for keyboard navigation. */
export function scrollToRow({ index, count, rowHeight, scrollTop, viewport, maxPx = MAX_SCROLL_PX }) {
  const full = count * rowHeight;
  const totalPx = Math.min(full, maxPx);
  const room = totalPx - viewport;
  if (room <= 0) return 0;
  const scale = full > totalPx ? (full - viewport) / room : 1;
  const virtualTop = scrollTop * scale;
  let v = virtualTop;
  if (index * rowHeight < virtualTop) v = index * rowHeight;
  else if ((index + 1) * rowHeight > virtualTop + viewport) v = (index + 1) * rowHeight - viewport;
  return Math.max(0, Math.min(room, v / scale));
}

// ---------- values ----------

/** xxd-like lines: offset, 16 bytes in hex, printable ASCII. */
export function hexDump(hex, offset = 0) {
  const lines = [];
  for (let i = 0; i < hex.length; i += 32) {
    const chunk = hex.slice(i, i + 32);
    const bytes = chunk.match(/../g) ?? [];
    const hexPart = bytes.map((b, j) => (j === 8 ? ' ' : '') + b).join(' ');
    const ascii = bytes.map((b) => {
      const c = parseInt(b, 16);
      return c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
    }).join('');
    lines.push(`${(offset + i / 2).toString(16).padStart(8, '0')}  ${hexPart.padEnd(48)}  ${ascii}`);
  }
  return lines.join('\n');
}

/** Bytes (as hex) as a whole blob: UTF-8 text when valid, else printable ASCII with \xHH escapes, like the server's. */
export function blobOfHex(hex) {
  const bytes = new Uint8Array((hex.match(/../g) ?? []).map((h) => parseInt(h, 16)));
  let text;
  let binary = false;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    binary = true;
    text = Array.from(bytes, (x) => (x >= 0x20 && x < 0x7f && x !== 0x5c ? String.fromCharCode(x) : `\\x${x.toString(16).padStart(2, '0')}`)).join('');
  }
  return { text, hex, bytes: bytes.length, binary, truncated: false };
}

/**
 * An element read whole through /api/keys/element, window after window: `fetchWindow({offset, bytes})` answers one.
 * Assembled from the exact hex (a window may cut a UTF-8 character in two) and decoded once at the end.
 */
export async function loadWhole(fetchWindow, windowBytes) {
  let hex = '';
  let offset = 0;
  let total = Infinity;
  while (offset < total) {
    const w = await fetchWindow({ offset, bytes: windowBytes });
    total = w.total;
    if (w.bytes === 0 && offset < total) throw new Error('the element changed while it was read: load it again');
    hex += w.value.hex;
    offset += w.bytes;
  }
  return blobOfHex(hex);
}

/** A value typed by the user, as the API takes it: {text} or, in hex mode, {hex} (spaces allowed); undefined when not hex. */
export function blobInput(value, mode = 'text') {
  if (mode !== 'hex') return { text: value };
  const hex = value.replace(/\s+/g, '').toLowerCase();
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(hex)) return undefined;
  return { hex };
}

/** "persistent", "12 s", "3 h 5 min", "2 d 4 h": a TTL in ms as people read it. */
export function formatTtl(ms) {
  if (ms === null || ms === undefined) return 'persistent';
  if (ms < 0) return 'expired';
  const s = ms / 1000;
  if (s < 60) return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`;
  const units = [['d', 86400], ['h', 3600], ['min', 60], ['s', 1]];
  const out = [];
  let rest = Math.round(s);
  for (const [u, n] of units) {
    if (rest >= n) {
      out.push(`${Math.floor(rest / n)} ${u}`);
      rest %= n;
    }
    if (out.length === 2) break;
  }
  return out.join(' ');
}

/** Type names as listed and their short label colours (CSS class kt-<type>). */
export const KEY_TYPES = ['string', 'hash', 'list', 'set', 'zset', 'stream', 'ReJSON-RL'];

export function typeLabel(t) {
  if (!t) return '?';
  return t === 'ReJSON-RL' ? 'json' : t;
}

/** The length of a key in its type's words: "20,000 fields", "5 B". */
export function lengthText(type, n) {
  if (n === null || n === undefined) return '–';
  const words = { hash: 'field', list: 'item', set: 'member', zset: 'member', stream: 'entry' };
  if (type === 'string') return formatBytes(n);
  const w = words[type];
  if (!w) return formatNumber(n);
  return `${n.toLocaleString('en-US')} ${n === 1 ? w : w === 'entry' ? 'entries' : w + 's'}`;
}

/** Scan progress: the share of the keyspace scanned (SCAN may visit a key twice, so capped below 100% until complete). */
export function scanProgress(scanned, totalKeys, complete) {
  if (complete) return 1;
  if (!totalKeys) return 0;
  return Math.min(0.99, scanned / totalKeys);
}

/**
 * An estimate of an analysis row: row[name] with its 95% interval in row[name + 'Low'] / row[name + 'High']
 * (or row[name] = {value, low, high}). Returns {value, low, high, pm (the larger half-width), range}.
 */
export function estimate(row, name) {
  const v = row?.[name];
  let value = null;
  let low = row?.[name + 'Low'] ?? null;
  let high = row?.[name + 'High'] ?? null;
  if (typeof v === 'number') value = v;
  else if (v && typeof v === 'object') {
    value = v.value ?? v.est ?? null;
    low = v.low ?? low;
    high = v.high ?? high;
  }
  const range = value !== null && low !== null && high !== null && high > low;
  return { value, low, high, pm: range ? Math.max(high - value, value - low) : null, range };
}

/** "Run 3 · 14:02:11 · user:*": a stored analysis run in a list. */
export function runLabel(r) {
  const parts = [`Run ${r.id}`];
  if (r.startedAt) {
    const d = new Date(r.startedAt * 1000);
    const pad = (n) => String(n).padStart(2, '0');
    parts.push(`${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`);
  }
  if (r.match && r.match !== '*') parts.push(r.match);
  return parts.join(' · ');
}
