// Binary-safe blobs for the key browser: bytes to {text, hex, bytes, binary, truncated} and back from {text} | {hex}.

export interface BlobJson {
  text: string;
  hex: string;
  bytes: number;
  binary: boolean;
  truncated: boolean;
}

/** Values are shown up to this many bytes unless the caller pages (a key's hex is always whole: see keyBlob). */
export const shownValueBytes = 4096;
const shownKeyBytes = 256;

/**
 * `shown` bytes of `buf` as UTF-8 text (or printable ASCII with \xHH escapes when not valid UTF-8) and as hex.
 * `total` is the whole value's size when `buf` is already a window of it (GETRANGE), so truncated says more exists.
 */
export function blobJson(buf: Uint8Array, shown = shownValueBytes, total = buf.length, wholeHex = false): BlobJson {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const cut = b.length > shown;
  const part = cut ? b.subarray(0, shown) : b;
  let text: string;
  let binary = false;
  try {
    // Decide on the whole buffer: a cut in the middle of a UTF-8 sequence must not make text look binary.
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    text = new TextDecoder('utf-8').decode(part).replace(/\uFFFD$/, '');
  } catch {
    binary = true;
    text = Array.from(part, (x) => (x >= 0x20 && x < 0x7f && x !== 0x5c ? String.fromCharCode(x) : `\\x${x.toString(16).padStart(2, '0')}`)).join('');
  }
  return { text, hex: (wholeHex ? b : part).toString('hex'), bytes: total, binary, truncated: cut || total > b.length };
}

/** A key: text cut at 256 bytes, hex always whole so it can be sent back. */
export function keyBlob(key: Uint8Array): BlobJson {
  return blobJson(key, shownKeyBytes, key.length, true);
}

export class BlobInputError extends Error {
  constructor(readonly param: string, message: string) {
    super(`${param}: ${message}`);
  }
}

/** {text} | {hex} (or a plain string, taken as text) to bytes; `name` names the parameter in the error. */
export function blobInput(name: string, v: unknown, allowEmpty = true): Buffer {
  let out: Buffer | undefined;
  if (typeof v === 'string') out = Buffer.from(v, 'utf8');
  else if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (typeof o['hex'] === 'string') out = hexInput(name, o['hex']);
    else if (typeof o['text'] === 'string') out = Buffer.from(o['text'], 'utf8');
  }
  if (!out) throw new BlobInputError(name, 'must be {"text": "..."} or {"hex": "..."}');
  if (!allowEmpty && out.length === 0) throw new BlobInputError(name, 'must not be empty');
  return out;
}

/** Hex text to bytes, refusing odd lengths and non-hex characters (Buffer.from would silently stop at them). */
export function hexInput(name: string, hex: string): Buffer {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new BlobInputError(name, 'must be hex (an even number of 0-9a-f characters)');
  return Buffer.from(hex, 'hex');
}
