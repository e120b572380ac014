import { afterEach, describe, expect, test } from 'bun:test';
import { createServer, type Server } from 'node:net';
import { parseReplies, unlimited } from './resp3.ts';
import { openResp3Connection } from './resp3Connection.ts';
import type { Target } from './target.ts';

/** A scripted server on port 0: records each command and answers with `answer(argv)` (raw RESP bytes). */
async function fakeServer(answer: (argv: string[]) => string): Promise<{ port: number; commands: string[][]; server: Server }> {
  const commands: string[][] = [];
  const server = createServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      // Commands are RESP arrays of bulk strings: the same parser reads them.
      let parsed;
      try {
        parsed = parseReplies(buf, unlimited);
      } catch {
        return;
      }
      buf = Buffer.alloc(0);
      for (const c of parsed) {
        const argv = (c as { items: { v: Buffer }[] }).items.map((i) => i.v.toString('latin1'));
        commands.push(argv);
        sock.write(Buffer.from(answer(argv), 'latin1'));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, commands, server };
}

const target = (port: number, extra: Partial<Target> = {}): Target => ({ host: '127.0.0.1', port, db: 0, display: '', ...extra });
const opts = { connectTimeoutMs: 1000, commandTimeoutMs: 1000 };
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

describe('openResp3Connection', () => {
  test('HELLO 3 with AUTH and SETNAME, SELECT for a db; replies come typed', async () => {
    const s = await fakeServer((argv) => (argv[0] === 'HELLO' ? '%1\r\n$5\r\nproto\r\n:3\r\n' : argv[0] === 'SELECT' ? '+OK\r\n' : '%1\r\n$1\r\nf\r\n$1\r\nv\r\n'));
    servers.push(s.server);
    const conn = await openResp3Connection(target(s.port, { username: 'u', password: 'p', db: 3 }), opts);
    expect(conn.protocol).toBe(3);
    expect(await conn.call([Buffer.from('HGETALL'), Buffer.from('h')])).toEqual({ t: 'map', entries: [[{ t: 'bulk', v: Buffer.from('f') }, { t: 'bulk', v: Buffer.from('v') }]] });
    expect(s.commands).toEqual([['HELLO', '3', 'AUTH', 'u', 'p', 'SETNAME', 'skyscope-cli'], ['SELECT', '3'], ['HGETALL', 'h']]);
    conn.close();
  });

  test('a server without HELLO is spoken to in RESP2, with AUTH and CLIENT SETNAME', async () => {
    const s = await fakeServer((argv) => (argv[0] === 'HELLO' ? "-ERR unknown command 'HELLO'\r\n" : argv[0] === 'GET' ? '$1\r\nv\r\n' : '+OK\r\n'));
    servers.push(s.server);
    const conn = await openResp3Connection(target(s.port, { password: 'p' }), opts);
    expect(conn.protocol).toBe(2);
    expect(await conn.call([Buffer.from('GET'), Buffer.from('k')])).toEqual({ t: 'bulk', v: Buffer.from('v') });
    expect(s.commands).toEqual([['HELLO', '3', 'AUTH', 'default', 'p', 'SETNAME', 'skyscope-cli'], ['AUTH', 'p'], ['CLIENT', 'SETNAME', 'skyscope-cli'], ['GET', 'k']]);
    conn.close();
  });

  test('a refused login is an error naming the reason; out-of-band pushes are not replies; a close fails the call', async () => {
    const bad = await fakeServer(() => '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    servers.push(bad.server);
    await expect(openResp3Connection(target(bad.port, { password: 'x' }), opts)).rejects.toThrow(/WRONGPASS/);
    const s = await fakeServer((argv) => (argv[0] === 'HELLO' ? '%0\r\n' : argv[0] === 'PING' ? '>2\r\n$10\r\ninvalidate\r\n*0\r\n+PONG\r\n' : ''));
    servers.push(s.server);
    const conn = await openResp3Connection(target(s.port), opts);
    expect(await conn.call([Buffer.from('PING')])).toEqual({ t: 'simple', v: 'PONG' });
    let closed = false;
    conn.onClose(() => (closed = true));
    const pending = conn.call([Buffer.from('BLPOP'), Buffer.from('q'), Buffer.from('0')]);
    conn.close();
    await expect(pending).rejects.toThrow('Connection is closed');
    expect(closed).toBe(true);
  });

  test('nothing listening: refused; a server that never answers HELLO: timed out', async () => {
    const s = await fakeServer(() => '');
    servers.push(s.server);
    await expect(openResp3Connection(target(s.port), { connectTimeoutMs: 500, commandTimeoutMs: 100 })).rejects.toThrow(/timed out/);
    s.server.close();
    await expect(openResp3Connection(target(s.port), opts)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('callRaw (slot statistics read their reply bytes in place)', () => {
  test('gathers one whole reply from many small pieces, bytes exactly as sent', async () => {
    // 200 KB in 1,000-byte writes, some ending on LF mid-reply, past the first 64 KiB buffer.
    const body = Array.from({ length: 2000 }, (_, i) => `$${String(i).length + 90}\r\n${String(i)}${'x'.repeat(90)}\r\n`).join('');
    const reply = `*2000\r\n${body}`;
    const server = createServer((sock) => {
      sock.on('data', (d: Buffer) => {
        if (d.includes('HELLO')) return void sock.write('%0\r\n');
        let at = 0;
        const next = () => {
          if (at >= reply.length) return;
          sock.write(reply.slice(at, at + 1000));
          at += 1000;
          setTimeout(next, 0);
        };
        next();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    const conn = await openResp3Connection(target((server.address() as { port: number }).port), opts, 'skyscope-slots');
    const bytes = await conn.callRaw([Buffer.from('CLUSTER'), Buffer.from('SLOT-STATS')], 5000);
    expect(bytes.toString('latin1')).toBe(reply);
    conn.close();
  });

  test('no reply in time: rejected and the connection closed; bytes after the reply: the connection is failed', async () => {
    const silent = await fakeServer((argv) => (argv[0] === 'HELLO' ? '%0\r\n' : ''));
    servers.push(silent.server);
    const conn = await openResp3Connection(target(silent.port), opts);
    let closed = false;
    conn.onClose(() => (closed = true));
    await expect(conn.callRaw([Buffer.from('PING')], 100)).rejects.toThrow(/timed out: no reply to PING within 100 ms/);
    expect(closed).toBe(true);
    const extra = await fakeServer((argv) => (argv[0] === 'HELLO' ? '%0\r\n' : '+PONG\r\n+SURPRISE\r\n'));
    servers.push(extra.server);
    const conn2 = await openResp3Connection(target(extra.port), opts);
    await expect(conn2.callRaw([Buffer.from('PING')], 1000)).rejects.toThrow(/bytes after the reply/);
  });
});
