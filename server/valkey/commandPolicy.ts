// Decides from the server's own COMMAND INFO (flags, ACL categories) and COMMAND DOCS whether the CLI may run a command.
//
// The rules, in order (the first that applies wins):
//  1. refused (400): commands that would take over or desync the shared CLI connection:
//     - subscriptions: the `pubsub` flag together with `noscript` (SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and their UN-
//       forms; PUBLISH is `fast`, PUBSUB CHANNELS has no `noscript`);
//     - connection handshake and identity: the `no_auth` flag (AUTH, HELLO, QUIT, RESET);
//     - transactions: the `@transaction` category (MULTI/EXEC/WATCH make no sense across stateless HTTP calls that
//       share one connection);
//     - named, because no flag marks them: MONITOR, SYNC, PSYNC, REPLCONF (turn the connection into a stream),
//       SELECT, CLIENT REPLY, CLIENT TRACKING, CLIENT CACHING, SCRIPT DEBUG (change what the shared connection answers);
//     - blocking commands (`blocking` flag or `@blocking` category) whose timeout argument COMMAND DOCS does not
//       let us find (see blockingTimeout); the ones we can find are run with the timeout capped instead.
//  2. read-only (403 under --read-only): the `write` flag; `@admin`, `admin` or `@dangerous`, except the commands
//     that only read (the `readonly` flag, e.g. KEYS, SORT_RO) and the named introspection list below; `@scripting`
//     without `readonly` (EVAL and FCALL may write; EVAL_RO and FCALL_RO are `readonly`); publishing (`pubsub` +
//     `fast`: a side effect on every subscriber).
//     COMMAND INFO cannot tell CONFIG GET from CONFIG SET or CLIENT LIST from CLIENT KILL: every flavor gives them
//     the same flags and categories (test/fixtures/commands). So the admin commands that only read are named
//     (readIntrospection); an admin command not named there is treated as a write, so a new one fails closed.
//  3. confirmation (428): `@dangerous`, `admin` or `@admin` outside readIntrospection (FLUSHALL, KEYS, DEBUG,
//     SHUTDOWN, CONFIG SET, CLUSTER RESET/FAILOVER, SWAPDB, ACL ..., REPLICAOF, CLIENT KILL, MIGRATE, RESTORE, SORT);
//     writes with no key arguments at all (keyless `write` commands change a whole database or the server:
//     FLUSHDB, FUNCTION FLUSH/DELETE/LOAD/RESTORE); and SCRIPT FLUSH, named: it has the same flags, categories and
//     tips as SCRIPT LOAD (the tip `response_policy:all_succeeded` would also catch PING, MSET and CLIENT SETNAME).
//     The confirmation text names the command and its target.
//  4. Anything else runs. Unknown commands run too (the server answers "unknown command").
// Not used, on the evidence of the fixtures: `no_multi` (MULTI has it on Valkey 9, not on Redis 7.0) and tips.

/** One command or subcommand as COMMAND INFO describes it. */
export interface CommandMeta {
  /** Lower case; a subcommand as "config|get". */
  name: string;
  arity: number;
  flags: Set<string>;
  categories: Set<string>;
  tips: string[];
  /** Legacy first key position; 0 with no key specs = the command never takes keys. */
  firstKey: number;
  keySpecs: number;
  subcommands: Map<string, CommandMeta> | null;
}

/** Where a blocking command's timeout is, and its unit (COMMAND DOCS: a double is seconds, an integer milliseconds). */
export interface TimeoutArg {
  /** Position in argv. */
  index: number;
  unit: 's' | 'ms';
}

/** The top-level arguments of a command as COMMAND DOCS lists them (enough to find a timeout). */
export interface DocArgument {
  name: string;
  type: string;
  token?: string;
  flags: string[];
}

export type PolicyVerdict =
  | { kind: 'refused'; why: string }
  | { kind: 'allowed'; readOnlyWhy?: string; confirmWhy?: string; timeout?: TimeoutArg };

/** Longest a blocking command may block when run from the CLI. */
export const maxBlockSeconds = 5;

/**
 * @admin / @dangerous commands that only read server state. Named because COMMAND INFO gives them the same flags as
 * the commands next to them that change it (CONFIG GET / CONFIG SET). Subcommands named "help" are always reads.
 */
