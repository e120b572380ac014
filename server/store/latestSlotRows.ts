// The newest row the store has for each slot (owner, key count, time), so a live heatmap needs no owners query.
import type { SlotStatsBatch } from '../collect/sink.ts';

const slotCount = 16384;

/** Each slot's owner and key count at a moment, slots ascending. */
export interface SlotOwnerRows {
  slots: number[];
  nodeIds: number[];
  keys: number[];
}

/**
 * Fed every batch appended from the store's open on, and seeded (on the first slot query) with each slot's newest
 * row in a window before the open: so for any `to` from the open on (and after the newest row), it holds exactly what the owners query would
 * read from the rows in [to - lookback, to). Older or historical `to` fall back to SQL.
 */
export class LatestSlotRows {
  private readonly ts = new Float64Array(slotCount).fill(-Infinity);
  private readonly node = new Uint16Array(slotCount);
  private readonly keys = new Float64Array(slotCount);
  private newest = -Infinity;

  /** `coveredFrom`: every row at or after this time is either here or superseded by a newer one here. */
  constructor(private coveredFrom: number) {}

  /** Adds rows read from the store (each slot's newest in a window starting at `from`): now covered from there. */
  seed(rows: SlotOwnerRows & { ts: number[] }, from: number): void {
    for (let i = 0; i < rows.slots.length; i++) this.set(rows.slots[i]!, rows.nodeIds[i]!, rows.keys[i]!, rows.ts[i]!);
    this.coveredFrom = Math.min(this.coveredFrom, from);
  }

  note(nodeId: number, batch: SlotStatsBatch): void {
    for (let i = 0; i < batch.slots.length; i++) this.set(batch.slots[i]!, nodeId, batch.keys[i]!, batch.ts);
  }

  set(slot: number, nodeId: number, keys: number, ts: number): void {
    if (slot < 0 || slot >= slotCount || !(ts >= this.ts[slot]!)) return;
    this.ts[slot] = ts;
    this.node[slot] = nodeId;
    this.keys[slot] = keys;
    if (ts > this.newest) this.newest = ts;
  }

  /**
   * Owners at `to` (rows in [to - lookbackMs, to), as the owners query reads them), or undefined when rows of that
   * window may be missing here or a row at or after `to` may hide one.
   */
  at(to: number, lookbackMs: number, slotFrom: number, slotTo: number): SlotOwnerRows | undefined {
    const from = to - lookbackMs;
    if (this.newest >= to || from < this.coveredFrom) return undefined;
    const out: SlotOwnerRows = { slots: [], nodeIds: [], keys: [] };
    for (let s = slotFrom; s <= slotTo; s++) {
      if (!(this.ts[s]! >= from)) continue;
      out.slots.push(s);
      out.nodeIds.push(this.node[s]!);
      out.keys.push(this.keys[s]!);
    }
    return out;
  }
}
