// `skyscope sql "..."`: sends one statement to the running instance's /api/sql and prints a table.

export interface SqlClientOptions {
  host: string;
  port: number;
  token?: string;
  sql: string;
  write?: (text: string) => void;
  fetchImpl?: typeof fetch;
}

/** Returns the process exit code: 0 on success, 1 when the server refused or could not be reached. */
export async function runSqlClient(o: SqlClientOptions): Promise<number> {
  const write = o.write ?? ((t: string) => process.stdout.write(t));
  const host = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${o.port}/api/sql`;
  let res: Response;
  try {
    res = await (o.fetchImpl ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
      body: JSON.stringify({ sql: o.sql }),
    });
  } catch (e) {
    process.stderr.write(`skyscope sql: cannot reach Skyscope at ${url} (is it running? use --host/--port): ${(e as Error).message}\n`);
    return 1;
  }
  const body = (await res.json().catch(() => ({}))) as { columns?: { name: string }[]; rows?: unknown[][]; truncated?: boolean; rowLimit?: number; error?: { code: string; message: string } };
  if (!res.ok || !body.columns || !body.rows) {
    process.stderr.write(`skyscope sql: ${body.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${res.status}`}\n`);
    return 1;
  }
  write(formatTable(body.columns.map((c) => c.name), body.rows));
  write(`(${body.rows.length} row${body.rows.length === 1 ? '' : 's'}${body.truncated ? `, truncated at ${body.rowLimit}` : ''})\n`);
  return 0;
}

const maxCell = 60;

export function formatTable(columns: string[], rows: unknown[][]): string {
  const cells = rows.map((r) => r.map(cellText));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join(' | ').trimEnd() + '\n';
  return line(columns) + widths.map((w) => '-'.repeat(w)).join('-+-') + '\n' + cells.map(line).join('');
}

function cellText(v: unknown): string {
  const s = v === null || v === undefined ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const oneLine = s.replace(/[\r\n\t]/g, ' ');
  return oneLine.length > maxCell ? oneLine.slice(0, maxCell - 1) + '…' : oneLine;
}
