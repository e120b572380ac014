// Parses the text reply of CLUSTER NODES into the nodes of a cluster with their roles and slots.

export interface ClusterNodeEntry {
  id: string;
  host: string;
  port: number;
  /** Announced hostname, when the server has one (Valkey/Redis 7+ "ip:port@cport,hostname"). */
  hostname?: string;
  role: 'primary' | 'replica';
  /** Node id of the primary, for replicas. */
  primaryId?: string;
  flags: string[];
  /** True when the cluster considers the node failed (fail flag) or it has no address. */
  failed: boolean;
  linkState: 'connected' | 'disconnected';
  /** Inclusive slot ranges the node serves (migrating/importing markers are left out). */
  slots: [number, number][];
}

export function parseClusterNodes(text: string): ClusterNodeEntry[] {
  const out: ClusterNodeEntry[] = [];
  for (const line of text.split('\n')) {
    const parts = line.trim().split(' ');
    if (parts.length < 8) continue;
    const [id, addr, flagText, master, , , , link, ...slotParts] = parts as [string, string, string, string, string, string, string, string, ...string[]];
    const flags = flagText.split(',');
    const { host, port, hostname } = parseNodeAddress(addr);
    const slots: [number, number][] = [];
    for (const s of slotParts) {
      if (s.startsWith('[')) continue;
      const dash = s.indexOf('-');
      const start = Number(dash < 0 ? s : s.slice(0, dash));
      const end = Number(dash < 0 ? s : s.slice(dash + 1));
      if (Number.isInteger(start) && Number.isInteger(end)) slots.push([start, end]);
    }
    const replica = flags.includes('slave') || flags.includes('replica');
    out.push({
      id,
      host,
      port,
      hostname,
      role: replica ? 'replica' : 'primary',
      primaryId: master !== '-' ? master : undefined,
      flags,
      failed: flags.includes('fail') || flags.includes('noaddr') || flags.includes('handshake') || port === 0,
      linkState: link === 'connected' ? 'connected' : 'disconnected',
      slots,
    });
  }
  return out;
}

/** "127.0.0.1:7000@17000,host.example" or "[::1]:7000@17000" -> host, port, hostname. */
export function parseNodeAddress(addr: string): { host: string; port: number; hostname?: string } {
  const [hostPort = '', hostname] = addr.split(',');
  const at = hostPort.indexOf('@');
  const hp = at < 0 ? hostPort : hostPort.slice(0, at);
  const colon = hp.lastIndexOf(':');
  const host = (colon < 0 ? hp : hp.slice(0, colon)).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(hp.slice(colon + 1)) || 0, hostname: hostname || undefined };
}
