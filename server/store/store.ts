// openStore(): opens and migrates the DuckDB file and wires ingest, maintenance and queries onto their own connections.
import { LatestSlotRows } from './latestSlotRows.ts';
import { seedLatestSlotRows, slotBalance, slotHeatmap, slotHot, slotSeries } from './slots.ts';
import { loadSlotWatermarks, maintainSlots, type SlotWatermarks } from './slotMaintain.ts';
import { DuckDBInstance, DuckDBMapValue, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import type { NodeEvent, Sample } from '../collect/sink.ts';
import { namedQueries, tsParam, type NamedQueries } from './db.ts';
import { Dictionary, type MetricEntry } from './dictionary.ts';
import { hotkeyHistory, hotkeyRunById, hotkeyRunKeys, listHotkeyRuns, saveHotkeyRun } from './hotkeys.ts';
import { finishKeyAnalysis, keyAnalysisById, listKeyAnalyses, startKeyAnalysis } from './keyAnalysis.ts';
import { auditRange, cliHistory, insertAudit, insertCliHistory } from './audit.ts';
import { StoreQueryError } from './errors.ts';
import { countCommandLog, groupCommandLog, latencyRange, latencyTotals, logResumePoints, searchCommandLog, searchCommandLogCounted, searchesText } from './logs.ts';
import { Ingest } from './ingest.ts';
import { dayMs, dropExpired, inTransaction, loadWatermarks, rollUp, type Watermarks } from './maintain.ts';
import { migrate } from './migrate.ts';
import { createLane, createPool } from './lanes.ts';
import { bufferTrimmer } from './bufferTrim.ts';
import { queriesFromDir, type QueryTexts } from './queries.ts';
import { planSeries, runSeries } from './series.ts';
import type { EventsQuery, NodeRecord, SeriesQuery, Store, StoreOptions, StoredEvent } from './types.ts';
import { runUserSql } from './userSql.ts';

const defaultRetentionMs = 7 * dayMs;
const readConnections = 2;
const userQuerySlots = 2;
/**
 * maintain() flushes first, so buffered samples are already in the table; this only covers samples
 * that reach the store a little after their timestamp (slow replies, collector scheduling).
 */
const lateSampleGraceMs = 10_000;

export async function openStore(opts: StoreOptions): Promise<Store> {
  const now = opts.now ?? Date.now;
  const log = opts.log ?? (() => {});
  const queries = opts.queries ?? queriesFromDir();
  const retentionMs = opts.retentionMs ?? defaultRetentionMs;
  const rawRetentionMs = opts.rawRetentionMs ?? Math.min(retentionMs, dayMs);
  const flushIntervalMs = opts.flushIntervalMs ?? 1000;
  const maintainIntervalMs = opts.maintainIntervalMs ?? 60_000;

  // The store reads its SQL through Bun, so DuckDB itself never needs files other than its own:
  // with external access off, user SQL cannot read, write or attach anything else, nor load extensions.
  const instance = await DuckDBInstance.create(opts.path, {
    enable_external_access: 'false',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    // Not lock_configuration: maintenance lowers memory_limit for a moment (bufferTrim.ts). User SQL cannot change
    // settings anyway: it must prepare as one SELECT or EXPLAIN, in a read-only transaction (userSql.ts), and
    // DuckDB refuses to turn external access back on while the database is open.
    // DuckDB's allocator keeps memory its threads freed cached until a task has allocated 128 MB; flushing
    // after 4 MB hands back what each flush and rollup freed: 8-10 MB less private memory in side-by-side runs.
    allocator_flush_threshold: '4MB',
    // What the allocator keeps after the minute's rollups is otherwise only given back when later work allocates:
    // its background thread returns it on a timer (about 5 MB less RSS on average, side by side over 95 s).
    allocator_background_threads: 'true',
    // And after any one release of 4 MB or more (the minute's checkpoint, a trim, a query's hash table), instead of
    // 512 MB: 10-15 MB less RSS at the same age, in two runs watching 6 nodes started 4 minutes apart.
    allocator_bulk_deallocation_flush_threshold: '4MB',
  });
  const connect = async (): Promise<NamedQueries> => namedQueries(await instance.connect(), queries);
  const writer = await connect();
  try {
    const applied = await migrate(writer, queries, now());
    if (applied.length > 0) log(`store: applied migrations ${applied.join(', ')}`);
  } catch (err) {
    writer.conn.closeSync();
    instance.closeSync();
    throw err;
  }
  const maintainer = await connect();
  const trimBufferCache = await bufferTrimmer(maintainer);
  const readers = await Promise.all(Array.from({ length: readConnections }, connect));

  const dict = new Dictionary();
  dict.load(
    (await writer.read('nodes_load')).getRows().map(([id, address]) => ({ id: Number(id), address: String(address) })),
    (await writer.read('metrics_load')).getRows().map(([id, name, canonical, map]) => metricEntry(id, name, canonical, map)),
    (await writer.read('series_load')).getRows().map(([nodeId, metricId]) => [Number(nodeId), Number(metricId)]),
  );
  const stored = await loadWatermarks(writer);
  // Before the first maintain() there are no rollups: epoch watermarks send every query to raw.
  let marks: Watermarks = { rollup_1m: 0, rollup_1h: 0, compact_1m: 0, ...stored };
  // Before the first slot rollup, slot queries read raw rows only.
  let slotMarks: SlotWatermarks = { slots_5m: 0, slots_1h: 0, ...(await loadSlotWatermarks(writer)) };
  // Each slot's newest row, from what is appended from now on; the rows before are read on the first slot query.
  const openedAt = now();
  const latestSlots = new LatestSlotRows(openedAt);
  let seeded: Promise<void> | undefined;
  const slotContext = () => ({ now: now(), ...slotMarks, latest: latestSlots });
  const withSeededSlots = async (db: NamedQueries): Promise<void> => {
    seeded ??= seedLatestSlotRows(db, latestSlots, openedAt).catch((err: unknown) => {
      seeded = undefined;
      throw err;
    });
    await seeded;
  };

  const writeLane = createLane();
  const maintainLane = createLane();
  const readPool = createPool(readers);
  const userSlots = createPool(Array.from({ length: userQuerySlots }, (_, i) => i));
  let closing: Promise<void> | null = null;
  let flushSoon: ReturnType<typeof setTimeout> | null = null;

  const flush = (): Promise<void> => writeLane(() => ingest.flush());
  const flushQuietly = () => {
    flush().catch((err) => log(`store: flush failed: ${errorText(err)}`));
  };
  const ingest = new Ingest(writer, dict, now, log, () => {
    flushSoon ??= setTimeout(() => {
      flushSoon = null;
      flushQuietly();
    }, 0);
  });

  const rollUpAll = (): Promise<void> =>
    maintainLane(async () => {
      await flush();
      const o = { db: maintainer, now: now(), retentionMs, rawRetentionMs, graceMs: lateSampleGraceMs };
      marks = await rollUp(o);
      await dropExpired(o, marks);
      slotMarks = await maintainSlots(maintainer, { now: o.now, graceMs: o.graceMs, retentionMs });
    });
  const checkpoint = (): Promise<void> =>
    maintainLane(() =>
      writeLane(async () => {
        // DuckDB checkpoints by itself once its WAL passes 16 MB: watching 6 nodes, every 4-5 minutes, holding 28-44 MB
        // of appended rows (and 5 MB of indexes loaded for the inserts) in memory until then. Each minute: 2-11 MB.
        await writer.run('checkpoint');
        // Only with every connection idle (it skips otherwise): nothing may allocate while the limit is low.
        await readPool.tryUseAll(() => userSlots.tryUseAll(() => trimBufferCache()));
      }),
    );
  const maintain = async (): Promise<void> => {
    await rollUpAll();
    await checkpoint();
  };

  const flushTimer = setInterval(() => {
    if (ingest.hasWork()) flushQuietly();
  }, flushIntervalMs);
  flushTimer.unref?.();
  // The timer runs the rollups and the checkpoint half an interval apart. Back to back, the checkpoint's allocations
  // (5-20 MB) came on top of what the rollups had just allocated and DuckDB had not handed back yet: the process's
  // highest peaks of private memory. Apart, the peaks were lower in two side-by-side runs watching 6 nodes for 10
  // minutes (in-process, each minute's highest private memory 89 vs 97 MB on average; the executable, highest RSS
  // 147 vs 161 MB), averages unchanged.
  let checkpointNext = false;
  const maintainTimer =
    maintainIntervalMs > 0
      ? setInterval(() => {
          const step = checkpointNext ? checkpoint : rollUpAll;
          checkpointNext = !checkpointNext;
          step().catch((err) => log(`store: maintenance failed: ${errorText(err)}`));
        }, maintainIntervalMs / 2)
      : null;
  maintainTimer?.unref?.();

  const userQueries = new Set<DuckDBConnection>();
  const assertOpen = () => {
    if (closing) throw new Error('store is closed');
  };
  const open = (what: string): boolean => {
    if (closing) log(`store: ${what} after close ignored`);
    return !closing;
  };

  return {
    appendSamples(samples: Sample[]) {
      if (open('appendSamples')) ingest.appendSamples(samples);
    },
    appendEvents(events: NodeEvent[]) {
      if (open('appendEvents')) ingest.appendEvents(events);
    },
    appendSlotStats(batch) {
      if (!open('appendSlotStats')) return;
      ingest.appendSlotStats(batch);
      latestSlots.note(dict.nodeId(batch.node), batch);
    },
    appendCommandLog(entries) {
      if (open('appendCommandLog')) ingest.appendCommandLog(entries);
    },
    appendLatency(samples) {
      if (open('appendLatency')) ingest.appendLatency(samples);
    },
    recordNode(node: NodeRecord) {
      if (open('recordNode')) ingest.recordNode(node);
    },
    flush,
    maintain,

    close() {
      closing ??= (async () => {
        clearInterval(flushTimer);
        if (maintainTimer) clearInterval(maintainTimer);
        if (flushSoon) clearTimeout(flushSoon);
        for (const conn of userQueries) conn.interrupt();
        try {
          await maintainLane(async () => {});
          await flush();
          await userSlots.drain();
          await readPool.drain();
          // A checkpoint now means the next open has no WAL to replay; DuckDB would also try on its own.
          await writeLane(() => writer.run('checkpoint'));
        } catch (err) {
          log(`store: close: ${errorText(err)}`);
        } finally {
          for (const c of [writer, maintainer, ...readers]) c.conn.closeSync();
          instance.closeSync();
        }
      })();
      return closing;
    },

    async series(q: SeriesQuery) {
      assertOpen();
      const plan = planSeries(q, { now: now(), rawRetentionMs, rollup1m: marks.rollup_1m, rollup1h: marks.rollup_1h });
      return readPool.use((db) => runSeries(db, dict, q, plan));
    },

    async events(q: EventsQuery): Promise<StoredEvent[]> {
      assertOpen();
      if (!Number.isFinite(q.from) || !Number.isFinite(q.to)) throw new StoreQueryError('bad_request', 'events needs finite from and to');
      const limit = Math.max(0, Math.floor(q.limit ?? 1000));
      const reader = await readPool.use((db) =>
        db.read('events_range', { from: tsParam(q.from), to: tsParam(q.to), node: q.node ?? null, limit }, nullableText),
      );
      return reader.getRows().map(([ts, node, kind, detail]) => ({
        ts: Number(ts),
        node: String(node),
        kind: String(kind) as StoredEvent['kind'],
        detail: JSON.parse(String(detail)) as Record<string, unknown>,
      }));
    },

    async sql(text, sqlOpts) {
      assertOpen();
      return userSlots.use(() => runUserSql(instance, queries, userQueries, text, sqlOpts));
    },

    slotHeatmap: (q) => (assertOpen(), readPool.use(async (db) => (await withSeededSlots(db), slotHeatmap(db, dict, q, slotContext())))),
    slotHot: (q) => (assertOpen(), readPool.use((db) => slotHot(db, dict, q, slotContext()))),
    slotBalance: (q) => (assertOpen(), readPool.use((db) => slotBalance(db, dict, q, slotContext()))),
    slotSeries: (q) => (assertOpen(), readPool.use(async (db) => (await withSeededSlots(db), slotSeries(db, dict, q, slotContext())))),

    async saveHotkeyRun(run) {
      assertOpen();
      // After a flush, so every node the run names is in the nodes table.
      return writeLane(async () => {
        await ingest.flush();
        let id = 0;
        await inTransaction(writer, async () => {
          id = await saveHotkeyRun(writer, dict, run);
        });
        await ingest.flush();
        return id;
      });
    },
    hotkeyRuns: (q) => (assertOpen(), readPool.use((db) => listHotkeyRuns(db, q))),
    async hotkeyRun(id) {
      assertOpen();
      return readPool.use(async (db) => {
        const run = await hotkeyRunById(db, id);
        return run && { ...run, rows: await hotkeyRunKeys(db, dict, id) };
      });
    },
    hotkeyHistory: (q) => (assertOpen(), readPool.use((db) => hotkeyHistory(db, dict, q))),

    logResumePoints: () => (assertOpen(), readPool.use((db) => logResumePoints(db))),
    async searchCommandLog(f, page) {
      assertOpen();
      if (searchesText(f)) return readPool.use((db) => searchCommandLogCounted(db, f, page));
      // On the two read connections at once: the page and the count each scan the range.
      const [found, total] = await Promise.all([readPool.use((db) => searchCommandLog(db, f, page)), readPool.use((db) => countCommandLog(db, f))]);
      return { ...found, total };
    },
    groupCommandLog: (f, by, limit) => (assertOpen(), readPool.use((db) => groupCommandLog(db, f, by, limit))),
    latencyRange: (q) => (assertOpen(), readPool.use((db) => latencyRange(db, q))),
    latencyTotals: () => (assertOpen(), readPool.use((db) => latencyTotals(db))),

    // On the write lane like every other write; a lost audit or history row is logged rather than failing the command it describes.
    recordAudit: (row) =>
      open('recordAudit') ? writeLane(() => insertAudit(writer, row, now())).catch((err) => log(`store: audit write failed: ${errorText(err)}`)) : Promise.resolve(),
    audit: (q) => (assertOpen(), readPool.use((db) => auditRange(db, q))),
    recordCliHistory: (row) =>
      open('recordCliHistory') ? writeLane(() => insertCliHistory(writer, row, now())).catch((err) => log(`store: CLI history write failed: ${errorText(err)}`)) : Promise.resolve(),
    cliHistory: (limit) => (assertOpen(), readPool.use((db) => cliHistory(db, limit))),

    startKeyAnalysis: (r) => (assertOpen(), writeLane(() => startKeyAnalysis(writer, r))),
    finishKeyAnalysis(id, end) {
      assertOpen();
      return writeLane(() => inTransaction(writer, () => finishKeyAnalysis(writer, id, end)));
    },
    keyAnalyses: (limit) => (assertOpen(), readPool.use((db) => listKeyAnalyses(db, limit))),
    keyAnalysis: (id) => (assertOpen(), readPool.use((db) => keyAnalysisById(db, id))),

    seriesKeys: async () => dict.seriesKeys(),

    stats: () => ({ path: opts.path, ...ingest.stats, pendingRows: ingest.pendingRows }),
  };
}

/** Lets $node be NULL (all nodes) with a known type. */
const nullableText = { node: VARCHAR };

function metricEntry(id: unknown, name: unknown, canonical: unknown, map: unknown): MetricEntry {
  const labels: Record<string, string> = {};
  if (map instanceof DuckDBMapValue) for (const { key, value } of map.entries) labels[String(key)] = String(value);
  return { id: Number(id), name: String(name), canonical: String(canonical), labels };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
