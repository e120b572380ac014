// Tests the local hash-slot computation against the CRC16 check value and slots a real Valkey 9.1 reported.
import { describe, expect, test } from 'bun:test';
import { crc16, keySlot, keySlotOfText } from './keySlot.ts';

const b = (s: string) => new TextEncoder().encode(s);

describe('keySlot', () => {
  test('CRC16/XMODEM check value', () => {
    expect(crc16(b('123456789'))).toBe(0x31c3);
  });

  // CLUSTER KEYSLOT answers from a real Valkey 9.1.2.
  test.each([
    ['foo', 12182],
    ['hello', 866],
    ['{user1000}.following', 3443],
    ['{user1000}.followers', 3443],
    ['foo{}{bar}', 8363],
    ['foo{{bar}}zap', 4015],
    ['foo{bar}{zap}', 5061],
  ])('%s -> %d', (key, slot) => {
    expect(keySlot(b(key))).toBe(slot);
    expect(keySlotOfText(key)).toBe(slot);
  });

  test('text keys with non-ASCII characters hash their UTF-8 bytes', () => {
    expect(keySlotOfText('ключ{é}x')).toBe(keySlot(b('ключ{é}x')));
  });

  test('binary keys', () => {
    expect(keySlot(new Uint8Array([0x62, 0x69, 0x6e, 0xff, 0xfe, 0x00, 0x01]))).toBe(crc16(new Uint8Array([0x62, 0x69, 0x6e, 0xff, 0xfe, 0x00, 0x01])) & 0x3fff);
  });
});
