// The MONITOR sampling method against real servers: the hot keys come first (every key of multi-key commands
// counted, binary keys exact), MONITOR is on only for its duty cycle and never left running.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Redis from 'ioredis';
import { sampleWithMonitor } from '../../server/hotkeys/monitorSample.ts';
import { commandKeys } from '../../server/valkey/commandKeys.ts';
import { openConnection } from '../../server/valkey/connection.ts';
import { parseTarget } from '../../server/valkey/target.ts';
import { startStandalone, type ServerHandle } from '../servers/servers.ts';

const binaryKey = Buffer.from([0x62, 0x69, 0x6e, 0xff, 0x00]);

/** Until stopped: per round 20 GETs of "hot", 5 MGETs of warm + hot, one GET of the binary key and of a fresh cold key. */
function drive(port: number): { stop: () => Promise<number> } {
  const c = new Redis({ port, host: '127.0.0.1' });
  let running = true;
  let rounds = 0;
  const loop = (async () => {
    while (running) {
      const p = c.pipeline();
      for (let i = 0; i < 20; i++) p.get('hot');
      for (let i = 0; i < 5; i++) p.mget('warm', 'hot');
      p.get(binaryKey);
      p.get(`cold:${rounds}`);
      await p.exec();
      rounds++;
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      c.disconnect();
      return rounds;
    },
  };
}

for (const flavor of ['redis7', 'valkey9'] as const) {
  describe(`MONITOR sampling on ${flavor}`, () => {
    let server: ServerHandle;
    let admin: Redis;
    beforeAll(async () => {
      server = await startStandalone(flavor);
      admin = new Redis({ port: server.port, host: '127.0.0.1' });
    });
    afterAll(async () => {
      admin?.disconnect();
      await server?.stop();
    });

    const open = () => openConnection(parseTarget(server.url), { connectTimeoutMs: 2000, commandTimeoutMs: 2000 });

    test('ranks hot > warm > binary key, counts both keys of MGET, on for its duty cycle only', async () => {
      const keys = commandKeys(await admin.call('COMMAND'));
      const load = drive(server.port);
      let r;
      try {
        r = await sampleWithMonitor(open, keys, { durationMs: 2000, onMs: 200, offMs: 300, capacity: 100, maxLagMs: 1000 });
      } finally {
        await load.stop();
      }
      const top = r.top.slice(0, 3).map((k) => k.key);
      expect(top).toEqual([Buffer.from('hot'), Buffer.from('warm'), binaryKey]);
      const [hot, warm, bin] = r.top;
      // Per round: hot 20 + 5 (MGET), warm 5, binary 1: ratios 25 : 5 : 1, up to rounds cut by a window edge.
      expect(hot!.count / warm!.count).toBeGreaterThan(4.5);
      expect(hot!.count / warm!.count).toBeLessThan(5.5);
      expect(warm!.count / bin!.count).toBeGreaterThan(4);
      expect(warm!.count / bin!.count).toBeLessThan(6);
      expect(r.windows).toBe(4);
      expect(r.onMs).toBeGreaterThan(4 * 150);
      expect(r.onMs).toBeLessThan(4 * 260);
      expect(r.errors).toEqual([]);
      // Nothing is left monitoring.
      const clients = String(await admin.call('CLIENT', 'LIST'));
      expect(clients).not.toMatch(/cmd=monitor/);
    });

    test('the keep filter counts only the keys it accepts; an abort ends the sample at once', async () => {
      const keys = commandKeys(await admin.call('COMMAND'));
      const load = drive(server.port);
      const abort = new AbortController();
      const t0 = performance.now();
      setTimeout(() => abort.abort(), 300);
      let r;
      try {
        r = await sampleWithMonitor(open, keys, { durationMs: 30_000, onMs: 1000, offMs: 1000, capacity: 100, maxLagMs: 1000, keep: (k) => k.equals(Buffer.from('warm')), signal: abort.signal });
      } finally {
        await load.stop();
      }
      expect(performance.now() - t0).toBeLessThan(2000);
      expect(r.top.map((k) => k.key.toString())).toEqual(['warm']);
      expect(r.keyAccesses).toBe(r.top[0]!.count);
      // Shares are of the node's whole sampled traffic: the keys the filter dropped (hot, the busiest) still count there.
      expect(r.allKeyAccesses).toBeGreaterThan(2 * r.keyAccesses);
      expect(String(await admin.call('CLIENT', 'LIST'))).not.toMatch(/cmd=monitor/);
    });
  });
}
