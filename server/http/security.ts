// Guards the local server: Host header (DNS rebinding), Origin on state-changing requests and streams (CSRF), token.
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { ApiError } from './errors.ts';

export interface SecurityOptions {
  /** Bound address from --host. */
  host: string;
  /** A function because the port is known only once the server listens (port 0 asks for any free one). */
  port: () => number;
  /** Required on every /api and /metrics request when set. */
  token?: string;
}

const loopbackNames = ['127.0.0.1', 'localhost', '[::1]', '::1'];

export function isLoopback(host: string): boolean {
  return loopbackNames.includes(host) || host.startsWith('127.');
}

/** The Host header values a browser on this machine legitimately sends. */
function allowedHosts(o: SecurityOptions): Set<string> | undefined {
  // Bound to a non-loopback address, any name may reach us; the token is the guard then.
  if (!isLoopback(o.host)) return undefined;
  const port = o.port();
  const names = new Set([...loopbackNames.filter((n) => n !== '::1'), o.host.includes(':') ? `[${o.host}]` : o.host]);
  return new Set([...names].flatMap((n) => [`${n}:${port}`, ...(port === 80 ? [n] : [])]));
}

export function securityMiddleware(o: SecurityOptions): MiddlewareHandler {
  let hosts: Set<string> | undefined;
  return async (c, next) => {
    hosts ??= allowedHosts(o);
    const host = c.req.header('host') ?? '';
    if (hosts && !hosts.has(host.toLowerCase())) {
      throw new ApiError(403, 'forbidden_host', `Host "${host}" is not this server's address; open http://${o.host}:${o.port()}/ instead`);
    }
    const method = c.req.method;
    const streaming = c.req.path === '/api/live' || c.req.header('upgrade')?.toLowerCase() === 'websocket';
    const origin = c.req.header('origin');
    if (origin && (streaming || (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS'))) {
      let originHost = '';
      try {
        originHost = new URL(origin).host.toLowerCase();
      } catch {
        // an unparsable Origin is foreign
      }
      if (originHost !== host.toLowerCase()) throw new ApiError(403, 'forbidden_origin', `requests from origin "${origin}" are not allowed`);
    }
    if (o.token) {
      const path = c.req.path;
      const guarded = path.startsWith('/api/') || path === '/metrics';
      const given = bearer(c.req.header('authorization')) ?? c.req.query('token') ?? getCookie(c, 'skyscope_token');
      if (given !== undefined && given === o.token && c.req.query('token') !== undefined) {
        // A browser opened with ?token= keeps it in a same-site cookie so the UI's own requests carry it.
        setCookie(c, 'skyscope_token', o.token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      }
      if (guarded && given !== o.token) throw new ApiError(401, 'unauthorized', 'a token is required: send "Authorization: Bearer <token>" or open the printed URL with ?token=');
    }
    await next();
  };
}

function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m ? m[1] : undefined;
}
