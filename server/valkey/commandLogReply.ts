// Parses SLOWLOG / COMMANDLOG replies (entries, lengths) and the CONFIG GET settings of the logs.

export type CommandLogType = 'slow' | 'large-request' | 'large-reply';

export interface CommandLogArg {
  bytes: Buffer;
  /** bytes the server cut from this argument ("... (N more bytes)"), 0 if whole */
  moreBytes: number;
}

export interface CommandLogRecord {
  /** Per log type; continues after SLOWLOG/COMMANDLOG RESET, starts at 0 again when the server restarts. */
  id: number;
  /** unix seconds */
  ts: number;
  /** µs for slow, bytes for large-* */
  value: number;
  args: CommandLogArg[];
  /** arguments the server dropped past its limit ("... (N more arguments)"), 0 if none */
  argsMore: number;
  /** host:port of the client; '' when the server did not send it (before Redis 4). */
  client: string;
  clientName: string;
}

// slowlog.c (Redis, Valkey) and commandlog.c (Valkey 8.1+): an entry keeps at most 32 arguments, the 32nd
// replaced by "... (N more arguments)" where N = argc - 31 (the arguments it does not show), and an argument
// longer than 128 bytes becomes its first 128 bytes followed by "... (N more bytes)". Only these exact shapes are
// markers, so a client's own argument that happens to read "... (3 more bytes)" stays an argument.
const MAX_ARGC = 32;
const MAX_STRING = 128;
const MORE_ARGS = /^\.\.\. \((\d+) more arguments\)$/;
const MORE_BYTES = /^\.\.\. \((\d+) more bytes\)$/;

/** COMMANDLOG GET / SLOWLOG GET reply, RESP2, as returned by ioredis callBuffer (Buffers) — also accept strings. */
export function parseCommandLog(reply: unknown): CommandLogRecord[] {
  if (!Array.isArray(reply)) throw new Error(`command log: expected an array of entries, got ${describe(reply)}`);
  return reply.map((entry, i) => parseEntry(entry, i));
}

function parseEntry(entry: unknown, i: number): CommandLogRecord {
  const where = `command log entry ${i}`;
  // Redis 4+ and every Valkey send 6 fields; older servers sent the first 4.
  if (!Array.isArray(entry) || entry.length < 4) throw new Error(`${where}: expected an array of at least 4 fields, got ${describe(entry)}`);
  const [id, ts, value, rawArgs, client, clientName] = entry as unknown[];
  if (!Array.isArray(rawArgs)) throw new Error(`${where}: expected the arguments as an array, got ${describe(rawArgs)}`);
  const args = rawArgs.map((a, j) => {
    if (!Buffer.isBuffer(a) && typeof a !== 'string') throw new Error(`${where}: argument ${j} is ${describe(a)}, not a string`);
    return toBuffer(a);
  });
  let argsMore = 0;
  if (args.length === MAX_ARGC) {
    const m = MORE_ARGS.exec(args[MAX_ARGC - 1]!.toString('latin1'));
    if (m) {
      argsMore = Number(m[1]);
      args.pop();
    }
  }
  return {
    id: integer(id, `${where}: id`),
    ts: integer(ts, `${where}: timestamp`),
    value: integer(value, `${where}: value`),
    args: args.map(splitArg),
    argsMore,
    client: optionalText(client, `${where}: client`),
    clientName: optionalText(clientName, `${where}: client name`),
  };
}

function splitArg(b: Buffer): CommandLogArg {
  if (b.length > MAX_STRING) {
    const m = MORE_BYTES.exec(b.toString('latin1', MAX_STRING));
    if (m) return { bytes: b.subarray(0, MAX_STRING), moreBytes: Number(m[1]) };
  }
  return { bytes: b, moreBytes: 0 };
}

/** SLOWLOG LEN / COMMANDLOG LEN */
export function parseLogLength(reply: unknown): number {
  const n = integer(reply, 'log length');
  if (n < 0) throw new Error(`log length: negative (${n})`);
  return n;
}

