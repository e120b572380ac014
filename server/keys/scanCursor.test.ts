import { describe, expect, test } from 'bun:test';
import { CursorError, decodeCursor, encodeCursor, isComplete, startState } from './scanCursor.ts';

describe('scan cursor', () => {
  test('round-trips every node cursor, the filters and totals', () => {
    const s = startState(['a:1', 'b:2'], 'user:*', 'hash');
    s.nodes[0]!.cursor = '18446744073709551615';
    s.nodes[1]!.done = true;
    s.calls = 7;
    s.keys = 1234;
    s.notBefore = 1_700_000_000_000;
    const text = encodeCursor(s);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text)).toEqual(s);
    expect(isComplete(s)).toBe(false);
    s.nodes[0]!.done = true;
    expect(isComplete(decodeCursor(encodeCursor(s)))).toBe(true);
  });

  test('refuses anything else', () => {
    for (const bad of ['', 'abc', Buffer.from('[2]').toString('base64url'), Buffer.from('[1,null,null,[["a","x",0]],0,0,0]').toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(CursorError);
    }
  });
});
