import { describe, expect, test } from 'bun:test';
import { replyTree } from './replyTree.ts';

describe('replyTree', () => {
  test('RESP2 values as ioredis callBuffer returns them', () => {
    expect(replyTree(Buffer.from('OK'))).toEqual({ t: 'bulk', v: Buffer.from('OK') });
    expect(replyTree(42)).toEqual({ t: 'int', v: 42 });
    expect(replyTree(null)).toEqual({ t: 'nil' });
    expect(replyTree([Buffer.from([0xff]), null, [1, new Error('ERR inner')]])).toEqual({
      t: 'array',
      items: [{ t: 'bulk', v: Buffer.from([0xff]) }, { t: 'nil' }, { t: 'array', items: [{ t: 'int', v: 1 }, { t: 'error', v: 'ERR inner' }] }],
    });
    expect(replyTree([])).toEqual({ t: 'array', items: [] });
  });

  test('arrays past the item budget are cut and say how many were left out', () => {
    const tree = replyTree([[1, 2, 3], [4, 5, 6]], { maxItems: 4 });
    expect(tree).toEqual({ t: 'array', items: [{ t: 'array', items: [{ t: 'int', v: 1 }, { t: 'int', v: 2 }] , more: 1 }, { t: 'array', items: [], more: 3 }] });
  });
});
