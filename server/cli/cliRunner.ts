// Runs one CLI command: checks it against the command policy, routes it to the node owning its keys, runs it on a
// connection of its own per node (never the collector's) with a deadline, and records history and audit rows.
import type { NodeSnapshot } from '../collect/nodeWatcher.ts';
import type { Topology } from '../collect/clusterTopology.ts';
import type { AuditRow, CliHistoryRow } from '../store/audit.ts';
import { commandDocs, type CommandDoc } from '../valkey/commandDocs.ts';
import { commandKeys, type CommandKeys } from '../valkey/commandKeys.ts';
import { capTimeout, commandTable, displayName, lookupCommand, maxBlockSeconds, policyFor, type CommandMeta, type PolicyVerdict } from '../valkey/commandPolicy.ts';
import { describeError } from '../valkey/connection.ts';
import { keySlot } from '../valkey/keySlot.ts';
import { commandLine } from '../valkey/redact.ts';
import { toResp2, unlimited, type ReplyNode } from '../valkey/resp3.ts';
import type { Resp3Connection } from '../valkey/resp3Connection.ts';

/** What the CLI uses of a node's RESP3 connection: typed replies, one command at a time. */
export type CliConnection = Omit<Resp3Connection, 'callRaw'>;

export interface CliRunnerDeps {
  nodes(): NodeSnapshot[];
  topology(): Topology;
  /** The CLI's own RESP3 connection to a node (typed replies). */
  openNode(address: string): Promise<CliConnection>;
  recordCliHistory(row: CliHistoryRow): Promise<void>;
  recordAudit(row: AuditRow): Promise<void>;
  readOnly: boolean;
  now(): number;
  /** A command that has not answered by then is abandoned and its connection closed. Above the blocking cap. */
  commandTimeoutMs?: number;
}

export type CliErrorCode = 'read_only' | 'confirm_required' | 'refused' | 'cross_slot' | 'bad_parameter' | 'no_node' | 'unavailable' | 'timeout';

export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
    message: string,
    /** For confirm_required: what the command changes and the text to type. */
    readonly extra: { target?: string; confirm?: string } = {},
  ) {
    super(message);
  }
}

export interface CliRequest {
  argv: Buffer[];
  /** Pins the command to this node (host:port). */
  node?: string;
  confirm?: string;
}

export interface CliResult {
  node: string;
  ms: number;
  reply: ReplyNode;
  /** Set when a blocking command's timeout was lowered to the cap. */
  cappedTimeoutS?: number;
}

/** What one node's server says about its commands, read once per node. */
export interface NodeCommands {
  table: Map<string, CommandMeta>;
  keys: CommandKeys;
  docs: Map<string, CommandDoc>;
}

const defaultCommandTimeoutMs = (maxBlockSeconds + 5) * 1000;

export class CliRunner {
  private readonly conns = new Map<string, Promise<CliConnection>>();
  private readonly commands = new Map<string, Promise<NodeCommands>>();
  /** One command at a time per node: a blocking command or a dropped connection affects only itself. */
  private readonly lanes = new Map<string, Promise<unknown>>();
  private readonly timeoutMs: number;

  constructor(private readonly deps: CliRunnerDeps) {
    this.timeoutMs = deps.commandTimeoutMs ?? defaultCommandTimeoutMs;
  }

