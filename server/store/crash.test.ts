import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { openTestStore, tempDir } from './testSupport.ts';

/** Reads the child's "flushed N" lines until at least want, then returns the last N seen. */
async function waitForFlushed(stdout: ReadableStream<Uint8Array>, want: number): Promise<number> {
  const decoder = new TextDecoder();
  let text = '';
  let last = 0;
  for await (const chunk of stdout) {
    text += decoder.decode(chunk);
    for (const m of text.matchAll(/flushed (\d+)/g)) last = Number(m[1]);
    if (last >= want) break;
  }
  return last;
}

describe('crash safety', () => {
  const dir = tempDir();

  for (const [i, want] of [30_000, 77_000].entries()) {
    test(`SIGKILL during ingest keeps every flushed row and the file reopens (run ${i + 1})`, async () => {
      const path = join(dir, `crash${i}.duckdb`);
      const child = Bun.spawn([process.execPath, join(import.meta.dir, 'testdata', 'crashWriter.ts'), path], {
        stdout: 'pipe',
        stderr: 'inherit',
      });
      const flushed = await waitForFlushed(child.stdout, want);
      // Let it run on a little so the kill lands mid-append, mid-flush or mid-maintenance.
      await Bun.sleep(7 * (i + 1));
      child.kill('SIGKILL');
      await child.exited;
      expect(child.signalCode).toBe('SIGKILL');

      const store = await openTestStore(path);
      const [[count, distinct, max]] = (await store.sql("SELECT count(*), count(DISTINCT value), max(value) FROM samples s JOIN metrics m USING (metric_id) WHERE m.name = 'seq'")).rows as number[][];
      expect(count).toBeGreaterThanOrEqual(flushed);
      // Batches are atomic and in order: no holes, no duplicates.
      expect(distinct).toBe(count);
      expect(max).toBe(count - 1);
      // A rollup and its watermark commit together: below the watermark, 1m counts match raw exactly.
      const [[raw, rolled]] = (
        await store.sql(`WITH w AS (SELECT watermark FROM rollup_state WHERE name = 'rollup_1m')
          SELECT (SELECT count(*) FROM samples, w WHERE ts < w.watermark),
                 (SELECT coalesce(sum(count), 0) FROM samples_1m, w WHERE ts < w.watermark)`)
      ).rows as number[][];
      expect(rolled).toBeGreaterThan(0);
      expect(rolled).toBe(raw);
      // And the store keeps working on the recovered file.
      store.appendSamples([{ ts: Date.now(), node: 'n0:6379', metric: 'seq', value: count }]);
      await store.close();
    }, 60_000);
  }
});
