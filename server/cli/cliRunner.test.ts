import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromJson, type Json } from '../../test/fixtures/json.ts';
import type { NodeSnapshot } from '../collect/nodeWatcher.ts';
import type { Topology } from '../collect/clusterTopology.ts';
import type { AuditRow, CliHistoryRow } from '../store/audit.ts';
import type { ReplyNode } from '../valkey/resp3.ts';
import { keySlotOfText } from '../valkey/keySlot.ts';
import { CliError, CliRunner, type CliConnection } from './cliRunner.ts';

const fixture = (name: string) => fromJson((JSON.parse(readFileSync(join(import.meta.dir, '../../test/fixtures/commands', `valkey9-${name}.json`), 'utf8')) as { reply: Json }).reply);
const commandReply = fixture('command');
const docsReply = fixture('command-docs');

/** A RESP2-shaped value (the fixtures, test answers) as the typed tree a RESP3 connection gives. */
function tree(v: unknown): ReplyNode {
  if (v === null || v === undefined) return { t: 'nil' };
  if (typeof v === 'string') return { t: 'bulk', v: Buffer.from(v) };
  if (Buffer.isBuffer(v)) return { t: 'bulk', v };
  if (typeof v === 'number') return { t: 'int', v };
  if (v instanceof Error) return { t: 'error', v: v.message };
  if (Array.isArray(v)) return { t: 'array', items: v.map(tree) };
  return v as ReplyNode;
}

/** A node that answers COMMAND / COMMAND DOCS from the fixtures and everything else with `answer`. */
function fakeConnection(address: string, sent: { node: string; argv: string[] }[], answer: (argv: string[]) => unknown): CliConnection {
  // Closing fails the call in flight, as a real connection does.
  let failPending: ((e: Error) => void) | undefined;
  return {
    protocol: 3,
    onClose: () => undefined,
    close: () => failPending?.(new Error('Connection is closed')),
    call(argvBuffers: Buffer[]) {
      const argv = argvBuffers.map(String);
      if (argv[0] === 'COMMAND' && argv.length === 1) return Promise.resolve(tree(commandReply));
      if (argv[0] === 'COMMAND' && argv[1] === 'DOCS') return Promise.resolve(tree(docsReply));
      sent.push({ node: address, argv });
      return new Promise<ReplyNode>((resolve, reject) => {
        failPending = reject;
        Promise.resolve(answer(argv)).then((r) => resolve(tree(r)), reject);
      });
    },
  };
}

const node = (address: string, role: 'primary' | 'replica'): NodeSnapshot => ({ address, url: `redis://${address}`, role, state: 'up', since: 0, sources: {} as NodeSnapshot['sources'] });
// a owns 0-8191, b 8192-16383; c is b's replica.
const topology: Topology = {
  updatedAt: 0,
  targets: [],
  shards: [
    { id: 'a', slots: [[0, 8191]], slotCount: 8192, nodes: [{ address: 'a:1', role: 'primary' }] },
    { id: 'b', slots: [[8192, 16383]], slotCount: 8192, nodes: [{ address: 'b:1', role: 'primary' }, { address: 'c:1', role: 'replica' }] },
  ],
} as unknown as Topology;

function setup(opts: { readOnly?: boolean; answer?: (argv: string[], node: string) => unknown; timeoutMs?: number } = {}) {
  const sent: { node: string; argv: string[] }[] = [];
  const history: CliHistoryRow[] = [];
  const audit: AuditRow[] = [];
  const runner = new CliRunner({
    nodes: () => [node('a:1', 'primary'), node('b:1', 'primary'), node('c:1', 'replica')],
    topology: () => topology,
    openNode: async (address) => fakeConnection(address, sent, (argv) => (opts.answer ? opts.answer(argv, address) : Buffer.from('OK'))),
    recordCliHistory: async (r) => void history.push(r),
    recordAudit: async (r) => void audit.push(r),
    readOnly: opts.readOnly ?? false,
    now: () => 1000,
    commandTimeoutMs: opts.timeoutMs,
  });
  const run = (line: string, extra: { node?: string; confirm?: string } = {}) => runner.run({ argv: line.split(' ').map((a) => Buffer.from(a)), ...extra });
  return { runner, run, sent, history, audit };
}

const keyOn = (wantLow: boolean) => {
  for (let i = 0; ; i++) if (keySlotOfText(`k${i}`) < 8192 === wantLow) return `k${i}`;
};

