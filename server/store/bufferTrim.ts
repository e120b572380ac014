// Evicts DuckDB's cache of stored blocks after a checkpoint, so the cache does not grow with the file.
import type { NamedQueries } from './db.ts';

/**
 * Room left above the memory that is not cached table blocks (rows not yet checkpointed, indexes, transactions):
 * the eviction is meant for cached blocks, which are simply dropped; a block of in-memory rows evicted instead
 * would first be written out to a temporary file.
 */
const headroomBytes = 4 * 1024 * 1024;
/** Below this, dropping the cache is not worth re-reading the blocks the next query needs. */
const minCachedBytes = 2 * 1024 * 1024;

export interface BufferTrim {
  /** Bytes of cached table blocks before and after. */
  cachedBefore: number;
  cachedAfter: number;
  /** Why nothing was evicted, if nothing was. */
  skipped?: 'little cached' | 'limit refused';
}

/**
 * DuckDB keeps every block a checkpoint wrote, and every block a query read, until its buffer pool reaches
 * memory_limit (80% of RAM by default): watching 6 nodes, that cache grew by about 1.2 MB a minute. Lowering
 * the limit makes DuckDB evict unpinned blocks down to it at once; the limit read here, at open, is then put
 * back, so queries keep all the memory they had. (Put back by value: in DuckDB 1.5, RESET memory_limit shows the
 * default but leaves the pool at the lowered limit. And never by the value read after a trim: printed values are
 * rounded, so the limit would creep down.) The blocks dropped stay in the OS page cache for the next read.
 *
 * The caller must hold every connection of the database: a query or append that allocated while the limit is
 * low could fail.
 */
export async function bufferTrimmer(db: NamedQueries): Promise<() => Promise<BufferTrim>> {
  const limit = String((await db.read('buffer_limit_get')).getRows()[0]?.[0]);
  return async () => {
    const before = await bufferMemory(db);
    if (before.cached < minCachedBytes) return { cachedBefore: before.cached, cachedAfter: before.cached, skipped: 'little cached' };
    let skipped: BufferTrim['skipped'];
    try {
      await db.run('buffer_limit_set', { limit: `${before.other + headroomBytes}B` });
    } catch {
      // DuckDB refuses a limit it cannot evict down to (a block pinned by a statement still open) and keeps the old one.
      skipped = 'limit refused';
    } finally {
      await db.run('buffer_limit_set', { limit });
    }
    const after = await bufferMemory(db);
    return { cachedBefore: before.cached, cachedAfter: after.cached, ...(skipped ? { skipped } : {}) };
  };
}

async function bufferMemory(db: NamedQueries): Promise<{ cached: number; other: number }> {
  const [row] = (await db.read('buffer_memory')).getRows();
  return { cached: Number(row?.[0] ?? 0), other: Number(row?.[1] ?? 0) };
}
