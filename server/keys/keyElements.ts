// One element of a hash, list or stream read whole in byte windows: sized first (refused over a cap), then HGET, LINDEX or XRANGE id id.
import { blobJson, keyBlob, type BlobJson } from './blobs.ts';
import { KeyError, type KeyNodes } from './keyNodes.ts';

export type ElementRef = { kind: 'hash'; field: Buffer } | { kind: 'list'; index: number } | { kind: 'stream'; id: string; field: Buffer };

export interface ElementWindow {
  value: BlobJson;
  offset: number;
  /** Bytes in this window. */
  bytes: number;
  /** The element's whole size. */
  total: number;
  /** True unless the window is the whole element. */
  truncated: boolean;
}

/**
 * HGET, LINDEX and XRANGE can only answer an element whole, so every window reads all of it: a bigger one is refused
 * rather than pulled into Skyscope's memory (an element may be up to 512 MB).
 */
export const maxElementBytes = 32 * 1024 * 1024;

// No command sizes a list item or a stream entry: these scripts measure it on the server and send back only numbers.
const listItemSize = "local v = redis.call('LINDEX', KEYS[1], ARGV[1]) if not v then return -1 end return #v";
const streamEntrySize = `local e = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #e == 0 then return {-1, -1} end
local all, field = 0, -1
local f = e[1][2]
for i = 1, #f, 2 do
  all = all + #f[i] + #f[i + 1]
  if f[i] == ARGV[2] then field = #f[i + 1] end
end
return {all, field}`;

/** A window [offset, offset + bytes) of one element; 404 when the key or the element is missing, 413 `too_big` over the cap. */
export async function readElement(nodes: KeyNodes, key: Buffer, node: string, ref: ElementRef, w: { offset: number; bytes: number }): Promise<ElementWindow> {
  try {
    const whole = await wholeElement(nodes, key, node, ref);
    return windowOf(whole, w.offset, w.bytes);
  } catch (e) {
    if (e instanceof Error && /WRONGTYPE/.test(e.message)) throw new KeyError('wrong_type', e.message);
    throw e;
  }
}

async function wholeElement(nodes: KeyNodes, key: Buffer, node: string, ref: ElementRef): Promise<Buffer> {
  const name = describe(key, ref);
  const size =
    ref.kind === 'hash'
      ? ['HSTRLEN', key, ref.field]
      : ref.kind === 'list'
        ? ['EVAL', listItemSize, '1', key, String(ref.index)]
        : ['EVAL', streamEntrySize, '1', key, ref.id, ref.field];
  const probe = ref.kind === 'hash' ? [['HEXISTS', key, ref.field]] : [];
  const { replies, node: at } = await nodes.pipeline(node, [['EXISTS', key], size, ...probe]);
  for (const [e] of replies) if (e) throw e;
  if (Number(replies[0]![1]) === 0) throw new KeyError('no_such_key', `no key ${keyBlob(key).text} on ${at}`);
  const sized = replies[1]![1];
  // A stream answer is [entry bytes, field bytes]: XRANGE reads the whole entry, so the entry is what must fit.
  const [readBytes, elementBytes] = Array.isArray(sized) ? sized.map(Number) : [Number(sized), Number(sized)];
  const missing = ref.kind === 'hash' ? Number(replies[2]![1]) === 0 : elementBytes! < 0;
  if (missing) throw new KeyError('not_found', `no ${name}`);
  if (readBytes! > maxElementBytes) {
    throw new KeyError(
      'too_big',
      `${name} is ${readBytes} bytes, over the ${maxElementBytes} bytes Skyscope reads: ${ref.kind === 'list' ? 'LINDEX' : ref.kind === 'hash' ? 'HGET' : 'XRANGE'} cannot read a part of it, and Skyscope does not pull such a value whole into memory`,
    );
  }
  return readWhole(nodes, key, at, ref, name);
}

async function readWhole(nodes: KeyNodes, key: Buffer, node: string, ref: ElementRef, name: string): Promise<Buffer> {
  if (ref.kind === 'hash' || ref.kind === 'list') {
    const args = ref.kind === 'hash' ? ['HGET', key, ref.field] : ['LINDEX', key, String(ref.index)];
    const v = (await nodes.call(node, args)).reply;
    // Gone between the size and the read.
    if (!Buffer.isBuffer(v)) throw new KeyError('not_found', `no ${name}`);
    return v;
  }
  const entries = (await nodes.call(node, ['XRANGE', key, ref.id, ref.id])).reply as [Buffer, Buffer[]][];
  const flat = entries[0]?.[1] ?? [];
  for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i]!.equals(ref.field)) return flat[i + 1]!;
  throw new KeyError('not_found', `no ${name}`);
}

function windowOf(whole: Buffer, offset: number, bytes: number): ElementWindow {
  const win = whole.subarray(Math.min(offset, whole.length), Math.min(offset + bytes, whole.length));
  const value = blobJson(win, bytes, win.length);
  const truncated = offset > 0 || offset + win.length < whole.length;
  value.truncated = truncated;
  return { value, offset, bytes: win.length, total: whole.length, truncated };
}

function describe(key: Buffer, ref: ElementRef): string {
  const k = keyBlob(key).text;
  if (ref.kind === 'hash') return `field ${keyBlob(ref.field).text} in hash ${k}`;
  if (ref.kind === 'list') return `item ${ref.index} in list ${k}`;
  return `field ${keyBlob(ref.field).text} of entry ${ref.id} in stream ${k}`;
}
