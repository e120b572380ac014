// Every SQL example in README.md and queries/README.md runs against a real history file, so the docs cannot rot.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startStandalone, type ServerHandle } from '../servers/servers.ts';
import { startTestSkyscope, waitFor, type TestSkyscope } from './harness.ts';

const root = resolve(import.meta.dir, '..', '..');

/** Statements from ```sql blocks; COPY is left out because the read-only API refuses it by design. */
function sqlExamples(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const blocks = [...text.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks
    .flatMap((b) => b.split(/;\s*(?:\n|$)/))
    .map((s) => s.split('\n').filter((l) => !l.trim().startsWith('--')).join('\n').trim())
    .filter((s) => s !== '' && !/^COPY\b/i.test(s));
}

const examples = [...sqlExamples('README.md').map((s) => ['README.md', s]), ...sqlExamples('queries/README.md').map((s) => ['queries/README.md', s])];

let server: ServerHandle;
let sky: TestSkyscope;
beforeAll(async () => {
  server = await startStandalone('valkey9');
  sky = await startTestSkyscope([server.url]);
  await waitFor('samples', async () => (await sky.store.sql(`SELECT count(DISTINCT ts) FROM v_samples WHERE metric = 'valkey_commands_processed_total'`)).rows[0]![0] as number >= 2);
  await sky.store.flush();
});
afterAll(async () => {
  await sky?.dispose();
  await server?.stop();
});

test('the docs have SQL examples', () => {
  expect(examples.length).toBeGreaterThanOrEqual(6);
});

test.each(examples)('%s: %s', async (_file, sql) => {
  const r = await sky.store.sql(sql);
  expect(Array.isArray(r.columns)).toBe(true);
});

test('the ops/s example from the README returns rows for the watched node', async () => {
  const sql = examples.find(([, s]) => s.includes('valkey_commands_processed_total') && s.includes('time_bucket'))![1];
  const r = await sky.store.sql(sql);
  expect(r.rows.length).toBeGreaterThan(0);
  expect(r.rows[0]![1]).toBe(`127.0.0.1:${server.port}`);
});
