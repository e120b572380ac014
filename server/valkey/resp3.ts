// An incremental, binary-exact RESP3 (and RESP2) reply parser for the CLI, producing its typed reply tree, bounded in size.
//
// Bytes are fed as they arrive (`push`); each whole top-level reply comes out of `next()`. Bulk payloads stay
// Buffers. Limits are applied while parsing, so a huge reply (KEYS * on millions of keys) is read through but only
// its first elements are kept: aggregates past the element budget are consumed and counted in `more`, and bulk
// payloads past `maxBulkBytes` are kept cut, with their full size in `size`.
//
// Attributes (`|`) are read and dropped (redis-cli does not print them either): the value that follows is the reply.

export type ReplyNode =
  | { t: 'simple'; v: string }
  /** size: the payload's full length when `v` was cut at maxBulkBytes. */
  | { t: 'bulk'; v: Buffer; size?: number }
  | { t: 'verbatim'; format: string; v: Buffer; size?: number }
  | { t: 'error'; v: string }
  /** A number when it is a safe integer, else its exact decimal text. */
  | { t: 'int'; v: number | string }
  | { t: 'nil' }
  /** The text the server sent: "1.5", "inf", "-inf", "nan" (JSON has no infinities). */
  | { t: 'double'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'bignum'; v: string }
  /** more: elements left out past the size limit. */
  | { t: 'array' | 'set' | 'push'; items: ReplyNode[]; more?: number }
  | { t: 'map'; entries: [ReplyNode, ReplyNode][]; more?: number };

export interface ReplyLimits {
  /** Elements kept in all aggregates of one reply together (a map entry counts as two); the rest counted in `more`. */
  maxItems: number;
  /** Bulk, verbatim and bulk error payloads are kept up to this many bytes. */
  maxBulkBytes: number;
}

export const defaultReplyLimits: ReplyLimits = { maxItems: 10_000, maxBulkBytes: 64 * 1024 };
export const unlimited: ReplyLimits = { maxItems: Infinity, maxBulkBytes: Infinity };

export class ProtocolError extends Error {}

/** An aggregate being filled: `left` children still to read, of which the first `keep` are stored. */
interface Frame {
  node: Extract<ReplyNode, { items: ReplyNode[] }> | Extract<ReplyNode, { t: 'map' }> | null;
  left: number;
  keep: number;
  /** Children read so far. */
  index: number;
  /** For a map: the key read, waiting for its value. */
  key?: ReplyNode;
  attribute: boolean;
}

const CR = 13;

