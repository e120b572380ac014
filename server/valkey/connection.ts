// Opens one ioredis connection to one node, with Skyscope's own timeouts and no hidden retries or queues.
import { isIP } from 'node:net';
import Redis from 'ioredis';
import type { Target } from './target.ts';

export interface ConnectionOptions {
  connectTimeoutMs: number;
  commandTimeoutMs: number;
}

export type NodeConnection = Redis;

/** The TLS settings of a target as node:tls takes them (ioredis passes them on); undefined for plain text. */
export function tlsOptions(target: Target): { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean; servername?: string } | undefined {
  const t = target.tls;
  return t ? { ca: t.ca, cert: t.cert, key: t.key, rejectUnauthorized: !t.insecure, servername: t.servername ?? (isIP(target.host) ? undefined : target.host) } : undefined;
}

/**
 * Reconnection is Skyscope's job (backoff with jitter, state recorded per node), so ioredis must not
 * retry, queue commands while offline, or run its INFO ready check (one more command on every connect).
 */
export async function openConnection(target: Target, opts: ConnectionOptions): Promise<NodeConnection> {
  const client = new Redis({
    host: target.host,
    port: target.port,
    username: target.username,
    password: target.password,
    db: target.db,
    tls: tlsOptions(target),
    connectionName: 'skyscope',
    // RESP2 works on every server version (HELLO 3 needs 6.0+) and its replies are what the parsers are tested on.
    protocol: 2,
    lazyConnect: true,
    enableReadyCheck: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    reconnectOnError: () => false,
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
    connectTimeout: opts.connectTimeoutMs,
    commandTimeout: opts.commandTimeoutMs,
  });
  // ioredis rejects connect() with a generic "Connection is closed"; the cause (refused, WRONGPASS, TLS)
  // arrives as an 'error' event first, so keep it to report the real reason.
  let cause: unknown;
  client.on('error', (e) => {
    cause ??= e;
  });
  // Our own deadline too: a TLS hello sent to a plain-text server is never answered, and ioredis's
  // connectTimeout does not cover the TLS handshake.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const hint = target.tls ? ' during the TLS handshake (is TLS enabled on the server? use redis:// for plain text)' : '';
      reject(new Error(`timed out connecting after ${opts.connectTimeoutMs} ms${hint}`));
    }, opts.connectTimeoutMs);
  });
  try {
    await Promise.race([client.connect(), deadline]);
  } catch (e) {
    client.disconnect();
    throw cause ?? e;
  } finally {
    clearTimeout(timer);
  }
  return client;
}

/** Sends a command as-is and returns the raw reply (no ioredis reply transformers). */
export function rawCall(conn: NodeConnection, args: string[]): Promise<unknown> {
  return conn.call(args[0]!, ...args.slice(1));
}

/** A short, password-free description of why a call failed, for logs, events and /api/nodes. */
export function describeError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/WRONGPASS|invalid username-password/i.test(msg)) return `authentication failed: ${msg}`;
  if (/NOAUTH/.test(msg)) return `authentication required (give user:password in the URL or SKYSCOPE_PASSWORD): ${msg}`;
  if (/NOPERM/.test(msg)) return `permission denied by ACL: ${msg}`;
  if (/ECONNREFUSED/.test(msg)) return `connection refused: ${msg}`;
  if (/^timed out/.test(msg)) return msg;
  if (/ETIMEDOUT|timed? ?out/i.test(msg)) return `timed out: ${msg}`;
  if (/certificate|SSL|TLS|EPROTO|wrong version number/i.test(msg)) return `TLS error: ${msg}`;
  if (/Connection is closed|ECONNRESET|EPIPE/.test(msg)) return `connection lost: ${msg}`;
  return msg;
}
