// Reads RESP2/RESP3 bytes in place, without building a reply tree: framing (where a whole reply ends) and typed reads.
//
// For big replies read often, such as CLUSTER SLOT-STATS (about 5,461 entries per primary every 10 s): ioredis turns
// each into some 10 MB of short-lived objects and Buffer views, enough to lift the process's RSS by that much each
// time. Reading the bytes where they lie leaves only the numbers the caller keeps.

const CR = 13;
const LF = 10;
const MINUS = 45;
const ZERO = 48;

/** One-byte type markers. */
export const T = {
  simple: 43, // +
  error: 45, // -
  int: 58, // :
  bulk: 36, // $
  array: 42, // *
  nil: 95, // _
  bool: 35, // #
  double: 44, // ,
  bignum: 40, // (
  bulkError: 33, // !
  verbatim: 61, // =
  map: 37, // %
  set: 126, // ~
  attribute: 124, // |
  push: 62, // >
} as const;

export class RespFormatError extends Error {}

/**
 * Where the reply starting at `at` ends (the offset just past it), or -1 while it has not all arrived. Walks the
 * headers only: nothing is allocated. Throws RespFormatError on bytes that are not RESP.
 */
export function replyEnd(buf: Uint8Array, at = 0): number {
  let pos = at;
  // Values still to read: aggregates add their children, an attribute adds its pairs and leaves its value due.
  let due = 1;
  while (due > 0) {
    if (pos >= buf.length) return -1;
    const type = buf[pos]!;
    const eol = lineEnd(buf, pos + 1);
    if (eol < 0) return -1;
    switch (type) {
      case T.simple:
      case T.error:
      case T.int:
      case T.nil:
      case T.bool:
      case T.double:
      case T.bignum:
        pos = eol + 2;
        due--;
        break;
      case T.bulk:
      case T.bulkError:
      case T.verbatim: {
        const len = intAt(buf, pos + 1, eol);
        pos = eol + 2;
        if (len >= 0) {
          if (pos + len + 2 > buf.length) return -1;
          if (buf[pos + len] !== CR || buf[pos + len + 1] !== LF) throw new RespFormatError(`bulk payload of ${len} bytes not followed by CRLF`);
          pos += len + 2;
        }
        due--;
        break;
      }
      case T.array:
      case T.set:
      case T.push:
      case T.map: {
        const n = intAt(buf, pos + 1, eol);
        pos = eol + 2;
        due--;
        if (n > 0) due += type === T.map ? 2 * n : n;
        break;
      }
      case T.attribute:
        due += 2 * intAt(buf, pos + 1, eol);
        pos = eol + 2;
        break;
      default:
        throw new RespFormatError(`not a RESP type byte: 0x${type.toString(16)} at ${pos}`);
    }
  }
  return pos;
}

/** A cursor over one whole reply, for parsers that know the shape they expect. */
export class RespReader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  /** The type byte of the next value, or -1 at the end. */
  peek(): number {
    return this.pos < this.buf.length ? this.buf[this.pos]! : -1;
  }

  /** Reads an aggregate header: its element count (a map's is its pairs × 2; nil is 0). */
  aggregate(what: string): number {
    const type = this.peek();
    if (type !== T.array && type !== T.map && type !== T.set && type !== T.push) throw new RespFormatError(`${what}: expected an aggregate, got ${typeName(type)}`);
    const n = this.header();
    return n < 0 ? 0 : type === T.map ? 2 * n : n;
  }

  /** Reads an integer, a double or a bulk or simple string holding a number; NaN when it holds something else. */
  number(what: string): number {
    const type = this.peek();
    if (type === T.int) return this.header();
    if (type === T.bulk || type === T.simple || type === T.double || type === T.bignum) {
      const [from, to] = this.text();
      return Number(latin1(this.buf, from, to));
    }
    throw new RespFormatError(`${what}: expected a number, got ${typeName(type)}`);
  }

  /**
   * Reads a bulk or simple string and tells which of `names` it is (its index, or -1), comparing bytes: no
   * string is made.
   */
  oneOf(names: readonly Uint8Array[], what: string): number {
    const type = this.peek();
    if (type !== T.bulk && type !== T.simple) throw new RespFormatError(`${what}: expected a string, got ${typeName(type)}`);
    const [from, to] = this.text();
    for (let i = 0; i < names.length; i++) if (bytesEqual(this.buf, from, to, names[i]!)) return i;
    return -1;
  }

  /** Skips one value, whatever it is. */
  skip(): void {
    const end = replyEnd(this.buf, this.pos);
    if (end < 0) throw new RespFormatError('reply cut short');
    this.pos = end;
  }

  /** The message of an error reply, or undefined when the next value is not an error. */
  error(): string | undefined {
    const type = this.peek();
    if (type !== T.error && type !== T.bulkError) return undefined;
    const [from, to] = this.text();
    return latin1(this.buf, from, to);
  }

  /** Reads a line header's integer (length, count or integer value) and moves past its CRLF. */
  private header(): number {
    const eol = lineEnd(this.buf, this.pos + 1);
    if (eol < 0) throw new RespFormatError('reply cut short');
    const n = intAt(this.buf, this.pos + 1, eol);
    this.pos = eol + 2;
    return n;
  }

  /** The byte range of a simple, error, double or bulk value's text; moves past it. */
  private text(): [number, number] {
    const type = this.peek();
    const eol = lineEnd(this.buf, this.pos + 1);
    if (eol < 0) throw new RespFormatError('reply cut short');
    if (type !== T.bulk && type !== T.bulkError) {
      const from = this.pos + 1;
      this.pos = eol + 2;
      return [from, eol];
    }
    const len = intAt(this.buf, this.pos + 1, eol);
    const from = eol + 2;
    if (len < 0 || from + len + 2 > this.buf.length) throw new RespFormatError(len < 0 ? 'unexpected nil' : 'reply cut short');
    this.pos = from + len + 2;
    return [from, from + len];
  }
}

/** Index of the CR of the CRLF ending the line that starts at `from`, or -1 when it has not arrived. */
function lineEnd(buf: Uint8Array, from: number): number {
  for (let i = from; i + 1 < buf.length; i++) if (buf[i] === CR) return buf[i + 1] === LF ? i : badLine(i);
  return -1;
}

function badLine(at: number): never {
  throw new RespFormatError(`CR without LF at ${at}`);
}

/** The decimal integer in buf[from, to): a length, count or integer reply. */
function intAt(buf: Uint8Array, from: number, to: number): number {
  let i = from;
  const negative = buf[i] === MINUS;
  if (negative) i++;
  if (i >= to) throw new RespFormatError(`empty number at ${from}`);
  let n = 0;
  for (; i < to; i++) {
    const d = buf[i]! - ZERO;
    if (d < 0 || d > 9) throw new RespFormatError(`not a number at ${from}`);
    n = n * 10 + d;
  }
  return negative ? -n : n;
}

function bytesEqual(buf: Uint8Array, from: number, to: number, name: Uint8Array): boolean {
  if (to - from !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (buf[from + i] !== name[i]) return false;
  return true;
}

function latin1(buf: Uint8Array, from: number, to: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + from, to - from).toString('latin1');
}

function typeName(type: number): string {
  return type < 0 ? 'the end of the reply' : `'${String.fromCharCode(type)}'`;
}
