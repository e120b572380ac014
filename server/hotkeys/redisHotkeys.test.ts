// Tests the HOTKEYS driver's choices that need no server: option checks, and the Valkey 9.2 path (no real server yet).
import { describe, expect, test } from 'bun:test';
import type { NodeConnection } from '../valkey/connection.ts';
import { runServerHotkeys } from './redisHotkeys.ts';

/** A connection that answers from a script ("CMD SUB" -> reply, or an Error to reject with) and records what it was sent. */
function scripted(replies: Record<string, unknown>): { conn: NodeConnection; sent: string[] } {
  const sent: string[] = [];
  const conn = {
    callBuffer: async (...args: string[]) => {
      sent.push(args.join(' '));
      const reply = replies[args.slice(0, 2).join(' ').toUpperCase()] ?? replies[args[0]!.toUpperCase()];
      if (reply === undefined) throw new Error(`ERR unknown command '${args[0]}'`);
      if (reply instanceof Error) throw reply;
      return reply;
    },
  } as unknown as NodeConnection;
  return { conn, sent };
}

const valkeyServer = '# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:9.2.0\r\n';

describe('runServerHotkeys options', () => {
  test.each([
    [{ seconds: 0 }, /seconds/],
    [{ seconds: 1.5 }, /seconds/],
    [{ seconds: 2, count: 65 }, /count/],
    [{ seconds: 2, sampleRatio: 0 }, /sampleRatio/],
  ])('%j is refused before anything is sent', async (opts, message) => {
    const { conn, sent } = scripted({});
    await expect(runServerHotkeys([{ node: 'n', conn }], opts)).rejects.toThrow(message);
    expect(sent).toEqual([]);
  });

  test('an already aborted run sends nothing', async () => {
    const { conn, sent } = scripted({});
    const abort = new AbortController();
    abort.abort();
    const r = await runServerHotkeys([{ node: 'n', conn }], { seconds: 2, signal: abort.signal });
    expect(r.aborted).toBe(true);
    expect(r.nodes[0]!.cleanup).toBe('not-started');
    expect(sent).toEqual([]);
  });
});

describe('Redis session cleanup', () => {
  test('a session whose first GET fails is not stopped blindly: the server ends it after DURATION', async () => {
    const { conn, sent } = scripted({ 'HOTKEYS START': Buffer.from('OK'), 'HOTKEYS GET': new Error('Command timed out') });
    const r = await runServerHotkeys([{ node: 'r:1', conn, flavor: 'redis' }], { seconds: 3 });
    expect(sent).toEqual(['HOTKEYS START METRICS 2 CPU NET COUNT 10 DURATION 3', 'HOTKEYS GET']);
    expect(r.nodes[0]!.cleanup).toBe('failed');
    expect(r.nodes[0]!.error).toMatch(/timed out.*not stopped: the server ends it after 3 s/);
  });
});

// Not yet verified against a real server: Debian has no Valkey 9.2. Replies follow Valkey's documented shapes.
describe('Valkey 9.2 (documented replies)', () => {
  test("reads the server's last window as qps rows; never sends Redis's START, STOP or RESET", async () => {
    const { conn, sent } = scripted({
      'INFO SERVER': Buffer.from(valkeyServer),
      'CONFIG GET': ['hotkeys-top-k', '16', 'hotkeys-sampling-percentage', '10', 'hotkeys-window-seconds', '1'].map((s) => Buffer.from(s)),
      'HOTKEYS GET': [
        ['key', Buffer.from('hot'), 'db', 0, 'qps', 5000],
        ['key', Buffer.from([0xff, 0x00]), 'db', 2, 'qps', 500],
      ],
      'INFO HOTKEYS': Buffer.from('# Hotkeys\r\nhotkeys_last_window_samples:2000\r\nhotkeys_last_window_duration_ms:1000\r\n'),
    });
    const r = await runServerHotkeys([{ node: 'v:1', conn }], { seconds: 2 });
    expect(sent).toEqual(['INFO server', 'CONFIG GET hotkeys-*', 'HOTKEYS GET', 'INFO hotkeys']);
    const n = r.nodes[0]!;
    expect(n.flavor).toBe('valkey');
    expect(n.error).toBeUndefined();
    expect(n.cleanup).toBe('not-started');
    // 2000 samples at 10% over 1 s: 20,000 accesses per second on the node.
    expect(r.totals.qps).toBe(20_000);
    expect(r.rows.map((x) => [x.key.toString('hex'), x.metric, x.value, x.unit, x.share, x.sampled])).toEqual([
      [Buffer.from('hot').toString('hex'), 'qps', 5000, 'per_second', 0.25, true],
      ['ff00', 'qps', 500, 'per_second', 0.025, true],
    ]);
  });

  test('detection switched off (hotkeys-top-k 0) is reported, and the configuration is not touched', async () => {
    const { conn, sent } = scripted({
      'CONFIG GET': ['hotkeys-top-k', '0', 'hotkeys-sampling-percentage', '1', 'hotkeys-window-seconds', '1'],
    });
    const r = await runServerHotkeys([{ node: 'v:1', conn, flavor: 'valkey' }], { seconds: 2 });
    expect(r.nodes[0]!.error).toMatch(/hotkeys-top-k is 0/);
    expect(sent).toEqual(['CONFIG GET hotkeys-*']);
  });
});
