// Typed API errors and the one place that turns any error into a JSON {error:{code,message}} response.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function badParam(name: string, message: string): ApiError {
  return new ApiError(400, 'bad_parameter', `${name}: ${message}`);
}

export function errorResponse(c: Context, e: unknown, log: (msg: string) => void): Response {
  if (e instanceof ApiError) return c.json({ error: { code: e.code, message: e.message } }, e.status);
  // Store query errors carry their own code (syntax, not_read_only, timeout ...) and are the user's to fix.
  if (e instanceof Error && e.name === 'StoreQueryError') {
    const code = (e as Error & { code?: string }).code ?? 'bad_query';
    return c.json({ error: { code, message: e.message } }, code === 'timeout' ? 408 : 400);
  }
  log(`internal error on ${c.req.method} ${c.req.path}: ${e instanceof Error ? e.message : String(e)}`);
  return c.json({ error: { code: 'internal', message: 'internal error; see the Skyscope log' } }, 500);
}
