import { describe, expect, test } from 'bun:test';
import { commandLine, commandName, commandPattern, quoteArg } from './commandLine.ts';

const b = (s: string) => new TextEncoder().encode(s);
const args = (...xs: (string | Uint8Array)[]) => xs.map((x) => (typeof x === 'string' ? b(x) : x));

describe('commandName', () => {
  test('lower case; a container command names its subcommand', () => {
    expect(commandName(args('GET', 'k'))).toBe('get');
    expect(commandName(args('CONFIG', 'GET', 'maxmemory'))).toBe('config|get');
    // As INFO commandstats names them: DEBUG has no subcommands there.
    expect(commandName(args('debug', 'SLEEP', '0'))).toBe('debug');
    expect(commandName(args('CLIENT', 'KILL', 'ID', '7'))).toBe('client|kill');
  });
  test('a container without a readable subcommand, an empty or binary command', () => {
    expect(commandName(args('CONFIG'))).toBe('config');
    expect(commandName(args('CONFIG', new Uint8Array([0xff])))).toBe('config');
    expect(commandName([])).toBe('');
    expect(commandName(args(new Uint8Array([0xff, 0x00])))).toBe('?');
  });
});

describe('quoteArg and commandLine', () => {
  test('plain text stays bare; spaces, quotes, control and non-UTF-8 bytes are quoted and escaped', () => {
    expect(quoteArg(b('user:1'))).toBe('user:1');
    expect(quoteArg(b('café'))).toBe('café');
    expect(quoteArg(b('a b'))).toBe('"a b"');
    expect(quoteArg(b('say "hi"\n'))).toBe('"say \\"hi\\"\\n"');
    expect(quoteArg(b(''))).toBe('""');
    expect(quoteArg(new Uint8Array([0x62, 0x69, 0x6e, 0xff, 0xfe, 0x00, 0x01]))).toBe('"bin\\xff\\xfe\\x00\\x01"');
  });
  test('cut arguments and dropped arguments are said in the line', () => {
    expect(commandLine(args('SET', 'k', 'xxxx'), [0, 0, 99872], 0)).toBe('SET k xxxx…(+99872 bytes)');
    expect(commandLine(args('RPUSH', 'l', 'a'), [0, 0, 0], 11)).toBe('RPUSH l a …(+11 more arguments)');
  });
  test('a line past 1024 characters is cut (the arguments stay whole beside it)', () => {
    const many = args('RPUSH', 'l', ...Array.from({ length: 30 }, () => 'v'.repeat(128)));
    const line = commandLine(many, many.map(() => 0), 0);
    expect(line).toHaveLength(1025);
    expect(line.endsWith('…')).toBe(true);
    expect(line.startsWith('RPUSH l vvv')).toBe(true);
  });
});

describe('commandPattern', () => {
  test('ids and numbers fold so entries that differ only by them group together', () => {
    expect(commandPattern(args('GET', 'user:1001'))).toBe('GET user:#');
    expect(commandPattern(args('get', 'user:2002'))).toBe('GET user:#');
    expect(commandPattern(args('EXPIRE', 'session:abc', '3600'))).toBe('EXPIRE session:abc #');
    expect(commandPattern(args('GET', 'obj:550e8400-e29b-41d4-a716-446655440000'))).toBe('GET obj:#');
    expect(commandPattern(args('GET', 'h:deadbeef01'))).toBe('GET h:#');
    expect(commandPattern(args('DEBUG', 'SLEEP', '0.05'))).toBe('DEBUG SLEEP #');
    expect(commandPattern(args('CONFIG', 'SET', 'maxmemory', '100mb'))).toBe('CONFIG SET maxmemory #mb');
  });
  test('long or binary values become ?, and arguments past the fourth fold into …', () => {
    expect(commandPattern(args('SET', 'k:1', 'x'.repeat(100)))).toBe('SET k:# ?');
    expect(commandPattern(args('SET', new Uint8Array([0xff]), 'v'))).toBe('SET ? v');
    expect(commandPattern(args('MSET', 'a', '1', 'b', '2', 'c', '3'))).toBe('MSET a # b # …');
    expect(commandPattern(args('RPUSH', 'l', 'a'), 11)).toBe('RPUSH l a …');
  });
});
