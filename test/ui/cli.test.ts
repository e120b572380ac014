// The CLI page's pure parts: splitting lines like redis-cli, printing typed replies like redis-cli, argument hints and completion.
import { expect, test } from 'bun:test';
import { applyCompletion, argHint, argumentTokens, complete, historyLines, quoteBulk, replyLines, replyText, splitCommandLine, type CommandDoc, type Reply } from '../../ui/lib/cli.js';

const bulk = (text: string): Reply => ({ t: 'bulk', v: { text, hex: Buffer.from(text).toString('hex'), bytes: Buffer.byteLength(text), binary: false, truncated: false } });

test('lines split like redis-cli: quotes, escapes, \\xHH as exact bytes', () => {
  expect(splitCommandLine('  SET  user:1   hello ')).toEqual({ args: ['SET', 'user:1', 'hello'] });
  expect(splitCommandLine('SET k "two words" \'it\\\'s\'')).toEqual({ args: ['SET', 'k', 'two words', "it's"] });
  expect(splitCommandLine('SET k "a\\nb\\"c"')).toEqual({ args: ['SET', 'k', 'a\nb"c'] });
  expect(splitCommandLine('SET "\\x00\\xffA" v')).toEqual({ args: ['SET', { hex: '00ff41' }, 'v'] });
  expect(splitCommandLine("SET k '\\x00'")).toEqual({ args: ['SET', 'k', '\\x00'] });
  expect(splitCommandLine('GET ""')).toEqual({ args: ['GET', ''] });
  expect(splitCommandLine('GET "unclosed').error).toContain('unclosed');
  expect(splitCommandLine('GET "a"b').error).toBeDefined();
  expect(splitCommandLine('   ')).toEqual({ args: [] });
});

test('replies print like redis-cli: numbered, nested arrays indented under their number, maps, nil, errors, numbers', () => {
  expect(replyText({ t: 'simple', v: 'OK' })).toBe('OK');
  expect(replyText(bulk('hello "x"\n'))).toBe('"hello \\"x\\"\\n"');
  expect(replyText({ t: 'int', v: 42 })).toBe('(integer) 42');
  expect(replyText({ t: 'nil' })).toBe('(nil)');
  expect(replyText({ t: 'double', v: 1.5 })).toBe('(double) 1.5');
  expect(replyText({ t: 'error', v: 'ERR wrong' })).toBe('(error) ERR wrong');
  expect(replyText({ t: 'array', items: [] })).toBe('(empty array)');
  // SCAN's reply: a cursor and a nested array.
  expect(replyText({ t: 'array', items: [bulk('0'), { t: 'array', items: [bulk('a'), bulk('b')] }] })).toBe(['1) "0"', '2) 1) "a"', '   2) "b"'].join('\n'));
  // Ten items widen the numbers, and nested items indent past them.
  const ten = { t: 'array', items: Array.from({ length: 10 }, (_, i) => (i === 9 ? { t: 'array', items: [{ t: 'int', v: 1 }, { t: 'int', v: 2 }] } : bulk(String(i)))) } as Reply;
  const lines = replyText(ten).split('\n');
  expect(lines[0]).toBe(' 1) "0"');
  expect(lines[9]).toBe('10) 1) (integer) 1');
  expect(lines[10]).toBe('    2) (integer) 2');
  expect(replyText({ t: 'map', entries: [[bulk('server'), bulk('valkey')], [bulk('modules'), { t: 'array', items: [] }]] })).toBe(['1# "server" => "valkey"', '2# "modules" => (empty array)'].join('\n'));
  // Binary bulk: the server's \xHH escapes stay, quotes are escaped.
  expect(quoteBulk({ text: '\\x00"\\xff', hex: '0022ff', bytes: 3, binary: true, truncated: false })).toBe('"\\x00\\"\\xff"');
});

test('RESP3 types print like redis-cli 7+: sets with ~, maps with #, doubles, booleans, big numbers, verbatim text', () => {
  expect(replyText({ t: 'double', v: 'inf' })).toBe('(double) inf');
  expect(replyText({ t: 'bool', v: true })).toBe('(true)');
  expect(replyText({ t: 'bool', v: false })).toBe('(false)');
  expect(replyText({ t: 'bignum', v: '1234567999999999999999999999999999999' })).toBe('(big number) 1234567999999999999999999999999999999');
  expect(replyText({ t: 'int', v: '9223372036854775807' })).toBe('(integer) 9223372036854775807');
  expect(replyText({ t: 'set', items: [bulk('m1'), bulk('m2')] })).toBe(['1~ "m1"', '2~ "m2"'].join('\n'));
  expect(replyText({ t: 'set', items: [] })).toBe('(empty set)');
  expect(replyText({ t: 'map', entries: [] })).toBe('(empty hash)');
  expect(replyText({ t: 'map', entries: [[bulk('field1'), bulk('value1')], [bulk('f'), { t: 'set', items: [{ t: 'simple', v: 'off' }] }]] })).toBe(['1# "field1" => "value1"', '2# "f" => 1~ off'].join('\n'));
  // ZRANGE WITHSCORES in RESP3: pairs of member and double.
  expect(replyText({ t: 'array', items: [{ t: 'array', items: [bulk('a'), { t: 'double', v: '1.5' }] }] })).toBe(['1) 1) "a"', '   2) (double) 1.5'].join('\n'));
  const info = { t: 'verbatim', format: 'txt', v: { text: '# Keyspace\r\ndb0:keys=1\r\n', hex: '', bytes: 24, binary: false, truncated: false } } as Reply;
  expect(replyText(info)).toBe(['# Keyspace', 'db0:keys=1'].join('\n'));
  expect(replyText({ t: 'push', items: [bulk('message')] })).toBe('1) "message"');
  // A nested aggregate whose elements were all left out keeps its number.
  expect(replyText({ t: 'array', items: [bulk('0'), { t: 'array', items: [], more: 3 }] })).toBe(['1) "0"', '2) … 3 more elements not sent by Skyscope'].join('\n'));
});

