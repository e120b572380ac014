// Finds every key of a command's arguments from COMMAND INFO key specs, so sampled commands can be counted per key.

/** Answers "which arguments are keys?" for the commands one COMMAND INFO (or COMMAND) reply describes. */
export interface CommandKeys {
  /** Positions in argv (0 is the command name) of every key, ascending; [] for unknown commands and keyless ones. */
  keyIndexes(argv: readonly Buffer[]): number[];
  /** The key arguments themselves, in argument order; a key named twice comes twice. */
  keysOf(argv: readonly Buffer[]): Buffer[];
  /** Whether the reply described this command (case-insensitive). */
  knows(name: string): boolean;
}

type BeginSearch =
  | { type: 'index'; index: number }
  /** startfrom < 0 searches backwards from the end. The keyword is kept in both cases to compare without allocating. */
  | { type: 'keyword'; lower: Buffer; upper: Buffer; startfrom: number };

type FindKeys =
  /** lastkey < 0 counts from the end; with limit > 1 it covers only 1/limit of the remaining arguments. */
  | { type: 'range'; lastkey: number; keystep: number; limit: number }
  | { type: 'keynum'; keynumidx: number; firstkey: number; keystep: number };

interface KeySpec {
  begin: BeginSearch;
  find: FindKeys;
}

interface CommandSpec {
  /** null when the server sent no key specs (before Redis 7) or none we can evaluate: use first/last/step. */
  specs: KeySpec[] | null;
  first: number;
  last: number;
  step: number;
  subcommands: Map<string, CommandSpec> | null;
}

/**
 * Builds the key finder from a COMMAND INFO or COMMAND reply as ioredis returns it (call or callBuffer, RESP2 arrays;
 * RESP3 maps work too). Entries are [name, arity, flags, first, last, step, acl, tips, key specs, subcommands]; older
 * servers stop after the legacy first/last/step. Nil entries (commands the server does not have) are skipped.
 *
 * What key specs cannot express is not guessed: the keys SORT's BY/GET patterns touch, SORT's STORE target
 * and anything a module marks "unknown" are not reported.
 */
export function commandKeys(reply: unknown): CommandKeys {
  if (!Array.isArray(reply)) throw new Error(`COMMAND INFO: expected an array, got ${typeof reply}`);
  const commands = new Map<string, CommandSpec>();
  for (const entry of reply) {
    const parsed = parseEntry(entry);
    if (parsed) commands.set(parsed.name, parsed.spec);
  }

  const lookup = (argv: readonly Buffer[]): CommandSpec | undefined => {
    if (argv.length === 0) return undefined;
    const command = commands.get(argv[0]!.toString('latin1').toLowerCase());
    if (!command?.subcommands) return command;
    // A container (OBJECT, MEMORY, XINFO ...) has no keys itself; its subcommands carry the specs.
    return argv.length > 1 ? command.subcommands.get(argv[1]!.toString('latin1').toLowerCase()) : undefined;
  };

  const keyIndexes = (argv: readonly Buffer[]): number[] => {
    const command = lookup(argv);
    return command ? indexesOf(command, argv) : [];
  };

  return {
    keyIndexes,
    keysOf: (argv) => keyIndexes(argv).map((i) => argv[i]!),
    knows: (name) => commands.has(name.toLowerCase()),
  };
}

function indexesOf(command: CommandSpec, argv: readonly Buffer[]): number[] {
  const out: number[] = [];
  if (!command.specs) {
    const last = command.last < 0 ? argv.length + command.last : command.last;
    if (command.first > 0) collect(out, command.first, last, command.step, argv.length);
    return out;
  }
  for (const spec of command.specs) applySpec(spec, argv, out);
  if (command.specs.length > 1) {
    // Specs overlap rarely but may come in any order (ZUNIONSTORE: destination, then the sources after numkeys).
    out.sort((a, b) => a - b);
    let w = 0;
    for (let r = 0; r < out.length; r++) if (r === 0 || out[r] !== out[r - 1]) out[w++] = out[r]!;
    out.length = w;
  }
  return out;
}

/** Follows the key-spec rules: begin_search finds where keys start, find_keys says how many and how spaced. */
function applySpec(spec: KeySpec, argv: readonly Buffer[], out: number[]): void {
  const argc = argv.length;
  let first: number;
  if (spec.begin.type === 'index') {
    first = spec.begin.index;
  } else {
    const at = findKeyword(argv, spec.begin);
    if (at < 0) return;
    first = at + 1;
  }

  const find = spec.find;
  if (find.type === 'range') {
    let last: number;
    if (find.lastkey >= 0) last = first + find.lastkey;
    else if (find.limit <= 1) last = argc + find.lastkey;
    // XREAD ... STREAMS k1 k2 id1 id2: the keys are the first half of what follows the keyword.
    else last = first + Math.floor((argc - first) / find.limit) + find.lastkey;
    collect(out, first, last, find.keystep, argc);
  } else {
    const at = first + find.keynumidx;
    if (at >= argc) return;
    const numkeys = parseCount(argv[at]!);
    if (numkeys < 0) return;
    const from = first + find.firstkey;
    collect(out, from, from + numkeys - 1, find.keystep, argc);
  }
}