export const readIntrospection: ReadonlySet<string> = new Set([
  'info',
  'role',
  'lastsave',
  'config|get',
  'client|list',
  'client|info',
  'slowlog|get',
  'slowlog|len',
  'commandlog|get',
  'commandlog|len',
  'latency|latest',
  'latency|history',
  'latency|doctor',
  'latency|graph',
  'latency|histogram',
  'memory|doctor',
  'memory|stats',
  'memory|malloc-stats',
  'module|list',
  'cluster|replicas',
  'cluster|slaves',
  'cluster|count-failure-reports',
  'cluster|getslotmigrations',
  'acl|users',
  'acl|whoami',
  'acl|cat',
  'script|exists',
  'script|show',
  'function|list',
  'function|stats',
  'function|dump',
]);

/** Destructive commands whose COMMAND INFO looks like a harmless neighbour's (see the header). */
const destructiveUnflagged: ReadonlySet<string> = new Set(['script|flush']);

/** Commands that turn or bend the shared connection into something else; no flag marks these (see the header). */
const connectionTakeovers: ReadonlySet<string> = new Set(['monitor', 'sync', 'psync', 'replconf', 'select', 'client|reply', 'client|tracking', 'client|caching', 'script|debug']);

/** Parses a COMMAND or COMMAND INFO reply (RESP2 arrays as ioredis returns them; Buffers or strings). */
export function commandTable(reply: unknown): Map<string, CommandMeta> {
  if (!Array.isArray(reply)) throw new Error(`COMMAND: expected an array, got ${typeof reply}`);
  const out = new Map<string, CommandMeta>();
  for (const entry of reply) {
    const meta = parseEntry(entry);
    if (meta) out.set(meta.name, meta);
  }
  return out;
}

/** The command (or its subcommand, when it has them and argv names one) argv runs; undefined when the server does not know it. */
export function lookupCommand(table: Map<string, CommandMeta>, argv: readonly Uint8Array[]): CommandMeta | undefined {
  if (argv.length === 0) return undefined;
  const top = table.get(latin1(argv[0]!).toLowerCase());
  if (!top?.subcommands || argv.length < 2) return top;
  return top.subcommands.get(`${top.name}|${latin1(argv[1]!).toLowerCase()}`) ?? top;
}

/** The command's display name: "CONFIG SET", "GET". */
export function displayName(meta: CommandMeta): string {
  return meta.name.replace('|', ' ').toUpperCase();
}

/**
 * What the CLI does with argv. `meta` undefined (unknown to the server) is allowed: the server will refuse it.
 * `docs` are the command's top-level COMMAND DOCS arguments, needed only for blocking commands.
 */
export function policyFor(meta: CommandMeta | undefined, argv: readonly Uint8Array[], docs?: DocArgument[]): PolicyVerdict {
  if (!meta) return { kind: 'allowed' };
  const name = displayName(meta);
  const { flags, categories } = meta;
  if (flags.has('pubsub') && flags.has('noscript')) return { kind: 'refused', why: `${name} subscribes the connection to messages; use a client of your own for Pub/Sub` };
  if (flags.has('no_auth')) return { kind: 'refused', why: `${name} changes or ends the connection Skyscope shares between CLI calls` };
  if (categories.has('@transaction')) return { kind: 'refused', why: `${name}: transactions cannot span CLI calls (each call is one command on a shared connection)` };
  if (connectionTakeovers.has(meta.name)) return { kind: 'refused', why: `${name} would take over or change the connection Skyscope shares between CLI calls` };
  let timeout: TimeoutArg | undefined;
  if (flags.has('blocking') || categories.has('@blocking')) {
    timeout = blockingTimeout(argv, docs);
    if (!timeout) return { kind: 'refused', why: `${name} can block and Skyscope cannot find its timeout to bound it` };
  }

  const introspection = readIntrospection.has(meta.name) || meta.name.endsWith('|help');
  const privileged = flags.has('admin') || categories.has('@admin') || categories.has('@dangerous');
  let readOnlyWhy: string | undefined;
  if (flags.has('write')) readOnlyWhy = `${name} writes (COMMAND INFO flag "write")`;
  else if (privileged && !introspection && !flags.has('readonly')) readOnlyWhy = `${name} is an admin or dangerous command that may change the server (${[...categories].filter((c) => c === '@admin' || c === '@dangerous').join(', ') || 'flag "admin"'})`;
  else if (categories.has('@scripting') && !flags.has('readonly') && !introspection) readOnlyWhy = `${name} runs or changes scripts, which may write (use EVAL_RO / FCALL_RO)`;
  else if (flags.has('pubsub') && flags.has('fast')) readOnlyWhy = `${name} sends a message to every subscriber`;

  let confirmWhy: string | undefined;
  if (privileged && !introspection) confirmWhy = `${name} is ${categories.has('@dangerous') ? '@dangerous' : 'an admin command'}`;
  else if (flags.has('write') && meta.firstKey === 0 && meta.keySpecs === 0 && !flags.has('movablekeys')) confirmWhy = `${name} writes without naming a key: it changes a whole database or the server`;
  else if (destructiveUnflagged.has(meta.name)) confirmWhy = `${name} deletes state the server keeps for every client`;

  return { kind: 'allowed', ...(readOnlyWhy ? { readOnlyWhy } : {}), ...(confirmWhy ? { confirmWhy } : {}), ...(timeout ? { timeout } : {}) };
}

