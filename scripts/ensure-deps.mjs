// Installs npm dependencies on first run, so `npm start` / `npm test` work on a fresh clone.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const needed = ['bun', 'hono', 'ioredis', '@duckdb/node-api', 'preact', 'htm', 'uplot', 'playwright-core'];
const missing = needed.filter((p) => !existsSync(join(root, 'node_modules', p, 'package.json')));
if (missing.length > 0) {
  process.stderr.write(`skyscope: installing dependencies (missing: ${missing.join(', ')})...\n`);
  // `npm install` follows package-lock.json; `npm ci` is not used because npm 11 rejects lockfiles that
  // lack entries for other platforms' optional native packages (DuckDB's and Bun's).
  execSync('npm install --no-audit --no-fund', { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}