  async run(req: CliRequest): Promise<CliResult> {
    if (req.argv.length === 0) throw new CliError('bad_parameter', 'args: give the command and its arguments');
    const pinned = req.node !== undefined ? this.watched(req.node) : undefined;
    // The command's description comes from the node it will run on, or any primary while that is not known yet.
    const infoNode = pinned ?? this.keylessTarget();
    const cmds = await this.nodeCommands(infoNode);
    const meta = lookupCommand(cmds.table, req.argv);
    const verdict = policyFor(meta, req.argv, meta ? cmds.docs.get(meta.name)?.arguments : undefined);
    const line = commandLine(req.argv);
    if (verdict.kind === 'refused') throw new CliError('refused', verdict.why);
    if (verdict.readOnlyWhy && this.deps.readOnly) throw new CliError('read_only', `Skyscope runs with --read-only: ${verdict.readOnlyWhy}`);

    const keys = meta ? cmds.keys.keysOf(req.argv) : [];
    const node = pinned ?? this.route(keys);
    if (verdict.confirmWhy) {
      const target = keys.length > 0 ? commandLine(keys.slice(0, 3)) + (keys.length > 3 ? ' ...' : '') : node;
      const confirm = `${displayName(meta!)} ${target}`;
      if (req.confirm !== confirm) throw new CliError('confirm_required', `${verdict.confirmWhy}; type "${confirm}" to run it`, { target, confirm });
    }

    let argv = req.argv;
    let cappedTimeoutS: number | undefined;
    if (verdict.timeout) {
      const capped = capTimeout(argv, verdict.timeout);
      argv = capped.argv.map((a) => Buffer.from(a));
      if (capped.capped) cappedTimeoutS = maxBlockSeconds;
    }

    const started = performance.now();
    let result: { node: string; reply: ReplyNode };
    try {
      result = await this.send(node, argv, pinned === undefined);
    } catch (e) {
      const ms = performance.now() - started;
      const error = e instanceof CliError ? e.message : describeError(e);
      await this.record(verdict, line, node, keys, false, ms, error);
      if (e instanceof CliError) throw e;
      throw new CliError('unavailable', `${node}: ${error}`);
    }
    const ms = performance.now() - started;
    const tree = result.reply;
    const failed = tree.t === 'error' ? tree.v : undefined;
    await this.record(verdict, line, result.node, keys, failed === undefined, ms, failed);
    return { node: result.node, ms: Math.round(ms * 100) / 100, reply: tree, ...(cappedTimeoutS !== undefined ? { cappedTimeoutS } : {}) };
  }

  /** The command descriptions of a node (default: where keyless commands go), for autocomplete. */
  async describe(node?: string): Promise<{ node: string; commands: NodeCommands }> {
    const address = node !== undefined ? this.watched(node) : this.keylessTarget();
    return { node: address, commands: await this.nodeCommands(address) };
  }

  async close(): Promise<void> {
    const conns = [...this.conns.values()];
    this.conns.clear();
    await Promise.all(conns.map((p) => p.then((c) => c.close()).catch(() => undefined)));
  }

  // ---------- routing ----------

  private watched(address: string): string {
    const n = this.deps.nodes().find((x) => x.address === address);
    if (!n) throw new CliError('bad_parameter', `node: ${address} is not a watched node (see /api/nodes)`);
    return n.address;
  }

  /** Keyless commands go to a primary (a standalone server is one too) that is up. */
  private keylessTarget(): string {
    const nodes = this.deps.nodes();
    const primary = nodes.find((n) => n.state === 'up' && n.role === 'primary') ?? nodes.find((n) => n.state === 'up' && n.role !== 'replica');
    if (!primary) throw new CliError('no_node', 'no primary is up to run the command on');
    return primary.address;
  }

  /** The owner of the keys' slot in a cluster; 400 cross_slot when they hash to different slots. */
  private route(keys: Buffer[]): string {
    const shards = this.deps.topology().shards.filter((s) => s.slotCount > 0);
    if (keys.length === 0 || shards.length === 0) return this.keylessTarget();
    const slots = new Set(keys.map((k) => keySlot(k)));
    if (slots.size > 1) throw new CliError('cross_slot', `the keys hash to ${slots.size} different slots (${[...slots].slice(0, 5).join(', ')}); in a cluster a command's keys must share a slot: use a {hash tag}, or pin a node`);
    const slot = [...slots][0]!;
    const shard = shards.find((s) => s.slots.some(([a, b]) => slot >= a && slot <= b));
    const owner = shard?.nodes.find((n) => n.role === 'primary') ?? shard?.nodes[0];
    if (!owner) throw new CliError('no_node', `no known node owns slot ${slot} (is the cluster's slot coverage complete?)`);
    return owner.address;
  }

