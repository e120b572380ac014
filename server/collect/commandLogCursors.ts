// Remembers, per command log type of one node, the last entry read, so each entry is stored once and losses are counted.
import type { CommandLogType } from './sink.ts';

/** What a command log reply entry needs to be placed: its id (the rest travels along). */
export interface IdentifiedEntry {
  id: number;
}

export interface LogCursor {
  /** The server's run_id when lastId was read: ids start again from 0 when the server restarts. */
  runId: string;
  lastId: number;
}

export interface TakeResult<E extends IdentifiedEntry> {
  /** Entries not read before, oldest first. */
  fresh: E[];
  /** Entries the server logged and dropped before they could be read (0 when none, or unknown). */
  lost: number;
  /** Why they were dropped: the log was reset (it is not full), or rotated (it is full), or the server restarted. */
  reason?: 'reset' | 'rotated' | 'restart';
  /** First and last id of the lost range, when known. */
  lostIds?: [number, number];
}

export class CommandLogCursors {
  private readonly cursors = new Map<CommandLogType, LogCursor>();

  constructor(resume: { type: CommandLogType; runId: string; lastId: number }[] = []) {
    for (const r of resume) this.cursors.set(r.type, { runId: r.runId, lastId: r.lastId });
  }

  get(type: CommandLogType): LogCursor | undefined {
    return this.cursors.get(type);
  }

  /**
   * Whether a newest-first reply of `asked` entries reaches back to what was read before. When it does not,
   * the caller reads the whole log (its length) so nothing in between is missed.
   */
  reachesBack(type: CommandLogType, runId: string, newestFirst: IdentifiedEntry[], asked: number): boolean {
    if (newestFirst.length < asked) return true;
    const cursor = this.cursors.get(type);
    if (!cursor || cursor.runId !== runId) return false;
    const oldest = newestFirst[newestFirst.length - 1]!.id;
    return oldest <= cursor.lastId + 1;
  }

  /**
   * Takes a newest-first reply that reaches back as far as the log goes (see reachesBack). Entries at or below
   * the last id read are old; a gap between the last id read and the oldest entry is counted as lost.
   */
  take<E extends IdentifiedEntry>(type: CommandLogType, runId: string, newestFirst: E[], log: { length: number; maxLen: number }): TakeResult<E> {
    const cursor = this.cursors.get(type);
    const oldestFirst = [...newestFirst].sort((a, b) => a.id - b.id);
    const newest = oldestFirst.at(-1);
    // First sight of this log, or the server restarted (new run_id, ids from 0 again): everything it holds is new.
    // Ids that went backwards under the same run_id can only mean the same (a run_id read late): start over too.
    if (!cursor || cursor.runId !== runId || (newest !== undefined && newest.id < cursor.lastId)) {
      // An empty log tells nothing about where ids are: the first entry seen later is taken without counting a gap.
      if (newest !== undefined) this.cursors.set(type, { runId, lastId: newest.id });
      else this.cursors.delete(type);
      const restarted = cursor !== undefined && cursor.runId !== runId;
      return { fresh: oldestFirst, lost: 0, ...(restarted ? { reason: 'restart' as const } : {}) };
    }
    const fresh = oldestFirst.filter((e) => e.id > cursor.lastId);
    if (fresh.length === 0) return { fresh, lost: 0 };
    const oldest = oldestFirst[0]!.id;
    let lost = 0;
    let reason: TakeResult<E>['reason'];
    let lostIds: [number, number] | undefined;
    if (oldest > cursor.lastId + 1) {
      lost = oldest - cursor.lastId - 1;
      lostIds = [cursor.lastId + 1, oldest - 1];
      // A rotated log is full; one that holds fewer than it may was emptied by a RESET since the last read.
      reason = log.length < log.maxLen ? 'reset' : 'rotated';
    }
    this.cursors.set(type, { runId, lastId: newest!.id });
    return { fresh, lost, ...(reason ? { reason, lostIds } : {}) };
  }
}
