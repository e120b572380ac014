// TLS targets against a real Valkey with TLS on: a trusted CA connects, an unknown CA is refused, tls_insecure skips the check.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimFreePort, releasePort } from '../servers/ports.ts';
import { startStandalone, type ServerHandle } from '../servers/servers.ts';
import { startTestSkyscope, waitFor, type TestSkyscope } from './harness.ts';

let dir: string;
let server: ServerHandle;
let tlsPort: number;
let sky: TestSkyscope;

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

/** A throwaway CA and a server certificate for 127.0.0.1 signed by it. */
function makeCertificates(): void {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Skyscope Test CA', '-keyout', 'ca.key', '-out', 'ca.pem']);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr']);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'ext.cnf', '-out', 'server.pem']);
  // a second CA that did not sign the server's certificate
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Other CA', '-keyout', 'other.key', '-out', 'other.pem']);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skyscope-tls-'));
  makeCertificates();
  tlsPort = await claimFreePort(false);
  releasePort(tlsPort);
  server = await startStandalone('valkey9', {
    config: {
      'tls-port': String(tlsPort),
      'tls-cert-file': join(dir, 'server.pem'),
      'tls-key-file': join(dir, 'server.key'),
      'tls-ca-cert-file': join(dir, 'ca.pem'),
      'tls-auth-clients': 'no',
    },
  });
  sky = await startTestSkyscope([
    `rediss://127.0.0.1:${tlsPort}?tls_ca=${join(dir, 'ca.pem')}`,
    `rediss://localhost:${tlsPort}?tls_ca=${join(dir, 'other.pem')}`,
    `rediss://[::ffff:127.0.0.1]:${tlsPort}?tls_insecure=1`,
  ]);
  await waitFor('all three tried', async () => (await sky.api('/api/nodes')).body.nodes.every((n: any) => n.state !== 'connecting'));
});

afterAll(async () => {
  await sky?.dispose();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const node = async (host: string) => (await sky.api('/api/nodes')).body.nodes.find((n: any) => n.address === `${host}:${tlsPort}`);

test('a server certificate signed by tls_ca: up and collected over TLS', async () => {
  const n = await node('127.0.0.1');
  expect(n.state).toBe('up');
  expect(n.url).toBe(`rediss://127.0.0.1:${tlsPort}`);
  expect(n.flavor).toBe('valkey');
});

test('a certificate from another CA is refused with a TLS error', async () => {
  const n = await node('localhost');
  expect(n.state).toBe('down');
  expect(n.lastError).toMatch(/^TLS error: .*(self-signed|unable to verify|certificate)/i);
});

test('tls_insecure=1 skips verification', async () => {
  const n = await waitFor('insecure node up', async () => {
    const x = (await sky.api('/api/nodes')).body.nodes.find((m: any) => m.url.includes('ffff'));
    return x?.state === 'up' ? x : undefined;
  });
  expect(n.sources.info.state).toBe('ok');
});

test('the CLI speaks RESP3 over TLS, with the CA and with tls_insecure', async () => {
  const insecure = (await sky.api('/api/nodes')).body.nodes.find((m: any) => m.url.includes('ffff')).address;
  for (const node of [`127.0.0.1:${tlsPort}`, insecure]) {
    const r = await sky.api('/api/cli', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ args: ['HSET', 'h', 'f', 'v'], node }) });
    expect([node, r.status]).toEqual([node, 200]);
    const h = await sky.api('/api/cli', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ args: ['HGETALL', 'h'], node }) });
    expect(h.body.reply).toEqual({ t: 'map', entries: [[{ t: 'bulk', v: expect.objectContaining({ text: 'f' }) }, { t: 'bulk', v: expect.objectContaining({ text: 'v' }) }]] });
  }
});
