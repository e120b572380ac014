// Loads the SQL texts of queries/ by name ("series", "schema/001_init"): from disk in development, from a map when embedded.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface QueryTexts {
  /** The text of queries/<name>.sql; throws if there is no such query. */
  get(name: string): string;
  /** Every query name, sorted. */
  names(): string[];
}

/** queries/ at the repository root, found from this file so the working directory does not matter. */
export const queriesDir = join(import.meta.dir, '..', '..', 'queries');

/** Reads every .sql file under dir once. */
export function queriesFromDir(dir: string = queriesDir): QueryTexts {
  const texts: Record<string, string> = {};
  for (const file of listSqlFiles(dir)) {
    const name = relative(dir, file).split(sep).join('/').replace(/\.sql$/, '');
    texts[name] = readFileSync(file, 'utf8');
  }
  return queriesFromMap(texts);
}

/** For a compiled binary that embeds the files, or a test that wants its own texts. */
export function queriesFromMap(texts: Record<string, string>): QueryTexts {
  const names = Object.keys(texts).sort();
  return {
    get(name) {
      const text = texts[name];
      if (text === undefined) throw new Error(`no query named ${name} (queries/${name}.sql)`);
      return text;
    },
    names: () => names,
  };
}

function listSqlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSqlFiles(path));
    else if (entry.name.endsWith('.sql')) out.push(path);
  }
  return out;
}
