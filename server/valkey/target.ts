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
  const username = url.username ? decodeUserinfo(url.username, text) : undefined;
  const password = url.password ? decodeUserinfo(url.password, text) : defaultPassword || undefined;
  const target = { host, port, username, password, db, tls, display: '' };
  target.display = displayUrl(target);
  return target;
}

/** decodeURIComponent throws a bare URIError on a lone '%' (a password like "50%off"): report it as a target error. */
function decodeUserinfo(value: string, text: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new TargetError(`target "${redactUrlText(text)}" has a user or password that is not valid URL encoding: write % as %25`);
  }
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

/**
 * Hides a password in text that failed to parse as a URL, so even error messages don't leak it: everything
 * between the first ':' of the user part and the last '@' (passwords may contain '@'). Without "scheme://"
 * (e.g. "user:pass@host:6379", the scheme forgotten) the user part starts at the beginning.
 */
export function redactUrlText(text: string): string {
  const at = text.lastIndexOf('@');
  if (at < 0) return text;
  const colon = text.indexOf(':', /^\s*[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0].length ?? 0);
  return colon < 0 || colon > at ? text : `${text.slice(0, colon + 1)}***${text.slice(at)}`;
}
