import { describe, expect, test } from 'bun:test';
import { CommandLogCursors } from './commandLogCursors.ts';

const ids = (...xs: number[]) => xs.map((id) => ({ id }));
const log = { length: 5, maxLen: 128 };

describe('CommandLogCursors', () => {
  test('first sight takes everything the server holds, oldest first', () => {
    const c = new CommandLogCursors();
    expect(c.take('slow', 'run-a', ids(7, 6, 5), log)).toEqual({ fresh: ids(5, 6, 7), lost: 0 });
    expect(c.get('slow')).toEqual({ runId: 'run-a', lastId: 7 });
  });
  test('later reads keep only new ids; nothing new is nothing', () => {
    const c = new CommandLogCursors([{ type: 'slow', runId: 'run-a', lastId: 7 }]);
    expect(c.take('slow', 'run-a', ids(9, 8, 7, 6), log).fresh).toEqual(ids(8, 9));
    expect(c.take('slow', 'run-a', ids(9, 8, 7), log)).toEqual({ fresh: [], lost: 0 });
  });
  test('a gap after the last read is lost: reset when the log is not full, rotated when it is', () => {
    const c = new CommandLogCursors([{ type: 'slow', runId: 'r', lastId: 10 }]);
    expect(c.take('slow', 'r', ids(13), { length: 1, maxLen: 128 })).toEqual({ fresh: ids(13), lost: 2, reason: 'reset', lostIds: [11, 12] });
    expect(c.take('slow', 'r', ids(30, 29, 28), { length: 3, maxLen: 3 })).toEqual({ fresh: ids(28, 29, 30), lost: 14, reason: 'rotated', lostIds: [14, 27] });
  });
  test('a new run_id (server restart) takes everything, even ids at or below the last one read', () => {
    const c = new CommandLogCursors([{ type: 'slow', runId: 'old', lastId: 40 }]);
    expect(c.take('slow', 'new', ids(1, 0), log)).toEqual({ fresh: ids(0, 1), lost: 0, reason: 'restart' });
    expect(c.get('slow')).toEqual({ runId: 'new', lastId: 1 });
  });
  test('an empty log on first sight leaves no cursor, so the first entry seen later is not a gap', () => {
    const c = new CommandLogCursors();
    expect(c.take('slow', 'r', [], log)).toEqual({ fresh: [], lost: 0 });
    expect(c.get('slow')).toBeUndefined();
    expect(c.take('slow', 'r', ids(100), log)).toEqual({ fresh: ids(100), lost: 0 });
  });
  test('types are tracked apart', () => {
    const c = new CommandLogCursors([{ type: 'slow', runId: 'r', lastId: 5 }]);
    expect(c.take('large-reply', 'r', ids(0), log).fresh).toEqual(ids(0));
    expect(c.get('slow')!.lastId).toBe(5);
  });
  test('reachesBack: a short reply is the whole log; a full one must reach the id after the last read', () => {
    const c = new CommandLogCursors([{ type: 'slow', runId: 'r', lastId: 10 }]);
    expect(c.reachesBack('slow', 'r', ids(12, 11), 32)).toBe(true);
    expect(c.reachesBack('slow', 'r', ids(13, 12, 11), 3)).toBe(true);
    expect(c.reachesBack('slow', 'r', ids(14, 13, 12), 3)).toBe(false);
    expect(c.reachesBack('slow', 'other', ids(14, 13, 12), 3)).toBe(false);
    expect(c.reachesBack('large-request', 'r', ids(3, 2, 1), 3)).toBe(false);
  });
});