export class Resp3Parser {
  private chunks: Buffer[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Bytes buffered in `chunks` (not yet joined into `buf`). */
  private chunked = 0;
  /** Bytes needed in buf past pos before parsing can go on (a bulk payload); 0: a line. */
  private need = 0;
  private stack: Frame[] = [];
  private budget: number;
  private readonly done: ReplyNode[] = [];

  constructor(private limits: ReplyLimits = defaultReplyLimits) {
    this.budget = limits.maxItems;
  }

  /** The limits for the next reply (they apply per top-level reply). */
  setLimits(limits: ReplyLimits): void {
    this.limits = limits;
    if (this.stack.length === 0) this.budget = limits.maxItems;
  }

  push(data: Buffer): void {
    this.chunks.push(data);
    this.chunked += data.length;
    // A big bulk arrives in many chunks: join them once, when it is all there.
    if (this.need > 0 && this.buf.length - this.pos + this.chunked < this.need) return;
    this.buf = Buffer.concat([this.buf.subarray(this.pos), ...this.chunks]);
    this.pos = 0;
    this.chunks = [];
    this.chunked = 0;
    this.need = 0;
    this.parse();
  }

  /** The next whole reply, or undefined while it has not all arrived. */
  next(): ReplyNode | undefined {
    return this.done.shift();
  }

  private line(): string | undefined {
    const end = this.buf.indexOf('\r\n', this.pos, 'latin1');
    if (end < 0) return undefined;
    const s = this.buf.toString('utf8', this.pos + 1, end);
    this.pos = end + 2;
    return s;
  }

  private parse(): void {
    for (;;) {
      if (this.pos >= this.buf.length) return;
      const start = this.pos;
      const type = String.fromCharCode(this.buf[this.pos]!);
      if (type === '$' || type === '=' || type === '!') {
        const end = this.buf.indexOf('\r\n', this.pos, 'latin1');
        if (end < 0) return;
        const len = lengthOf(this.buf.toString('latin1', this.pos + 1, end), type);
        if (len < 0) {
          this.pos = end + 2;
          this.value({ t: 'nil' });
          continue;
        }
        if (end + 2 + len + 2 > this.buf.length) {
          this.need = end + 2 + len + 2 - this.pos;
          return;
        }
        const body = this.buf.subarray(end + 2, end + 2 + len);
        if (this.buf[end + 2 + len] !== CR) throw new ProtocolError(`bulk payload of ${len} bytes not followed by CRLF`);
        this.pos = end + 2 + len + 2;
        if (this.dropping()) {
          // Past the element budget (a KEYS * of millions): counted, not copied.
          this.value({ t: 'nil' });
          continue;
        }
        const max = this.limits.maxBulkBytes;
        // A copy: the kept bytes must not pin the whole read buffer.
        const kept = Buffer.from(body.subarray(0, Math.min(len, max)));
        const size = len > max ? { size: len } : {};
        if (type === '$') this.value({ t: 'bulk', v: kept, ...size });
        else if (type === '!') this.value({ t: 'error', v: kept.toString('utf8') });
        else {
          // "txt:..." : a 3-letter format, a colon, the text.
          if (len < 4 || body[3] !== 0x3a) throw new ProtocolError('verbatim string without its format');
          this.value({ t: 'verbatim', format: body.toString('latin1', 0, 3), v: kept.subarray(4), ...(len > max ? { size: len - 4 } : {}) });
        }
        continue;
      }
      const text = this.line();
      if (text === undefined) {
        this.pos = start;
        return;
      }
      switch (type) {
        case '+':
          this.value({ t: 'simple', v: text });
          break;
        case '-':
          this.value({ t: 'error', v: text });
          break;
        case ':': {
          if (!/^[-+]?\d+$/.test(text)) throw new ProtocolError(`bad integer "${text}"`);
          const n = Number(text);
          this.value({ t: 'int', v: Number.isSafeInteger(n) ? n : BigInt(text).toString() });
          break;
        }
        case '_':
          this.value({ t: 'nil' });
          break;
        case ',':
          this.value({ t: 'double', v: text });
          break;
        case '#':
          if (text !== 't' && text !== 'f') throw new ProtocolError(`bad boolean "${text}"`);
          this.value({ t: 'bool', v: text === 't' });
          break;
        case '(':
          this.value({ t: 'bignum', v: text });
          break;
        case '*':
        case '~':
        case '>':
        case '%':
        case '|': {
          const n = lengthOf(text, type);
          if (n < 0) {
            this.value({ t: 'nil' });
            break;
          }
          const pairs = type === '%' || type === '|';
          const count = pairs ? n * 2 : n;
          // Inside an attribute or past what the parent keeps: read through, keep nothing.
          const dropped = type === '|' || this.dropping();
          // What is kept: whole map entries, within the budget of the reply.
          let keep = 0;
          if (!dropped) {
            keep = Math.max(0, Math.min(count, pairs ? Math.floor(this.budget / 2) * 2 : this.budget));
            this.budget -= keep;
          }
          const t = type === '*' ? 'array' : type === '~' ? 'set' : 'push';
          const node: Frame['node'] = dropped ? null : pairs ? { t: 'map', entries: [] } : { t, items: [] };
          if (node && keep < count) node.more = pairs ? (count - keep) / 2 : count - keep;
          const frame: Frame = { node, left: count, keep, index: 0, attribute: type === '|' };
          if (count === 0) this.close(frame);
          else this.stack.push(frame);
          break;
        }
        default:
          throw new ProtocolError(`unknown reply type byte 0x${this.buf[start]!.toString(16)}`);
      }
    }
  }

  /** Whether the value being read is thrown away: it is inside an attribute or past what its aggregate keeps. */
  private dropping(): boolean {
    const top = this.stack[this.stack.length - 1];
    return top !== undefined && (top.node === null || top.index >= top.keep);
  }

  /** An aggregate whose children are all read: it becomes a value of its parent (an attribute is dropped). */
  private close(frame: Frame): void {
    if (frame.attribute) return;
    this.value(frame.node ?? { t: 'nil' });
  }

  private value(v: ReplyNode): void {
    let node = v;
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      if (!top) {
        this.done.push(node);
        this.budget = this.limits.maxItems;
        return;
      }
      if (top.node && top.index < top.keep) {
        if (top.node.t === 'map') {
          if (top.key) {
            top.node.entries.push([top.key, node]);
            top.key = undefined;
          } else top.key = node;
        } else top.node.items.push(node);
      }
      top.index++;
      top.left--;
      if (top.left > 0) return;
      this.stack.pop();
      if (top.attribute) return;
      node = top.node ?? { t: 'nil' };
    }
  }
}

function lengthOf(text: string, type: string): number {
  if (!/^-?\d+$/.test(text)) throw new ProtocolError(`bad length "${text}" after "${type}"`);
  const n = Number(text);
  if (n < -1) throw new ProtocolError(`bad length ${n} after "${type}"`);
  return n;
}

/** One command as a RESP array of bulk strings. */
export function encodeCommand(argv: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) parts.push(Buffer.from(`$${a.length}\r\n`), a, Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

/** Parses a whole buffer of replies at once (tests, captures). */
export function parseReplies(data: Buffer, limits: ReplyLimits = defaultReplyLimits): ReplyNode[] {
  const p = new Resp3Parser(limits);
  p.push(data);
  const out: ReplyNode[] = [];
  for (let r = p.next(); r; r = p.next()) out.push(r);
  return out;
}

/**
 * The reply as RESP2 would have given it, the shape ioredis's callBuffer returns (for parsers written against RESP2
 * such as the COMMAND table): maps flattened to [k, v, ...], sets and pushes as arrays, doubles, big numbers and
 * simple strings as bytes, booleans as 1/0, errors as Error objects.
 */
export function toResp2(node: ReplyNode): unknown {
  switch (node.t) {
    case 'simple':
    case 'double':
    case 'bignum':
      return Buffer.from(node.v);
    case 'bulk':
    case 'verbatim':
      return node.v;
    case 'error':
      return new Error(node.v);
    case 'int':
      return typeof node.v === 'number' ? node.v : Number(node.v);
    case 'nil':
      return null;
    case 'bool':
      return node.v ? 1 : 0;
    case 'map':
      return node.entries.flatMap(([k, v]) => [toResp2(k), toResp2(v)]);
    default:
      return node.items.map(toResp2);
  }
}
