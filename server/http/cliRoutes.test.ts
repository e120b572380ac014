import { describe, expect, test } from 'bun:test';
import { parseReplies } from '../valkey/resp3.ts';
import { replyJson } from './cliRoutes.ts';

describe('replyJson', () => {
  test('RESP3 nodes as the contract gives them: payloads as blobs, the rest as parsed', () => {
    const [map, verbatim, set, dbl] = parseReplies(Buffer.from('%1\r\n$1\r\nf\r\n$2\r\n\xff\x00\r\n=8\r\ntxt:a\r\nb\r\n~1\r\n+x\r\n,inf\r\n', 'latin1'));
    expect(replyJson(map!)).toEqual({
      t: 'map',
      entries: [[{ t: 'bulk', v: { text: 'f', hex: '66', bytes: 1, binary: false, truncated: false } }, { t: 'bulk', v: { text: '\\xff\\x00', hex: 'ff00', bytes: 2, binary: true, truncated: false } }]],
    });
    expect(replyJson(verbatim!)).toEqual({ t: 'verbatim', format: 'txt', v: { text: 'a\r\nb', hex: '610d0a62', bytes: 4, binary: false, truncated: false } });
    expect(replyJson(set!)).toEqual({ t: 'set', items: [{ t: 'simple', v: 'x' }] });
    expect(JSON.parse(JSON.stringify(replyJson(dbl!)))).toEqual({ t: 'double', v: 'inf' });
  });

  test('a bulk cut by the parser keeps its whole size; a character cut in two does not make it binary', () => {
    const text = '€'.repeat(30_000); // 90 000 bytes, cut at 65 536: the middle of a €
    const [r] = parseReplies(Buffer.from(`$${Buffer.byteLength(text)}\r\n${text}\r\n`));
    const json = replyJson(r!) as { v: { text: string; bytes: number; binary: boolean; truncated: boolean; hex: string } };
    expect([json.v.bytes, json.v.binary, json.v.truncated, json.v.hex.length / 2]).toEqual([90_000, false, true, 65_535]);
    expect(json.v.text).toBe('€'.repeat(21_845));
  });
});
