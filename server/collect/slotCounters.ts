// Turns the cumulative per-slot counters of CLUSTER SLOT-STATS into per-interval deltas for one node.
import type { SlotStatsReply } from '../valkey/slotStatsReply.ts';
import type { SlotStatsBatch } from './sink.ts';

const slotCount = 16384;
/**
 * Every owned slot is written at least this often: under 5 minutes, so every 5-minute (and 1-hour) rollup bucket
 * holds every owned slot's key count, and a key-count column can be summed without carrying values forward.
 */
export const slotKeysFullEveryMs = 270_000;

/**
 * Keeps the previous reading of every slot the node owns. A slot's delta is known only when the same node
 * reported the slot's counters in the previous poll too: a slot seen for the first time (start, restart,
 * a slot that moved in, counters just enabled) gives a baseline, never a made-up delta. A counter that went
 * down was reset (CONFIG RESETSTAT, the slot left and came back): everything since the reset is the delta.
 * Only slots with activity or a new key count are returned, plus every owned slot at least every `fullEveryMs`
 * (so a reader finds every slot's key count in the last fullEveryMs: see slotKeysLookbackMs).
 */
export class SlotCounterTracker {
  private readonly cpu = new Float64Array(slotCount);
  private readonly netIn = new Float64Array(slotCount);
  private readonly netOut = new Float64Array(slotCount);
  /** 1 where the previous poll reported the slot's cpu/network counters. */
  private readonly known = new Uint8Array(slotCount);
  /** Key count last returned per slot; -1 = never (or not since the slot left). */
  private readonly keys = new Float64Array(slotCount).fill(-1);
  private owned: number[] = [];
  private lastFull = -Infinity;

  constructor(private readonly fullEveryMs = slotKeysFullEveryMs) {}

  /** Forget everything (the node restarted or stopped being a primary): the next poll is a baseline. */
  reset(): void {
    this.known.fill(0);
    this.keys.fill(-1);
    this.owned = [];
    this.lastFull = -Infinity;
  }

  update(node: string, ts: number, r: SlotStatsReply): SlotStatsBatch {
    const full = ts - this.lastFull >= this.fullEveryMs;
    if (full) this.lastFull = ts;
    const out: SlotStatsBatch = { ts, node, slots: [], keys: [], cpuUsec: [], netIn: [], netOut: [] };
    const now = new Uint8Array(slotCount);
    const counters = r.cpuUsec !== null && r.netIn !== null && r.netOut !== null;
    for (let i = 0; i < r.slots.length; i++) {
      const s = r.slots[i]!;
      now[s] = 1;
      let dc: number | null = null;
      let di: number | null = null;
      let dout: number | null = null;
      if (counters) {
        const c = r.cpuUsec![i]!;
        const ni = r.netIn![i]!;
        const no = r.netOut![i]!;
        if (this.known[s]) {
          dc = counterDelta(this.cpu[s]!, c);
          di = counterDelta(this.netIn[s]!, ni);
          dout = counterDelta(this.netOut[s]!, no);
        }
        this.cpu[s] = c;
        this.netIn[s] = ni;
        this.netOut[s] = no;
      }
      this.known[s] = counters ? 1 : 0;
      const k = r.keys[i]!;
      const changed = k !== this.keys[s] || (dc ?? 0) > 0 || (di ?? 0) > 0 || (dout ?? 0) > 0;
      if (!full && !changed) continue;
      this.keys[s] = k;
      out.slots.push(s);
      out.keys.push(k);
      out.cpuUsec.push(dc);
      out.netIn.push(di);
      out.netOut.push(dout);
    }
    // Slots that left: their next appearance here (if any) starts from a baseline again.
    for (const s of this.owned) {
      if (now[s]) continue;
      this.known[s] = 0;
      this.keys[s] = -1;
    }
    this.owned = r.slots.slice();
    return out;
  }
}

/** A cumulative counter's increase; one that went down was reset, so its new value is what happened since. */
export function counterDelta(prev: number, cur: number): number {
  return cur >= prev ? cur - prev : cur;
}
