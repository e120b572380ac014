// The hash slot of a key (CRC16/XMODEM of the key, or of its {hash tag}, mod 16384), computed locally, binary-safe.

const table = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let b = 0; b < 8; b++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

export function crc16(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let crc = 0;
  for (let i = from; i < to; i++) crc = ((crc << 8) & 0xffff) ^ table[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** Only the part between the first `{` and the next `}` is hashed, when that part is not empty. */
export function keySlot(key: Uint8Array): number {
  const open = key.indexOf(0x7b);
  if (open !== -1) {
    const close = key.indexOf(0x7d, open + 1);
    if (close > open + 1) return crc16(key, open + 1, close) & 0x3fff;
  }
  return crc16(key) & 0x3fff;
}

/** The slot of a key given as text (its UTF-8 bytes); ASCII keys are hashed without encoding them first. */
export function keySlotOfText(key: string): number {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) > 0x7f) return keySlot(Buffer.from(key));
  const open = key.indexOf('{');
  const close = open >= 0 ? key.indexOf('}', open + 1) : -1;
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (let i = 0; i < hashed.length; i++) crc = ((crc << 8) & 0xffff) ^ table[((crc >> 8) ^ hashed.charCodeAt(i)) & 0xff]!;
  return crc & 0x3fff;
}