/**
 * Finds a blocking command's timeout from its COMMAND DOCS arguments: an argument named "timeout" that is the first
 * or the last one (BLMPOP, BLPOP, BRPOPLPUSH, WAIT ...), or the value after a BLOCK token (XREAD, XREADGROUP: an
 * absent BLOCK does not block, so there is nothing to cap: index -1). A double is seconds, an integer milliseconds.
 */
export function blockingTimeout(argv: readonly Uint8Array[], docs: DocArgument[] | undefined): TimeoutArg | undefined {
  if (!docs || docs.length === 0) return undefined;
  const unit = (a: DocArgument): 's' | 'ms' => (a.type === 'double' ? 's' : 'ms');
  const first = docs[0]!;
  const last = docs[docs.length - 1]!;
  // With too few arguments the index points past the end: nothing is capped and the server answers an arity error.
  if (first.name === 'timeout') return { index: 1, unit: unit(first) };
  if (last.name === 'timeout') return { index: Math.max(1, argv.length - 1), unit: unit(last) };
  const block = docs.find((a) => a.token?.toUpperCase() === 'BLOCK');
  if (block) {
    for (let i = 1; i < argv.length - 1; i++) if (latin1(argv[i]!).toUpperCase() === 'BLOCK') return { index: i + 1, unit: 'ms' };
    return { index: -1, unit: 'ms' };
  }
  return undefined;
}

/**
 * argv with the timeout at `t` capped to maxBlockSeconds (0, "block forever", becomes the cap too). An argument that
 * is not a number is left alone: the server rejects it.
 */
export function capTimeout(argv: readonly Uint8Array[], t: TimeoutArg, capSeconds = maxBlockSeconds): { argv: Uint8Array[]; capped: boolean } {
  const out = [...argv];
  if (t.index < 0 || t.index >= out.length) return { argv: out, capped: false };
  const n = Number(latin1(out[t.index]!));
  if (!Number.isFinite(n) || n < 0) return { argv: out, capped: false };
  const cap = t.unit === 's' ? capSeconds : capSeconds * 1000;
  if (n !== 0 && n <= cap) return { argv: out, capped: false };
  out[t.index] = Buffer.from(String(cap));
  return { argv: out, capped: true };
}

/** Thrown by assertWriteAllowed: the HTTP layer answers 403 read_only. */
export class ReadOnlyError extends Error {
  readonly code = 'read_only';
}

/** For writes Skyscope makes itself (the key browser): refuses every one under --read-only. */
export function assertWriteAllowed(readOnly: boolean, what = 'this change'): void {
  if (readOnly) throw new ReadOnlyError(`Skyscope runs with --read-only: ${what} is not allowed`);
}

// ---------- reading the reply ----------

function parseEntry(entry: unknown): CommandMeta | undefined {
  if (!Array.isArray(entry) || entry.length < 6) return undefined;
  const name = text(entry[0]).toLowerCase();
  if (!name) return undefined;
  let subcommands: Map<string, CommandMeta> | null = null;
  if (Array.isArray(entry[9]) && entry[9].length > 0) {
    subcommands = new Map();
    for (const sub of entry[9]) {
      const parsed = parseEntry(sub);
      if (parsed) subcommands.set(parsed.name, parsed);
    }
  }
  return {
    name,
    arity: Number(text(entry[1])) || 0,
    flags: new Set(list(entry[2]).map((f) => f.toLowerCase())),
    categories: new Set(list(entry[6]).map((c) => c.toLowerCase())),
    tips: list(entry[7]),
    firstKey: Number(text(entry[3])) || 0,
    keySpecs: Array.isArray(entry[8]) ? entry[8].length : 0,
    subcommands,
  };
}

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.map(text).filter(Boolean) : [];
}

function text(value: unknown): string {
  if (value instanceof Uint8Array) return latin1(value);
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}
