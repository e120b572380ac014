// Prints (as JSON) this Bun process's RSS bare, after loading Skyscope's modules, and with an empty store open:
// the floor under Skyscope's own RSS. Run as a child by skyscopeIngest.ts: `bun test/bench/rssBaseline.ts`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memory } from './procStats.ts';

const mb = () => process.memoryUsage().rss / 2 ** 20;
const bareMb = mb();
const { openStore } = await import('../../server/store/store.ts');
await import('../../server/skyscope.ts');
const modulesMb = mb();
const dir = mkdtempSync(join(tmpdir(), 'skyscope-bench-rss-'));
try {
  const store = await openStore({ path: join(dir, 'empty.duckdb'), maintainIntervalMs: 0 });
  await Bun.sleep(1000);
  const storeMb = mb();
  const { anonMb, fileMb } = memory(process.pid);
  await store.close();
  console.log(JSON.stringify({ bareMb, modulesMb, storeMb, storeAnonMb: anonMb, storeFileMb: fileMb }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
