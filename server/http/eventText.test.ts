import { expect, test } from 'bun:test';
import { eventMessage } from './eventText.ts';

test.each([
  [{ kind: 'node_down', detail: { error: 'connection refused' } }, 'down: connection refused'],
  [{ kind: 'node_up', detail: { downSeconds: 12 } }, 'up again after 12 s down'],
  [{ kind: 'node_up', detail: {} }, 'up'],
  [{ kind: 'failover', detail: { promoted: 'a:2', previousPrimary: 'a:1' } }, 'promoted to primary (was replica of a:1)'],
  [{ kind: 'role_change', detail: { from: 'primary', to: 'replica', primary: 'a:2' } }, 'role primary → replica (primary a:2)'],
  [{ kind: 'config_change', detail: { changes: [{ field: 'maxmemory', from: '0', to: '1024' }] } }, 'config: maxmemory 0 → 1024'],
  [{ kind: 'source_error', detail: { source: 'memory_stats', error: 'NOPERM' } }, 'memory_stats poll failing: NOPERM'],
  [{ kind: 'slot_move', detail: { slots: [[100, 100]], from: 'a:1', to: 'b:1', count: 1 } }, 'slot 100 moved from a:1 to b:1'],
  [{ kind: 'slot_move', detail: { slots: [[0, 9], [20, 20], [30, 31], [40, 40]], from: 'a:1', to: 'b:1', count: 14 } }, '14 slots 0-9, 20, 30-31, … moved from a:1 to b:1'],
  [{ kind: 'slot_move', detail: { slots: [[5, 6]], from: null, to: 'b:1', count: 2 } }, '2 slots 5-6 moved from no owner to b:1'],
  [{ kind: 'commandlog_lost', detail: { type: 'slow', lost: 2, reason: 'reset', ids: [11, 12] } }, '2 slow log entries lost before they were read (the log was reset)'],
  [{ kind: 'commandlog_lost', detail: { type: 'large-reply', lost: 40, reason: 'rotated' } }, '40 large-reply log entries lost before they were read (the log rotated past them)'],
] as const)('%p reads "%s"', (e, text) => {
  expect(eventMessage(e as any)).toBe(text);
});
