// Parses one MONITOR line (`1700000000.123456 [0 127.0.0.1:5555] "GET" "key"`) back into binary-exact arguments.

/** One command as MONITOR reports it. */
export interface MonitorCommand {
  /** When the server ran it, unix seconds with microseconds. */
  ts: number;
  /** The database the client was in after the command (so `SELECT 1` reports 1). */
  db: number;
  /** `ip:port`, `[ipv6]:port`, `unix:<socket path>`, or `lua` for commands a script ran. */
  client: string;
  /**
   * Command name and arguments, byte for byte as the client sent them (AUTH passwords come as `(redacted)`).
   * An argument without escapes is a view into the line's bytes, not a copy.
   */
  args: Buffer[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SPACE = 0x20;
const OPEN = 0x5b;
const DOT = 0x2e;
const ZERO = 0x30;
const PLUS = 0x2b;
const CLIENT_END = Buffer.from('] "');

/**
 * The server writes each argument with sdscatrepr: quoted, with \\ \" \n \r \t \a \b and \xHH for any other byte
 * that is not printable ASCII, so the line itself is pure ASCII. A string should be the line read as latin1
 * (or ASCII); a leading `+` (the RESP status framing) is allowed. Lines that are not commands (`OK`, errors,
 * anything cut short) give undefined rather than an exception: this runs on every monitored command.
 */
export function parseMonitorLine(line: string | Buffer): MonitorCommand | undefined {
  const b = typeof line === 'string' ? Buffer.from(line, 'latin1') : line;
  const n = b.length;
  let p = n > 0 && b[0] === PLUS ? 1 : 0;

  // Timestamp: seconds '.' microseconds, read by hand (parseFloat needs a string copy).
  let seconds = 0;
  const start = p;
  for (; p < n; p++) {
    const d = b[p]! - ZERO;
    if (d < 0 || d > 9) break;
    seconds = seconds * 10 + d;
  }
  if (p === start || b[p] !== DOT) return undefined;
  let fraction = 0;
  let scale = 1;
  for (p++; p < n; p++) {
    const d = b[p]! - ZERO;
    if (d < 0 || d > 9) break;
    fraction = fraction * 10 + d;
    scale *= 10;
  }
  if (b[p] !== SPACE || b[p + 1] !== OPEN) return undefined;

  let db = 0;
  const dbStart = (p += 2);
  for (; p < n; p++) {
    const d = b[p]! - ZERO;
    if (d < 0 || d > 9) break;
    db = db * 10 + d;
  }
  if (p === dbStart || b[p] !== SPACE) return undefined;

  // The client ends at the first `] "`; an IPv6 peer ([::1]:6379) has a `]` but never followed by a space.
  const clientEnd = b.indexOf(CLIENT_END, p + 1);
  if (clientEnd < 0) return undefined;
  const client = b.toString('latin1', p + 1, clientEnd);

  const args: Buffer[] = [];
  p = clientEnd + 2;
  // Where the next backslash is, found once per stretch rather than once per argument.
  let nextEscape = b.indexOf(BACKSLASH, p);
  for (;;) {
    if (b[p] !== QUOTE) return undefined;
    const from = p + 1;
    const close = b.indexOf(QUOTE, from);
    if (close < 0) return undefined;
    if (nextEscape < 0 || nextEscape > close) {
      args.push(b.subarray(from, close));
      p = close + 1;
    } else {
      const end = unescapeInto(b, from, args);
      if (end < 0) return undefined;
      p = end + 1;
      nextEscape = b.indexOf(BACKSLASH, p);
    }
    if (p === n) break;
    if (b[p] !== SPACE) return undefined;
    p++;
  }
  return { ts: seconds + fraction / scale, db, client, args };
}

// Decoding goes through one reused buffer so each argument is then copied at its exact size.
let scratch = Buffer.allocUnsafe(4096);

/** Decodes one escaped argument starting at `from`; returns the index of its closing quote, or -1 if malformed. */
function unescapeInto(b: Buffer, from: number, args: Buffer[]): number {
  const n = b.length;
  // Escapes only shrink the text, so the rest of the line is always enough room.
  if (scratch.length < n - from) scratch = Buffer.allocUnsafe(n - from);
  const out = scratch;
  let o = 0;
  for (let p = from; p < n; p++) {
    const c = b[p]!;
    if (c === QUOTE) {
      args.push(Buffer.from(out.subarray(0, o)));
      return p;
    }
    if (c !== BACKSLASH) {
      out[o++] = c;
      continue;
    }
    const e = b[++p];
    switch (e) {
      case 0x5c: out[o++] = 0x5c; break; // \\
      case 0x22: out[o++] = 0x22; break; // \"
      case 0x6e: out[o++] = 0x0a; break; // \n
      case 0x72: out[o++] = 0x0d; break; // \r
      case 0x74: out[o++] = 0x09; break; // \t
      case 0x61: out[o++] = 0x07; break; // \a
      case 0x62: out[o++] = 0x08; break; // \b
      case 0x78: { // \xHH
        const hi = hexValue(b[p + 1]);
        const lo = hexValue(b[p + 2]);
        if (hi < 0 || lo < 0) return -1;
        out[o++] = (hi << 4) | lo;
        p += 2;
        break;
      }
      default:
        return -1;
    }
  }
  return -1;
}

function hexValue(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
