// Tests target URL parsing, per-node targets and password redaction (no password may reach a message or display).
import { describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTarget, redactUrlText, targetForNode, TargetError } from './target.ts';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('parseTarget', () => {
  test.each([
    ['redis://127.0.0.1:6379', { host: '127.0.0.1', port: 6379, db: 0, username: undefined, password: undefined, tls: undefined, display: 'redis://127.0.0.1:6379' }],
    ['redis://cache.internal', { host: 'cache.internal', port: 6379, db: 0, display: 'redis://cache.internal:6379' }],
    ['redis://:s3cret@10.0.0.1:7000/2', { host: '10.0.0.1', port: 7000, db: 2, username: undefined, password: 's3cret', display: 'redis://:***@10.0.0.1:7000/2' }],
    ['redis://alice:pa%40ss%3Aw0rd@h:6380', { username: 'alice', password: 'pa@ss:w0rd', display: 'redis://alice:***@h:6380' }],
    ['redis://alice@h:6380', { username: 'alice', password: undefined, display: 'redis://alice@h:6380' }],
    ['redis://[::1]:6380/1', { host: '::1', port: 6380, db: 1, display: 'redis://[::1]:6380/1' }],
    ['valkey://h:1', { host: 'h', port: 1, tls: undefined, display: 'redis://h:1' }],
    ['rediss://h:6380?tls_insecure=1&tls_servername=cache.example', { tls: { ca: undefined, cert: undefined, key: undefined, insecure: true, servername: 'cache.example' }, display: 'rediss://h:6380' }],
    ['valkeys://h:6380', { tls: { ca: undefined, cert: undefined, key: undefined, insecure: false, servername: undefined }, display: 'rediss://h:6380' }],
  ])('%s', (url, want) => {
    expect(parseTarget(url)).toMatchObject(want);
  });

  test('SKYSCOPE_PASSWORD is the default password; one in the URL wins', () => {
    expect(parseTarget('redis://h:6379', 'fromenv')).toMatchObject({ password: 'fromenv', display: 'redis://:***@h:6379' });
    expect(parseTarget('redis://bob@h:6379', 'fromenv')).toMatchObject({ username: 'bob', password: 'fromenv', display: 'redis://bob:***@h:6379' });
    expect(parseTarget('redis://:inurl@h:6379', 'fromenv').password).toBe('inurl');
    expect(parseTarget('redis://h:6379', '').password).toBeUndefined();
  });

  test.each([
    ['not a url', /invalid target URL "not a url"/],
    ['http://h:6379', /unsupported scheme "http:"/],
    ['redis://h:0', /invalid port/],
    ['redis://h:99999', /invalid target URL/],
    ['redis://h:6379/x', /invalid database number "x"/],
    ['redis://h:6379/-1', /invalid database number "-1"/],
    ['redis://h:6379?tls=1', /unknown option "tls"/],
    ['redis:///0', /invalid target URL|has no host/],
  ])('%s is refused with a TargetError', (url, message) => {
    const e = errorOf(() => parseTarget(url));
    expect(e).toBeInstanceOf(TargetError);
    expect(e.message).toMatch(message);
  });

  test.each([
    // The scheme forgotten: the URL parser reads "default:" as the scheme.
    ['default:hunter2@10.0.0.1:6379', 'hunter2'],
    ['redis://u:hunter2@h:6379?foo=1', 'hunter2'],
    // A raw '@' in the password: everything up to the last '@' is hidden.
    ['redis://u:hun@ter2@h:6379?foo=1', 'ter2'],
    ['redis:/u:hunter2@h', 'hunter2'],
    ['redis://u:hunter2@h:notaport', 'hunter2'],
    // A lone '%' is not URL encoding: a TargetError, not a bare URIError from decodeURIComponent.
    ['redis://u:50%off@h:6379', '50%off'],
  ])('the error for %s does not contain the password', (url, secret) => {
    const e = errorOf(() => parseTarget(url));
    expect(e).toBeInstanceOf(TargetError);
    expect(e.message).not.toContain(secret);
    expect(e.message).toContain('***');
  });

  test('TLS files are read; a missing one is a TargetError naming the option', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyscope-target-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), 'CA PEM');
      expect(parseTarget(`rediss://h:6380?tls_ca=${join(dir, 'ca.pem')}`).tls).toEqual({ ca: 'CA PEM', cert: undefined, key: undefined, insecure: false, servername: undefined });
      const e = errorOf(() => parseTarget(`rediss://h:6380?tls_cert=${join(dir, 'missing.pem')}`));
      expect(e).toBeInstanceOf(TargetError);
      expect(e.message).toContain('cannot read tls_cert file');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('targetForNode', () => {
  test('keeps credentials and TLS, takes the node address, always db 0', () => {
    const seed = parseTarget('rediss://alice:pw@seed.example:7000/3?tls_insecure=true');
    const node = targetForNode(seed, '10.0.0.9', 7005);
    expect(node).toEqual({ host: '10.0.0.9', port: 7005, username: 'alice', password: 'pw', db: 0, tls: seed.tls, display: 'rediss://alice:***@10.0.0.9:7005' });
    expect(seed.display).toBe('rediss://alice:***@seed.example:7000/3');
  });

  test('an IPv6 node is bracketed in display', () => {
    expect(targetForNode(parseTarget('redis://h:7000'), 'fe80::2', 7001).display).toBe('redis://[fe80::2]:7001');
  });
});

describe('redactUrlText', () => {
  test.each([
    ['redis://user:pass@host:6379', 'redis://user:***@host:6379'],
    ['redis://:pass@host', 'redis://:***@host'],
    ['redis://u:p@ss@host', 'redis://u:***@host'],
    ['user:pass@host:6379', 'user:***@host:6379'],
    [' redis://user:pass@host', ' redis://user:***@host'],
    // Nothing to hide.
    ['redis://host:6379', 'redis://host:6379'],
    ['redis://user@host:bad', 'redis://user@host:bad'],
    ['not a url', 'not a url'],
  ])('%s -> %s', (text, want) => {
    expect(redactUrlText(text)).toBe(want);
  });
});