  // ---------- connections ----------

  private nodeCommands(address: string): Promise<NodeCommands> {
    let p = this.commands.get(address);
    if (!p) {
      p = this.onNode(address, async (conn) => {
        // Whole (not cut like a shown reply) and in the RESP2 shape the command table parsers are tested on.
        const info = await conn.call([Buffer.from('COMMAND')], unlimited);
        if (info.t === 'error') throw new Error(info.v);
        const docs = await conn.call([Buffer.from('COMMAND'), Buffer.from('DOCS')], unlimited);
        const table = toResp2(info);
        return { table: commandTable(table), keys: commandKeys(table), docs: commandDocs(docs.t === 'error' ? [] : toResp2(docs)) };
      }).catch((e: unknown) => {
        // Without the server's command table nothing can be checked against the policy: refuse rather than guess.
        if (e instanceof CliError) throw e;
        throw new CliError('unavailable', `${address}: cannot read COMMAND to check commands against the policy: ${describeError(e)}`);
      });
      // A failure is not cached: the next call asks again.
      p.catch(() => this.commands.delete(address));
      this.commands.set(address, p);
    }
    return p;
  }

  private connection(address: string): Promise<CliConnection> {
    let p = this.conns.get(address);
    if (!p) {
      // The connection has no deadline of its own per command: the CLI's (commandTimeoutMs, above the blocking cap) applies.
      p = this.deps.openNode(address).then((conn) => {
        conn.onClose(() => {
          if (this.conns.get(address) === p) this.conns.delete(address);
        });
        return conn;
      });
      p.catch(() => this.conns.delete(address));
      this.conns.set(address, p);
    }
    return p;
  }

  /** Runs work on the node's CLI connection, one at a time; a command past the deadline closes the connection. */
  private onNode<T>(address: string, work: (conn: CliConnection) => Promise<T>): Promise<T> {
    const prev = this.lanes.get(address) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(async () => {
      const conn = await this.connection(address);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          // Its reply may still come; a fresh connection for the next command avoids reading it as theirs.
          // Rejected before closing: closing fails the call too, and the race must report the timeout.
          reject(new CliError('timeout', `${address}: no reply within ${this.timeoutMs / 1000} s; the connection was closed`));
          this.conns.delete(address);
          conn.close();
        }, this.timeoutMs);
      });
      try {
        return await Promise.race([work(conn), deadline]);
      } finally {
        clearTimeout(timer);
      }
    });
    this.lanes.set(address, next);
    return next;
  }

  /** Sends argv; a MOVED reply (slots moved since the last topology read) is followed once, to a watched node. */
  private async send(node: string, argv: Buffer[], mayRedirect: boolean): Promise<{ node: string; reply: ReplyNode }> {
    const call = (address: string) => this.onNode(address, (conn) => conn.call(argv));
    // An error reply is the command's answer, not a failure to run it.
    const reply = await call(node);
    const moved = reply.t === 'error' ? /^MOVED \d+ (\S+)$/.exec(reply.v) : null;
    const target = moved && this.deps.nodes().find((n) => n.address === moved[1]);
    if (mayRedirect && target) return { node: target.address, reply: await call(target.address) };
    return { node, reply };
  }

  private async record(verdict: Extract<PolicyVerdict, { kind: 'allowed' }>, line: string, node: string, keys: Buffer[], ok: boolean, ms: number, error: string | undefined): Promise<void> {
    const ts = this.deps.now();
    const writes: Promise<void>[] = [this.deps.recordCliHistory({ ts, node, command: line, ok, ms })];
    // Every command that may change something is audited, whether the server accepted it or not.
    if (verdict.readOnlyWhy) writes.push(this.deps.recordAudit({ ts, source: 'cli', node, command: line, target: keys.length > 0 ? commandLine(keys) : node, ok, error: error ?? null }));
    await Promise.all(writes);
  }
}
