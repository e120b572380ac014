// Bundles the UI (ui/app.js with Preact, htm, uPlot and its CSS) into memory: `npm start` serves current sources, the build embeds the result.
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

export const uiDir = join(import.meta.dir, '..', '..', 'ui');

/** Static files copied as they are, beside the bundle. */
const staticExtensions = new Set(['.html', '.svg', '.png', '.ico']);

/** Every file the browser can ask for, by URL path ("/app.js", "/index.html"). */
export async function buildUi({ minify = false, dir = uiDir }: { minify?: boolean; dir?: string } = {}): Promise<Record<string, Uint8Array>> {
  const result = await Bun.build({ entrypoints: [join(dir, 'app.js')], target: 'browser', format: 'esm', minify, sourcemap: 'none' });
  if (!result.success) throw new Error(`UI build failed: ${result.logs.map((l) => l.message).join('; ')}`);
  const files: Record<string, Uint8Array> = {};
  for (const out of result.outputs) {
    const name = out.path.replace(/^.*[/\\]/, '');
    files['/' + name] = new Uint8Array(await out.arrayBuffer());
  }
  for (const entry of readdirSync(dir)) if (staticExtensions.has(extname(entry))) files['/' + entry] = readFileSync(join(dir, entry));
  return files;
}
