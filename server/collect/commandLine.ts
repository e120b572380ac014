// Turns a logged command's arguments into its name, a display line and a grouping pattern.

/**
 * Commands whose first argument names a subcommand, so "CONFIG GET" and "CONFIG SET" are told apart. The names
 * match INFO commandstats (cmdstat_config|get); DEBUG is not one there (no subcommands in COMMAND INFO).
 */
const containers = new Set([
  'acl', 'client', 'cluster', 'command', 'commandlog', 'config', 'function', 'hotkeys', 'latency', 'memory',
  'module', 'object', 'pubsub', 'script', 'slowlog', 'xgroup', 'xinfo',
]);

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/** "get", or "config|get" for a container's subcommand. */
export function commandName(args: Uint8Array[]): string {
  const first = args[0] ? (decode(args[0]) ?? '?').toLowerCase() : '';
  if (containers.has(first) && args[1]) {
    const sub = decode(args[1]);
    if (sub !== null && /^[a-z-]+$/i.test(sub)) return `${first}|${sub.toLowerCase()}`;
  }
  return first;
}

/**
 * One argument as redis-cli would let you type it back: bare when it is plain printable text, else in
 * double quotes with \\", \\\\, \\n, \\r, \\t and \\xHH escapes (every byte of invalid UTF-8 as \\xHH).
 */
export function quoteArg(bytes: Uint8Array): string {
  const text = decode(bytes);
  if (text !== null && text.length > 0 && /^[\x21-\x7e\u00a0-\uffff]+$/u.test(text) && !/["'\\]/.test(text)) return text;
  let out = '"';
  if (text !== null) {
    for (const ch of text) {
      const c = ch.codePointAt(0)!;
      if (ch === '"' || ch === '\\') out += `\\${ch}`;
      else if (ch === '\n') out += '\\n';
      else if (ch === '\r') out += '\\r';
      else if (ch === '\t') out += '\\t';
      else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
      else out += ch;
    }
  } else {
    for (const b of bytes) {
      if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
      else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
      else out += `\\x${b.toString(16).padStart(2, '0')}`;
    }
  }
  return `${out}"`;
}

/**
 * Longer lines are cut: the arguments are kept whole beside the line, and long lines (32 arguments of 128 bytes
 * make 4 KB) would make the text search read and the file keep four times as much for no more to find.
 */
export const maxLineChars = 1024;

/** The whole logged command for display and text search, with what the server cut said in place. */
export function commandLine(args: Uint8Array[], argsCut: number[], argsMore: number): string {
  const parts = args.map((a, i) => (argsCut[i] ? `${quoteArg(a)}…(+${argsCut[i]} bytes)` : quoteArg(a)));
  if (argsMore > 0) parts.push(`…(+${argsMore} more arguments)`);
  const line = parts.join(' ');
  return line.length > maxLineChars ? `${line.slice(0, maxLineChars)}…` : line;
}

/** Arguments shown in a pattern; later ones are folded into "…". */
const patternArgs = 4;
/** Longer arguments are values, not names: they become "?". */
const patternArgBytes = 40;

/**
 * The command with its arguments' variable parts folded, so entries that differ only by ids group together:
 * "GET user:1001" and "GET user:2002" are both "GET user:#". Numbers, hex ids and UUIDs become "#", long or
 * binary arguments "?". Cut or dropped arguments fold into the trailing "…".
 */
export function commandPattern(args: Uint8Array[], argsMore = 0): string {
  if (args.length === 0) return '';
  const name = commandName(args);
  const words = name.split('|').map((w) => w.toUpperCase());
  const rest = args.slice(words.length);
  const shown = rest.slice(0, patternArgs).map(foldArg);
  if (rest.length > patternArgs || argsMore > 0) shown.push('…');
  return [...words, ...shown].join(' ');
}

function foldArg(bytes: Uint8Array): string {
  const text = decode(bytes);
  if (text === null || bytes.length > patternArgBytes) return '?';
  if (text === '') return '""';
  if (/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return '#';
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '#')
    .replace(/(?<![0-9a-z])[0-9a-f]{8,}(?![0-9a-z])/gi, (m) => (/\d/.test(m) ? '#' : m))
    .replace(/\d+/g, '#')
    .replace(/\s/g, '_');
}