function collect(out: number[], first: number, last: number, step: number, argc: number): void {
  // An argument count the server would reject with an arity error simply yields fewer keys.
  const stride = step > 0 ? step : 1;
  for (let i = first; i <= last && i < argc; i += stride) if (i > 0) out.push(i);
}

function findKeyword(argv: readonly Buffer[], begin: Extract<BeginSearch, { type: 'keyword' }>): number {
  const argc = argv.length;
  if (begin.startfrom >= 0) {
    for (let i = Math.max(begin.startfrom, 1); i < argc; i++) if (isKeyword(argv[i]!, begin)) return i;
  } else {
    for (let i = argc + begin.startfrom; i >= 1; i--) if (isKeyword(argv[i]!, begin)) return i;
  }
  return -1;
}

function isKeyword(arg: Buffer, begin: { lower: Buffer; upper: Buffer }): boolean {
  if (arg.length !== begin.lower.length) return false;
  for (let i = 0; i < arg.length; i++) if (arg[i] !== begin.lower[i] && arg[i] !== begin.upper[i]) return false;
  return true;
}

/** A non-negative decimal integer, or -1 (the server would reply with an error, so there are no keys to count). */
function parseCount(arg: Buffer): number {
  if (arg.length === 0 || arg.length > 15) return -1;
  let n = 0;
  for (const c of arg) {
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n;
}

// ---------- reading the reply ----------

function parseEntry(entry: unknown): { name: string; spec: CommandSpec } | undefined {
  if (!Array.isArray(entry) || entry.length < 6) return undefined;
  const fullName = text(entry[0]).toLowerCase();
  if (!fullName) return undefined;
  // Subcommands are named "container|sub".
  const name = fullName.slice(fullName.indexOf('|') + 1);
  const specs = entry.length > 8 ? parseKeySpecs(entry[8]) : null;
  let subcommands: Map<string, CommandSpec> | null = null;
  if (Array.isArray(entry[9]) && entry[9].length > 0) {
    subcommands = new Map();
    for (const sub of entry[9]) {
      const parsed = parseEntry(sub);
      if (parsed) subcommands.set(parsed.name, parsed.spec);
    }
  }
  return { name, spec: { specs, first: int(entry[3]), last: int(entry[4]), step: int(entry[5]), subcommands } };
}

/** The usable key specs; null when there are specs but none we understand, so the legacy range is used instead. */
function parseKeySpecs(value: unknown): KeySpec[] | null {
  if (!Array.isArray(value)) return null;
  const specs: KeySpec[] = [];
  for (const raw of value) {
    const f = fields(raw);
    const begin = parseBeginSearch(fields(f.get('begin_search')));
    const find = parseFindKeys(fields(f.get('find_keys')));
    if (begin && find) specs.push({ begin, find });
  }
  return specs.length > 0 || value.length === 0 ? specs : null;
}

function parseBeginSearch(f: Map<string, unknown>): BeginSearch | undefined {
  const spec = fields(f.get('spec'));
  switch (text(f.get('type'))) {
    case 'index':
      return { type: 'index', index: int(spec.get('index')) };
    case 'keyword': {
      const keyword = text(spec.get('keyword'));
      if (!keyword) return undefined;
      return { type: 'keyword', lower: Buffer.from(keyword.toLowerCase(), 'latin1'), upper: Buffer.from(keyword.toUpperCase(), 'latin1'), startfrom: int(spec.get('startfrom')) };
    }
    default:
      return undefined;
  }
}

function parseFindKeys(f: Map<string, unknown>): FindKeys | undefined {
  const spec = fields(f.get('spec'));
  switch (text(f.get('type'))) {
    case 'range':
      return { type: 'range', lastkey: int(spec.get('lastkey')), keystep: int(spec.get('keystep')), limit: int(spec.get('limit')) };
    case 'keynum':
      return { type: 'keynum', keynumidx: int(spec.get('keynumidx')), firstkey: int(spec.get('firstkey')), keystep: int(spec.get('keystep')) };
    default:
      return undefined;
  }
}

/** A flat [name, value, ...] array (RESP2), a Map or an object (RESP3) as one lookup (names are ASCII). */
export function fields(value: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (Array.isArray(value)) {
    for (let i = 0; i + 1 < value.length; i += 2) out.set(text(value[i]), value[i + 1]);
  } else if (value instanceof Map) {
    for (const [k, v] of value) out.set(text(k), v);
  } else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) out.set(k, v);
  }
  return out;
}

function text(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function int(value: unknown): number {
  const n = Number(text(value));
  return Number.isInteger(n) ? n : 0;
}
