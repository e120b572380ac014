// Serves the UI's static files from ui/ on disk (a compiled binary passes an embedded file map instead).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** Unknown paths without an extension get index.html so client-side routes work on reload. */
export function uiFromDirectory(root: string): (path: string) => Response | undefined {
  return (path) => {
    const rel = normalize(decodeURIComponent(path)).replace(/^(\.\.[/\\])+/, '');
    let file = join(root, rel);
    if (!file.startsWith(root)) return undefined;
    if (!existsSync(file) || statSync(file).isDirectory()) {
      if (extname(rel) !== '') return undefined;
      file = join(root, 'index.html');
      if (!existsSync(file)) return undefined;
    }
    return new Response(readFileSync(file), {
      headers: { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' },
    });
  };
}
