// Serves the UI's files from a map of URL path -> bytes (built in memory from ui/, or embedded in the binary).
import { extname } from 'node:path';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** Unknown paths without an extension get index.html so client-side routes (/dashboard?...) work on reload. */
export function uiFromFiles(files: Record<string, Uint8Array>): (path: string) => Response | undefined {
  return (path) => {
    let name = path === '/' ? '/index.html' : path;
    let body = files[name];
    if (!body) {
      if (extname(name) !== '') return undefined;
      name = '/index.html';
      body = files[name];
      if (!body) return undefined;
    }
    return new Response(body as Uint8Array<ArrayBuffer>, {
      headers: { 'content-type': types[extname(name)] ?? 'application/octet-stream', 'cache-control': 'no-cache' },
    });
  };
}
