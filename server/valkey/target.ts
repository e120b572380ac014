// Parses redis:// and rediss:// target URLs into connection settings; the password never leaves this object.
import { readFileSync } from 'node:fs';

export interface TlsSettings {
  ca?: string;
  cert?: string;
  key?: string;
  /** Skip certificate verification (self-signed test setups). */
  insecure: boolean;
  servername?: string;
}

export interface Target {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls?: TlsSettings;
  /** The URL with the password replaced by "***": safe for logs, the API and the DB. */
  display: string;
}

export class TargetError extends Error {}

const tlsParams = new Set(['tls_ca', 'tls_cert', 'tls_key', 'tls_insecure', 'tls_servername']);

/** `defaultPassword` comes from SKYSCOPE_PASSWORD so the secret need not appear in a process listing. */
export function parseTarget(text: string, defaultPassword?: string): Target {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TargetError(`invalid target URL "${redactUrlText(text)}": expected redis://[user:pass@]host:port[/db]`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:' && url.protocol !== 'valkey:' && url.protocol !== 'valkeys:') {
    throw new TargetError(`unsupported scheme "${url.protocol}" in target "${redactUrlText(text)}": use redis:// or rediss://`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new TargetError(`target "${redactUrlText(text)}" has no host`);
  const port = url.port ? Number(url.port) : 6379;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TargetError(`target "${redactUrlText(text)}" has an invalid port`);
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new TargetError(`target "${redactUrlText(text)}" has an invalid database number "${dbText}"`);
  for (const key of url.searchParams.keys()) {
    if (!tlsParams.has(key)) throw new TargetError(`target "${redactUrlText(text)}" has an unknown option "${key}" (known: ${[...tlsParams].join(', ')})`);
  }
  const secure = url.protocol === 'rediss:' || url.protocol === 'valkeys:';
  const tls = secure ? tlsFromParams(url.searchParams) : undefined;
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : defaultPassword || undefined;
  const target = { host, port, username, password, db, tls, display: '' };
  target.display = displayUrl(target);
  return target;
}

function tlsFromParams(params: URLSearchParams): TlsSettings {
  const read = (name: string): string | undefined => {
    const path = params.get(name);
    if (!path) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      throw new TargetError(`cannot read ${name} file "${path}": ${(e as Error).message}`);
    }
  };
  const insecure = params.get('tls_insecure');
  return {
    ca: read('tls_ca'),
    cert: read('tls_cert'),
    key: read('tls_key'),
    insecure: insecure === '1' || insecure === 'true',
    servername: params.get('tls_servername') ?? undefined,
  };
}

/** The same credentials and TLS settings, for another node of the same cluster. */
export function targetForNode(seed: Target, host: string, port: number): Target {
  const target = { ...seed, host, port, db: 0 };
  target.display = displayUrl(target);
  return target;
}

function displayUrl(t: Omit<Target, 'display'>): string {
  const user = t.username ? `${t.username}${t.password ? ':***' : ''}@` : t.password ? ':***@' : '';
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `${t.tls ? 'rediss' : 'redis'}://${user}${host}:${t.port}${t.db ? `/${t.db}` : ''}`;
}

/** Hides a password in text that failed to parse as a URL, so even error messages don't leak it. */
export function redactUrlText(text: string): string {
  return text.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
