// Applies queries/schema/NNN_*.sql in order, each in its own transaction, recorded in schema_migrations.
import { tsParam, type NamedQueries } from './db.ts';
import type { QueryTexts } from './queries.ts';

export interface Migration {
  version: number;
  name: string;
}

/** Schema files as migrations, by their numeric prefix. */
export function listMigrations(queries: QueryTexts): Migration[] {
  const out: Migration[] = [];
  for (const name of queries.names()) {
    const m = /^schema\/(\d+)_[\w-]+$/.exec(name);
    if (m) out.push({ version: Number(m[1]), name });
  }
  out.sort((a, b) => a.version - b.version);
  for (let i = 1; i < out.length; i++) {
    if (out[i].version === out[i - 1].version) throw new Error(`two migrations numbered ${out[i].version}`);
  }
  return out;
}

/** Brings the file up to the newest schema; returns the names applied now. */
export async function migrate(db: NamedQueries, queries: QueryTexts, now: number): Promise<string[]> {
  await db.run('migrations_init');
  const done = new Set<number>();
  for (const row of (await db.read('migrations_applied')).getRows()) done.add(Number(row[0]));
  const known = listMigrations(queries);
  const newest = known.at(-1)?.version ?? 0;
  const ahead = [...done].filter((v) => v > newest);
  if (ahead.length > 0) {
    throw new Error(`database has schema version ${Math.max(...ahead)}, newer than this Skyscope knows (${newest})`);
  }
  const applied: string[] = [];
  for (const m of known) {
    if (done.has(m.version)) continue;
    await db.run('begin');
    try {
      await db.conn.run(queries.get(m.name));
      await db.run('migrations_record', { version: m.version, name: m.name, applied_at: tsParam(now) });
      await db.run('commit');
    } catch (err) {
      await db.run('rollback').catch(() => undefined);
      throw new Error(`migration ${m.name} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    applied.push(m.name);
  }
  return applied;
}
