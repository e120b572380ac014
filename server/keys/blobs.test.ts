import { describe, expect, test } from 'bun:test';
import { blobInput, BlobInputError, blobJson, keyBlob } from './blobs.ts';

describe('blobs', () => {
  test('text, binary escapes and cuts', () => {
    expect(blobJson(Buffer.from('héllo'))).toEqual({ text: 'héllo', hex: '68c3a96c6c6f', bytes: 6, binary: false, truncated: false });
    expect(blobJson(Buffer.from([0, 0xff, 0x41, 0x5c]))).toMatchObject({ text: '\\x00\\xffA\\x5c', binary: true });
    const cut = blobJson(Buffer.from('é'.repeat(10)), 5);
    expect(cut).toMatchObject({ text: 'éé', hex: 'c3a9c3a9c3', bytes: 20, binary: false, truncated: true });
    // A window of a bigger value says so.
    expect(blobJson(Buffer.from('abc'), 100, 10).truncated).toBe(true);
    const k = keyBlob(Buffer.alloc(300, 0x61));
    expect(k.hex.length).toBe(600);
    expect(k.text.length).toBe(256);
  });

  test('input forms', () => {
    expect(blobInput('key', { text: 'a' })).toEqual(Buffer.from('a'));
    expect(blobInput('key', { hex: '00ff' })).toEqual(Buffer.from([0, 255]));
    expect(blobInput('key', 'plain')).toEqual(Buffer.from('plain'));
    expect(() => blobInput('key', { hex: 'zz' })).toThrow(BlobInputError);
    expect(() => blobInput('key', { hex: '0' })).toThrow('key:');
    expect(() => blobInput('key', 5)).toThrow(BlobInputError);
    expect(() => blobInput('key', { text: '' }, false)).toThrow('must not be empty');
  });
});
