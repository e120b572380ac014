// Which nodes hold keys (primaries, or the standalone server), which one owns a key, and one reused connection per node.
import type { NodeSnapshot } from '../collect/nodeWatcher.ts';
import type { Topology } from '../collect/clusterTopology.ts';
import type { NodeConnection } from '../valkey/connection.ts';
import { keySlot } from '../valkey/keySlot.ts';

export interface KeyNodesDeps {
  nodes(): NodeSnapshot[];
  topology(): Topology;
  openNode(address: string): Promise<NodeConnection>;
}

export class KeyError extends Error {
  constructor(
    readonly code: 'no_such_key' | 'no_such_node' | 'too_big' | 'exists' | 'cross_slot' | 'wrong_type' | 'busy' | 'no_nodes' | 'not_found' | 'bad_parameter' | 'server_error',
    message: string,
  ) {
    super(message);
  }
}

export class KeyNodes {
  private readonly conns = new Map<string, Promise<NodeConnection>>();

  constructor(private readonly deps: KeyNodesDeps) {}

  /** Nodes that own keys: every primary (a standalone server is one) known, down ones too, so a scan reports them. */
  primaries(): string[] {
    return this.deps
      .nodes()
      .filter((n) => n.role === 'primary' || (n.role === 'unknown' && !n.clusterNodeId))
      .map((n) => n.address)
      .sort();
  }

  clustered(): boolean {
    return this.deps.nodes().some((n) => n.clusterNodeId !== undefined);
  }

  /** The node a request names (any watched node), or 400-style error. */
  checkNode(address: string): string {
    if (!this.deps.nodes().some((n) => n.address === address)) throw new KeyError('no_such_node', `node: ${address} is not a watched node`);
    return address;
  }

  /** The primary owning the key's slot in a cluster (from the last topology), else the only primary. */
  ownerOf(key: Uint8Array): { node: string; slot: number | null } {
    if (!this.clustered()) {
      const p = this.primaries();
      if (p.length === 0) throw new KeyError('no_nodes', 'no server to ask');
      return { node: p[0]!, slot: null };
    }
    const slot = keySlot(key);
    for (const s of this.deps.topology().shards) {
      const primary = s.nodes.find((n) => n.role === 'primary') ?? s.nodes[0];
      if (primary && s.slots.some(([a, b]) => slot >= a && slot <= b)) return { node: primary.address, slot };
    }
    const p = this.primaries();
    if (p.length === 0) throw new KeyError('no_nodes', 'no server to ask');
    // Unknown owner (topology not read yet): any primary; its MOVED reply is followed by call().
    return { node: p[0]!, slot };
  }

  /** One connection per node, opened on first use and dropped when it breaks. */
  conn(address: string): Promise<NodeConnection> {
    let c = this.conns.get(address);
    if (!c) {
      c = this.deps.openNode(address).then((conn) => {
        conn.on('close', () => {
          if (this.conns.get(address) === c) this.conns.delete(address);
        });
        return conn;
      });
      c.catch(() => this.conns.delete(address));
      this.conns.set(address, c);
    }
    return c;
  }

  /**
   * One command on a node, following a MOVED (the slot changed owner since the last topology read) once.
   * Returns the reply and the node that answered.
   */
  async call(address: string, args: (string | Buffer)[]): Promise<{ reply: unknown; node: string }> {
    for (let hop = 0; ; hop++) {
      const conn = await this.conn(address);
      try {
        return { reply: await conn.callBuffer(String(args[0]), ...args.slice(1)), node: address };
      } catch (e) {
        const moved = /^MOVED \d+ (\S+)/.exec(e instanceof Error ? e.message : '');
        if (!moved || hop >= 1) throw e;
        address = moved[1]!;
      }
    }
  }

  /**
   * Several commands in one round trip; when the node answers MOVED (the slot moved since the last topology read)
   * they are sent once more to the new owner. Each reply is [error, value].
   */
  async pipeline(address: string, cmds: (string | Buffer)[][]): Promise<{ replies: [Error | null, unknown][]; node: string }> {
    for (let hop = 0; ; hop++) {
      const conn = await this.conn(address);
      const p = conn.pipeline();
      for (const c of cmds) p.callBuffer(String(c[0]), ...c.slice(1));
      const replies = ((await p.exec()) ?? []) as [Error | null, unknown][];
      const moved = replies.map(([e]) => /^MOVED \d+ (\S+)/.exec(e?.message ?? '')).find(Boolean);
      if (!moved || hop >= 1) return { replies, node: address };
      address = moved[1]!;
    }
  }

  close(): void {
    for (const c of this.conns.values()) c.then((conn) => conn.disconnect()).catch(() => {});
    this.conns.clear();
  }
}

/** A reply as text (callBuffer answers bulk strings as Buffers). */
export function str(v: unknown): string {
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}
