// The CLI's connection to one node: a raw socket speaking RESP3 (HELLO 3), so replies keep their types, one command at a time.
//
// The collectors use ioredis over RESP2 (connection.ts); ioredis 6 drops RESP3's types, so the CLI parses replies
// itself (resp3.ts). Same target settings as openConnection: host, port, user, password, TLS, db, timeouts. A
// server without HELLO (before 6.0) is spoken to in RESP2, which the same parser reads.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { tlsOptions, type ConnectionOptions } from './connection.ts';
import { defaultReplyLimits, encodeCommand, Resp3Parser, type ReplyLimits, type ReplyNode } from './resp3.ts';
import type { Target } from './target.ts';

export interface Resp3Connection {
  /** 3, or 2 when the server does not know HELLO. */
  readonly protocol: 2 | 3;
  /** Sends one command; an error reply is a resolved `{t: 'error'}`. Rejects when the connection fails or closes. */
  call(argv: Buffer[], limits?: ReplyLimits): Promise<ReplyNode>;
  /** Runs once the socket is closed, by either side. */
  onClose(listener: () => void): void;
  close(): void;
}

const clientName = 'skyscope-cli';

export async function openResp3Connection(target: Target, opts: ConnectionOptions): Promise<Resp3Connection> {
  const socket = await connectSocket(target, opts.connectTimeoutMs);
  const conn = new SocketConnection(socket);
  try {
    await conn.handshake(target, opts.commandTimeoutMs);
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

class SocketConnection implements Resp3Connection {
  protocol: 2 | 3 = 3;
  private readonly parser = new Resp3Parser();
  private pending: Pending | undefined;
  private closed: Error | undefined;
  private readonly closeListeners: (() => void)[] = [];

  constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('Connection is closed')));
  }

  async handshake(target: Target, timeoutMs: number): Promise<void> {
    const b = (s: string | number) => Buffer.from(String(s));
    const step = (argv: Buffer[]) => this.callWithin(argv, timeoutMs);
    const auth = target.password !== undefined ? [b('AUTH'), b(target.username ?? 'default'), b(target.password)] : [];
    const hello = await step([b('HELLO'), b(3), ...auth, b('SETNAME'), b(clientName)]);
    if (hello.t === 'error') {
      // Servers before 6.0 have no HELLO: RESP2, with AUTH and CLIENT SETNAME on their own.
      if (!/unknown command|NOPROTO/i.test(hello.v)) throw new Error(hello.v);
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
    if (this.pending) return Promise.reject(new Error('a command is already in flight on this connection'));
    this.parser.setLimits(limits);
    return new Promise<ReplyNode>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(encodeCommand(argv));
    });
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  close(): void {
    this.socket.destroy();
    this.fail(new Error('Connection is closed'));
  }

  private async callWithin(argv: Buffer[], timeoutMs: number): Promise<ReplyNode> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`timed out: no reply to ${argv[0]} within ${timeoutMs} ms`));
        this.close();
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.call(argv, defaultReplyLimits), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private onData(d: Buffer): void {
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

  private fail(e: Error): void {
    if (this.closed) return;
    this.closed = e;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(e);
    for (const l of this.closeListeners.splice(0)) l();
  }
}
