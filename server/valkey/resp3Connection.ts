// A raw socket to one node speaking RESP3 (HELLO 3), one command at a time: the CLI's (typed replies), and slot statistics' (raw bytes).
//
// The collectors use ioredis over RESP2 (connection.ts); ioredis 6 drops RESP3's types, so the CLI parses replies
// itself (resp3.ts). Same target settings as openConnection: host, port, user, password, TLS, db, timeouts. A
// server without HELLO (before 6.0) is spoken to in RESP2, which the same parser reads.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { tlsOptions, type ConnectionOptions } from './connection.ts';
import { defaultReplyLimits, encodeCommand, Resp3Parser, type ReplyLimits, type ReplyNode } from './resp3.ts';
import { replyEnd } from './respReader.ts';
import type { Target } from './target.ts';

export interface Resp3Connection {
  /** 3, or 2 when the server does not know HELLO. */
  readonly protocol: 2 | 3;
  /** Sends one command; an error reply is a resolved `{t: 'error'}`. Rejects when the connection fails or closes. */
  call(argv: Buffer[], limits?: ReplyLimits): Promise<ReplyNode>;
  /**
   * Sends one command and gives its reply's bytes as they came, for a caller that reads them in place
   * (respReader.ts); an error reply is bytes too. Rejects after timeoutMs (closing the connection), or when it fails.
   */
  callRaw(argv: Buffer[], timeoutMs: number): Promise<Buffer>;
  /** Runs once the socket is closed, by either side. */
  onClose(listener: () => void): void;
  close(): void;
}

/** clientName: what CLIENT LIST shows for the connection. */
export async function openResp3Connection(target: Target, opts: ConnectionOptions, clientName = 'skyscope-cli'): Promise<Resp3Connection> {
  const socket = await connectSocket(target, opts.connectTimeoutMs);
  const conn = new SocketConnection(socket);
  try {
    await conn.handshake(target, opts.commandTimeoutMs, clientName);
  } catch (e) {
    conn.close();
    throw e;
  }
  return conn;
}

/** TCP (and TLS) connect, bounded by the connect timeout, handshake included. */
function connectSocket(target: Target, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const tls = tlsOptions(target);
    const socket: Socket = tls ? tlsConnect({ host: target.host, port: target.port, ...tls }) : netConnect({ host: target.host, port: target.port });
    const ready = tls ? 'secureConnect' : 'connect';
    const timer = setTimeout(() => {
      socket.destroy();
      const hint = tls ? ' during the TLS handshake (is TLS enabled on the server? use redis:// for plain text)' : '';
      reject(new Error(`timed out connecting after ${timeoutMs} ms${hint}`));
    }, timeoutMs);
    const fail = (e: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(e);
    };
    socket.once('error', fail);
    socket.once(ready, () => {
      clearTimeout(timer);
      socket.off('error', fail);
      socket.setNoDelay(true);
      socket.setKeepAlive(true);
      resolve(socket);
    });
  });
}

interface Pending {
  resolve(r: ReplyNode): void;
  reject(e: Error): void;
}

/** A raw call's reply being gathered: `bytes[0, size)`, grown by doubling so each byte is copied about twice. */
interface RawPending {
  resolve(r: Buffer): void;
  reject(e: Error): void;
  bytes: Buffer;
  size: number;
}

const inFlight = () => new Error('a command is already in flight on this connection');

class SocketConnection implements Resp3Connection {
  protocol: 2 | 3 = 3;
  private readonly parser = new Resp3Parser();
  private pending: Pending | undefined;
  private raw: RawPending | undefined;
  private closed: Error | undefined;
  private readonly closeListeners: (() => void)[] = [];

  constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('Connection is closed')));
  }

  async handshake(target: Target, timeoutMs: number, clientName: string): Promise<void> {
    const b = (s: string | number) => Buffer.from(String(s));
    const step = (argv: Buffer[]) => this.callWithin(argv, timeoutMs);
    const auth = target.password !== undefined ? [b('AUTH'), b(target.username ?? 'default'), b(target.password)] : [];
    const hello = await step([b('HELLO'), b(3), ...auth, b('SETNAME'), b(clientName)]);
    if (hello.t === 'error') {
      // Servers before 6.0 have no HELLO, and an ACL may deny it: RESP2, with AUTH and CLIENT SETNAME on their own.
      if (!/unknown command|NOPROTO|NOPERM/i.test(hello.v)) throw new Error(hello.v);
      this.protocol = 2;
      if (target.password !== undefined) {
        const a = await step(target.username ? [b('AUTH'), b(target.username), b(target.password)] : [b('AUTH'), b(target.password)]);
        if (a.t === 'error') throw new Error(a.v);
      }
      await step([b('CLIENT'), b('SETNAME'), b(clientName)]);
    }
    if (target.db !== 0) {
      const s = await step([b('SELECT'), b(target.db)]);
      if (s.t === 'error') throw new Error(s.v);
    }
  }

  call(argv: Buffer[], limits: ReplyLimits = defaultReplyLimits): Promise<ReplyNode> {
    if (this.closed) return Promise.reject(this.closed);
    if (this.pending || this.raw) return Promise.reject(inFlight());
    this.parser.setLimits(limits);
    return new Promise<ReplyNode>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(encodeCommand(argv));
    });
  }

  callRaw(argv: Buffer[], timeoutMs: number): Promise<Buffer> {
    if (this.closed) return Promise.reject(this.closed);
    if (this.pending || this.raw) return Promise.reject(inFlight());
    const reply = new Promise<Buffer>((resolve, reject) => {
      this.raw = { resolve, reject, bytes: Buffer.allocUnsafe(64 * 1024), size: 0 };
      this.socket.write(encodeCommand(argv));
    });
    return this.within(reply, timeoutMs, argv);
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  close(): void {
    this.socket.destroy();
    this.fail(new Error('Connection is closed'));
  }

  private callWithin(argv: Buffer[], timeoutMs: number): Promise<ReplyNode> {
    return this.within(this.call(argv, defaultReplyLimits), timeoutMs, argv);
  }

  /** The reply, or a timeout that closes the connection (a late reply could not be told from the next one's). */
  private async within<R>(reply: Promise<R>, timeoutMs: number, argv: Buffer[]): Promise<R> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`timed out: no reply to ${argv[0]} within ${timeoutMs} ms`));
        this.close();
      }, timeoutMs);
    });
    try {
      return await Promise.race([reply, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private onData(d: Buffer): void {
    if (this.raw) {
      this.onRawData(this.raw, d);
      return;
    }
    try {
      this.parser.push(d);
    } catch (e) {
      // The stream cannot be trusted past a framing error.
      this.socket.destroy();
      this.fail(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    for (let r = this.parser.next(); r; r = this.parser.next()) {
      // Out-of-band pushes (none expected: the commands that subscribe or track are refused) are not replies.
      if (r.t === 'push') continue;
      const p = this.pending;
      this.pending = undefined;
      p?.resolve(r);
    }
  }

  private onRawData(r: RawPending, d: Buffer): void {
    if (r.size + d.length > r.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * r.bytes.length, r.size + d.length));
      r.bytes.copy(grown, 0, 0, r.size);
      r.bytes = grown;
    }
    d.copy(r.bytes, r.size);
    r.size += d.length;
    // Every reply ends in LF: a chunk that doesn't cannot complete one, so the walk is skipped.
    if (d[d.length - 1] !== 10) return;
    let end: number;
    try {
      end = replyEnd(r.bytes.subarray(0, r.size));
      if (end >= 0 && end !== r.size) throw new Error(`${r.size - end} bytes after the reply`);
    } catch (e) {
      this.socket.destroy();
      this.fail(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    if (end < 0) return;
    this.raw = undefined;
    r.resolve(r.bytes.subarray(0, end));
  }

  private fail(e: Error): void {
    if (this.closed) return;
    this.closed = e;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(e);
    const r = this.raw;
    this.raw = undefined;
    r?.reject(e);
    for (const l of this.closeListeners.splice(0)) l();
  }
}
