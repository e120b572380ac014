// Slot statistics upkeep: raw -> 5-minute -> 1-hour rollups and retention per tier, each step with its watermark.
import { tsParam, tsToMs, type NamedQueries } from './db.ts';
import { floorTo, hourMs, inTransaction } from './maintain.ts';

const fiveMinutesMs = 300_000;
/**
 * Raw per-slot rows (every 10 s, 16384 slots on a busy cluster: 8 bytes a row, 47 MB an hour) are kept this
 * long; the 5-minute tier serves older windows (test/bench slots: storage).
 */
export const slotRawRetentionMs = 30 * 60_000;
/** 5-minute rows are kept this long; the 1-hour tier serves older windows up to the retention. */
export const slot5mRetentionMs = 48 * hourMs;

export interface SlotWatermarks {
  /** Raw rows before this are in slot_stats_5m. */
  slots_5m: number;
  /** 5-minute rows before this are in slot_stats_1h. */
  slots_1h: number;
}

/** Rolls closed buckets up (at most a day per transaction), then drops what each tier no longer needs. */
export async function maintainSlots(db: NamedQueries, o: { now: number; graceMs: number; retentionMs: number }): Promise<SlotWatermarks> {
  const marks = await loadSlotWatermarks(db);
  let origin = 0;
  if (marks.slots_5m === undefined || marks.slots_1h === undefined) {
    const oldest = tsToMs((await db.read('slot_stats_min_ts')).getRows()[0]?.[0] ?? null);
    origin = floorTo(oldest ?? o.now - o.graceMs, hourMs);
  }
  // Each tier's slot rows, then their 16-slot group sums (slot_groups_*), in the same transaction.
  const w5 = await advance(db, 'slots_5m', ['rollup_slots_5m', 'rollup_slot_groups_5m'], marks.slots_5m ?? origin, floorTo(o.now - o.graceMs, fiveMinutesMs));
  const w1h = await advance(db, 'slots_1h', ['rollup_slots_1h', 'rollup_slot_groups_1h'], marks.slots_1h ?? origin, floorTo(w5, hourMs));
  await db.run('retention_slot_stats', { before: tsParam(Math.min(floorTo(o.now - slotRawRetentionMs, fiveMinutesMs), w5)) });
  const before5m = { before: tsParam(Math.min(floorTo(o.now - slot5mRetentionMs, hourMs), w1h)) };
  await db.run('retention_slot_stats_5m', before5m);
  await db.run('retention_slot_groups_5m', before5m);
  const before1h = { before: tsParam(floorTo(o.now - o.retentionMs, hourMs)) };
  await db.run('retention_slot_stats_1h', before1h);
  await db.run('retention_slot_groups_1h', before1h);
  return { slots_5m: w5, slots_1h: w1h };
}

export async function loadSlotWatermarks(db: NamedQueries): Promise<Partial<SlotWatermarks>> {
  const out: Partial<SlotWatermarks> = {};
  for (const [name, watermark] of (await db.read('rollup_state_load')).getRows()) {
    const ms = tsToMs(watermark);
    if ((name === 'slots_5m' || name === 'slots_1h') && ms !== null) out[name] = ms;
  }
  return out;
}

async function advance(db: NamedQueries, name: keyof SlotWatermarks, queries: string[], from: number, until: number): Promise<number> {
  let w = from;
  const save = (ms: number) => db.run('rollup_state_save', { name, watermark: tsParam(ms) });
  while (w < until) {
    const lo = w;
    const hi = Math.min(until, lo + 24 * hourMs);
    await inTransaction(db, async () => {
      for (const query of queries) await db.run(query, { from: tsParam(lo), to: tsParam(hi) });
      await save(hi);
    });
    w = hi;
  }
  if (w === from) await save(w);
  return w;
}