/** CONFIG GET reply (flat [name, value, ...] array, RESP2) -> record. A RESP3 map (object or Map) is accepted too. */
export function parseConfigPairs(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (k: unknown, v: unknown) => {
    if (!isText(k) || !isText(v)) throw new Error(`CONFIG GET: expected string names and values, got ${describe(k)} = ${describe(v)}`);
    out[toBuffer(k).toString('utf8')] = toBuffer(v).toString('utf8');
  };
  if (Array.isArray(reply)) {
    if (reply.length % 2 !== 0) throw new Error(`CONFIG GET: expected name/value pairs, got ${reply.length} items`);
    for (let i = 0; i < reply.length; i += 2) put(reply[i], reply[i + 1]);
  } else if (reply instanceof Map) {
    for (const [k, v] of reply) put(k, v);
  } else if (reply !== null && typeof reply === 'object' && !Buffer.isBuffer(reply)) {
    for (const [k, v] of Object.entries(reply)) put(k, v);
  } else {
    throw new Error(`CONFIG GET: expected name/value pairs, got ${describe(reply)}`);
  }
  return out;
}

// Valkey 8.1+ names the slow log commandlog-execution-slower-than / commandlog-slow-execution-max-len and keeps
// the slowlog-* names as aliases (CONFIG GET slowlog-* still answers them); Redis and Valkey 8.0 have only slowlog-*.
const SETTINGS: { type: CommandLogType; threshold: string[]; maxLen: string[] }[] = [
  { type: 'slow', threshold: ['commandlog-execution-slower-than', 'slowlog-log-slower-than'], maxLen: ['commandlog-slow-execution-max-len', 'slowlog-max-len'] },
  { type: 'large-request', threshold: ['commandlog-request-larger-than'], maxLen: ['commandlog-large-request-max-len'] },
  { type: 'large-reply', threshold: ['commandlog-reply-larger-than'], maxLen: ['commandlog-large-reply-max-len'] },
];

/**
 * From CONFIG GET slowlog-* / commandlog-* pairs: per type, the threshold (µs or bytes; -1 = off) and max length;
 * only the types the server has. Any negative threshold turns a log off on the server, so it comes out as -1.
 */
export function logSettings(pairs: Record<string, string>): { type: CommandLogType; threshold: number; maxLen: number }[] {
  const out: { type: CommandLogType; threshold: number; maxLen: number }[] = [];
  for (const s of SETTINGS) {
    const thresholdName = s.threshold.find((n) => n in pairs);
    const maxLenName = s.maxLen.find((n) => n in pairs);
    if (thresholdName === undefined || maxLenName === undefined) continue;
    const threshold = integer(pairs[thresholdName], thresholdName);
    out.push({ type: s.type, threshold: threshold < 0 ? -1 : threshold, maxLen: integer(pairs[maxLenName], maxLenName) });
  }
  return out;
}

function integer(v: unknown, what: string): number {
  let n: number | undefined;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'bigint') n = Number(v);
  else if (isText(v)) {
    const s = toBuffer(v).toString('latin1');
    if (/^-?\d+$/.test(s)) n = Number(s);
  }
  if (n === undefined || !Number.isSafeInteger(n)) throw new Error(`${what}: expected an integer, got ${describe(v)}`);
  return n;
}

function optionalText(v: unknown, what: string): string {
  if (v === undefined || v === null) return '';
  if (!isText(v)) throw new Error(`${what}: expected a string, got ${describe(v)}`);
  return toBuffer(v).toString('utf8');
}

function isText(v: unknown): v is Buffer | string {
  return Buffer.isBuffer(v) || typeof v === 'string';
}

function toBuffer(v: Buffer | string): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8');
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (Buffer.isBuffer(v)) return `"${v.toString('utf8', 0, 40)}"`;
  if (typeof v === 'string') return `"${v.slice(0, 40)}"`;
  return typeof v === 'number' ? String(v) : typeof v;
}