test('a huge reply stops at the line limit and says how much is left', () => {
  const r = { t: 'array', items: Array.from({ length: 5000 }, (_, i) => bulk(`k${i}`)) } as Reply;
  const text = replyText(r);
  expect(text.split('\n').length).toBe(5000);
  const lines = replyLines(r, 100);
  expect(lines.length).toBe(101);
  expect(lines[100]![0]!.text).toBe('… 4900 more lines not shown');
});

const SET: CommandDoc = {
  name: 'set', summary: 'Sets the string value of a key', arguments: [
    { name: 'key', type: 'key' },
    { name: 'value', type: 'string' },
    { name: 'condition', type: 'oneof', flags: ['optional'], arguments: [{ name: 'nx', type: 'pure-token', token: 'NX' }, { name: 'xx', type: 'pure-token', token: 'XX' }] },
    { name: 'get', type: 'pure-token', token: 'GET', flags: ['optional'] },
    { name: 'expiration', type: 'oneof', flags: ['optional'], arguments: [{ name: 'seconds', type: 'integer', token: 'EX' }, { name: 'keepttl', type: 'pure-token', token: 'KEEPTTL' }] },
  ],
};
const commands: CommandDoc[] = [SET, { name: 'setex' }, { name: 'get', arguments: [{ name: 'key', type: 'key' }] }, { name: 'config' }, { name: 'config get', arguments: [{ name: 'parameter', type: 'string', flags: ['multiple'] }] }, { name: 'config|set' }];

test('argument hints read like the docs: optional in brackets, choices with |, repeats with ...', () => {
  expect(argHint(SET.arguments)).toBe('key value [NX|XX] [GET] [EX seconds|KEEPTTL]');
  expect(argHint(commands[4]!.arguments)).toBe('parameter [parameter ...]');
  expect(argHint([])).toBe('');
});

test('completion: command names by prefix, then subcommands, then the hint of the command typed', () => {
  expect(complete('se', commands).matches.map((c) => c.name)).toEqual(['set', 'setex']);
  expect(complete('SET', commands).matches.map((c) => c.name)).toEqual(['setex']);
  expect(complete('set ', commands).command?.name).toBe('set');
  expect(complete('set k v', commands).matches).toEqual([]);
  expect(complete('config ', commands).matches.map((c) => c.name)).toEqual(['config get', 'config|set']);
  expect(complete('config g', commands).matches.map((c) => c.name)).toEqual(['config get']);
  expect(complete('CONFIG GET max', commands).command?.name).toBe('config get');
  expect(applyCompletion('  se', SET)).toBe('  SET ');
  expect(applyCompletion('config g', commands[4]!)).toBe('CONFIG GET ');
  // Inside the arguments: tokens of the command's docs, at any depth, replacing the word being typed.
  expect(complete('set k v e', commands).matches.map((c) => c.name)).toEqual(['EX']);
  expect(complete('set k v ', commands).matches).toEqual([]);
  expect(complete('SET k v nx', commands).matches).toEqual([]);
  expect(complete('get k', commands).matches).toEqual([]);
  expect(applyCompletion('set k v e', complete('set k v e', commands).matches[0]!)).toBe('set k v EX ');
  expect(argumentTokens(SET.arguments).map((t) => t.name)).toEqual(['NX', 'XX', 'GET', 'EX', 'KEEPTTL']);
  expect(historyLines([{ command: 'GET a' }, { command: 'GET a' }, { command: 'SET a 1' }, 'PING'])).toEqual(['GET a', 'SET a 1', 'PING']);
});

test('an array the server cut short says how many elements it left out', () => {
  const r = { t: 'array', items: [bulk('a')], more: 9999 } as Reply;
  expect(replyText(r)).toBe(['1) "a"', '… 9999 more elements not sent by Skyscope'].join('\n'));
  const nested = { t: 'array', items: [bulk('0'), { t: 'array', items: [bulk('k')], more: 1 }] } as Reply;
  expect(replyText(nested)).toBe(['1) "0"', '2) 1) "k"', '   … 1 more element not sent by Skyscope'].join('\n'));
});
