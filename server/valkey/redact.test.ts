import { describe, expect, test } from 'bun:test';
import { commandLine, redactArgs } from './redact.ts';

const b = (...xs: string[]) => xs.map((x) => Buffer.from(x));

describe('redactArgs', () => {
  test.each([
    [['AUTH', 'hunter2'], ['AUTH', '***']],
    [['auth', 'default', 'hunter2'], ['auth', '***', '***']],
    [['HELLO', '3', 'AUTH', 'ada', 'hunter2', 'SETNAME', 'x'], ['HELLO', '3', 'AUTH', 'ada', '***', 'SETNAME', 'x']],
    [['ACL', 'SETUSER', 'ada', 'on', '>hunter2', '~k:*', '+@read', '#abc', '<old'], ['ACL', 'SETUSER', 'ada', 'on', '***', '~k:*', '+@read', '***', '***']],
    [['CONFIG', 'SET', 'requirepass', 's3', 'maxmemory', '1gb', 'masterauth', 'm'], ['CONFIG', 'SET', 'requirepass', '***', 'maxmemory', '1gb', 'masterauth', '***']],
    [['config', 'set', 'primaryauth', 'p'], ['config', 'set', 'primaryauth', '***']],
    [['MIGRATE', 'h', '1', '', '0', '5000', 'COPY', 'AUTH', 'pw', 'KEYS', 'a'], ['MIGRATE', 'h', '1', '', '0', '5000', 'COPY', 'AUTH', '***', 'KEYS', 'a']],
    [['MIGRATE', 'h', '1', 'k', '0', '5000', 'AUTH2', 'u', 'pw'], ['MIGRATE', 'h', '1', 'k', '0', '5000', 'AUTH2', 'u', '***']],
    [['SET', 'AUTH', 'hunter2'], ['SET', 'AUTH', 'hunter2']],
    [['CONFIG', 'GET', 'requirepass'], ['CONFIG', 'GET', 'requirepass']],
  ])('%j', (argv, want) => {
    expect(redactArgs(argv)).toEqual(want);
  });
});

describe('commandLine', () => {
  test('quotes, escapes binary bytes and redacts', () => {
    expect(commandLine(b('SET', 'a b', ''))).toBe('SET "a b" ""');
    expect(commandLine([Buffer.from('GET'), Buffer.from([0x62, 0xff, 0x00])])).toBe('GET b\\xff\\x00');
    expect(commandLine(b('AUTH', 'user', 'hunter2'))).toBe('AUTH *** ***');
    expect(commandLine(b('HELLO', '3', 'AUTH', 'u', 'hunter2'))).not.toContain('hunter2');
  });
});