describe('CliRunner', () => {
  test('routes by key slot, keyless to a primary, node pins', async () => {
    const { run, sent } = setup();
    expect((await run(`GET ${keyOn(true)}`)).node).toBe('a:1');
    expect((await run(`GET ${keyOn(false)}`)).node).toBe('b:1');
    expect((await run('DBSIZE')).node).toBe('a:1');
    expect((await run(`GET ${keyOn(true)}`, { node: 'c:1' })).node).toBe('c:1');
    expect(sent.map((s) => s.node)).toEqual(['a:1', 'b:1', 'a:1', 'c:1']);
    await expect(run('PING', { node: 'z:1' })).rejects.toMatchObject({ code: 'bad_parameter' });
  });

  test('cross-slot keys are refused before anything is sent', async () => {
    const { run, sent } = setup();
    await expect(run(`MGET ${keyOn(true)} ${keyOn(false)}`)).rejects.toMatchObject({ code: 'cross_slot' });
    expect(sent).toEqual([]);
  });

  test('a MOVED reply is followed once to the watched node it names', async () => {
    const key = keyOn(true);
    const { run, sent } = setup({ answer: (_argv, at) => (at === 'a:1' ? new Error(`MOVED ${keySlotOfText(key)} b:1`) : Buffer.from('v')) });
    const r = await run(`GET ${key}`);
    expect(r.node).toBe('b:1');
    expect(r.reply).toEqual({ t: 'bulk', v: Buffer.from('v') });
    expect(sent.map((s) => s.node)).toEqual(['a:1', 'b:1']);
  });

  test('error replies are answers; history and audit rows are redacted', async () => {
    const { run, history, audit } = setup({ answer: (argv) => (argv[0] === 'CONFIG' ? new Error('ERR nope') : Buffer.from('OK')) });
    const r = await run('CONFIG SET masterauth s3cret', { confirm: 'CONFIG SET a:1' });
    expect(r.reply).toEqual({ t: 'error', v: 'ERR nope' });
    await run('GET k0');
    expect(history.map((h) => [h.command, h.ok])).toEqual([['CONFIG SET masterauth ***', false], ['GET k0', true]]);
    expect(audit).toEqual([{ ts: 1000, source: 'cli', node: 'a:1', command: 'CONFIG SET masterauth ***', target: 'a:1', ok: false, error: 'ERR nope' }]);
  });

  test('read-only, confirmation and refusal', async () => {
    const ro = setup({ readOnly: true });
    await expect(ro.run('SET k v')).rejects.toMatchObject({ code: 'read_only' });
    expect((await ro.run('CONFIG GET maxmemory')).node).toBe('a:1');
    const rw = setup();
    const e = (await rw.run('FLUSHALL').catch((x: unknown) => x)) as CliError;
    expect(e).toBeInstanceOf(CliError);
    expect([e.code, e.extra]).toEqual(['confirm_required', { target: 'a:1', confirm: 'FLUSHALL a:1' }]);
    await expect(rw.run('FLUSHALL', { confirm: 'FLUSHALL a:1' })).resolves.toMatchObject({ node: 'a:1' });
    await expect(rw.run('MONITOR')).rejects.toMatchObject({ code: 'refused' });
    expect(rw.sent.map((s) => s.argv[0])).toEqual(['FLUSHALL']);
  });

  test('a node whose COMMAND cannot be read refuses to run anything (the policy needs it)', async () => {
    const runner = new CliRunner({
      nodes: () => [node('a:1', 'primary')],
      topology: () => ({ updatedAt: 0, targets: [], shards: [] }),
      openNode: async () => ({ protocol: 3, onClose() {}, close() {}, call: async () => ({ t: 'error', v: 'NOPERM no COMMAND for you' }) }) as CliConnection,
      recordCliHistory: async () => {},
      recordAudit: async () => {},
      readOnly: true,
      now: () => 0,
    });
    await expect(runner.run({ argv: [Buffer.from('GET'), Buffer.from('k')] })).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('NOPERM') });
  });

  test('blocking timeouts are capped; a command past the deadline is abandoned', async () => {
    const { run, sent } = setup({ timeoutMs: 50, answer: (argv) => (argv[0] === 'DEBUG' ? new Promise(() => undefined) : null) });
    const r = await run('BLPOP q 0');
    expect(r.cappedTimeoutS).toBe(5);
    expect(sent[0]!.argv).toEqual(['BLPOP', 'q', '5']);
    await expect(run('DEBUG SLEEP 10', { confirm: 'DEBUG a:1' })).rejects.toMatchObject({ code: 'timeout' });
  });
});
