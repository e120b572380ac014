// Tests the slot ownership diff: migrations, failovers, unassigned slots and range grouping.
import { expect, test } from 'bun:test';
import { slotMoves, type SlotOwnership } from './slotMoves.ts';

const three = (): SlotOwnership[] => [
  { owner: 'a:1', members: ['a:1', 'a:2'], slots: [[0, 5460]] },
  { owner: 'b:1', members: ['b:1', 'b:2'], slots: [[5461, 10921]] },
  { owner: 'c:1', members: ['c:1', 'c:2'], slots: [[10922, 16383]] },
];

test('the same ownership is no move', () => {
  expect(slotMoves(three(), three())).toEqual([]);
});

test('one migrated slot, and ranges from two sources, grouped per (from, to)', () => {
  const after = three();
  after[0]!.slots = [[0, 99], [101, 5460]];
  after[1]!.slots = [[100, 100], [5461, 10921], [10922, 10930]];
  after[2]!.slots = [[10931, 16383]];
  expect(slotMoves(three(), after)).toEqual([
    { slots: [[100, 100]], from: 'a:1', to: 'b:1', count: 1 },
    { slots: [[10922, 10930]], from: 'c:1', to: 'b:1', count: 9 },
  ]);
});

test('non-contiguous slots of one move become several ranges', () => {
  const after = three();
  after[0]!.slots = [[1, 4], [6, 5460]];
  after[2]!.slots = [[0, 0], [5, 5], [10922, 16383]];
  expect(slotMoves(three(), after)).toEqual([{ slots: [[0, 0], [5, 5]], from: 'a:1', to: 'c:1', count: 2 }]);
});

test('a failover (the replica takes over its shard) is not a move', () => {
  const after = three();
  after[0] = { owner: 'a:2', members: ['a:2'], slots: [[0, 5460]] };
  expect(slotMoves(three(), after)).toEqual([]);
  // also when the old primary has already rejoined as the new primary's replica
  after[0] = { owner: 'a:2', members: ['a:2', 'a:1'], slots: [[0, 5460]] };
  expect(slotMoves(three(), after)).toEqual([]);
});

test('slots that become unassigned or get assigned have a null side', () => {
  const after = three();
  after[2]!.slots = [[10922, 16000]];
  expect(slotMoves(three(), after)).toEqual([{ slots: [[16001, 16383]], from: 'c:1', to: null, count: 383 }]);
  expect(slotMoves(after, three())).toEqual([{ slots: [[16001, 16383]], from: null, to: 'c:1', count: 383 }]);
});

test('a whole shard handed to a new primary outside it is a move of all its slots', () => {
  const after = three();
  after[1] = { owner: 'd:1', members: ['d:1'], slots: [[5461, 10921]] };
  expect(slotMoves(three(), after)).toEqual([{ slots: [[5461, 10921]], from: 'b:1', to: 'd:1', count: 5461 }]);
});
