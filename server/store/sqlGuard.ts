// First, cheap screen for user SQL: what it starts with and which functions it calls (DuckDB checks again when it prepares).
import { StoreQueryError } from './errors.ts';

/** Statements that only read: DESCRIBE/SHOW/SUMMARIZE/VALUES/TABLE are SELECTs to DuckDB too. */
const readOnlyStarts = new Set(['select', 'with', 'from', 'explain', 'describe', 'show', 'summarize', 'values', 'table']);

/**
 * Functions that read files or the environment, run SQL text they are given, or checkpoint (which would
 * stall ingest). External access is off for the whole database, so most would fail anyway; refusing
 * them here gives a clear error.
 */
const forbiddenCall =
  /\b(read_\w+|\w+_scan|glob|getenv|sniff_csv|parquet_\w+|query|query_table|json_execute_serialized_sql|\w*secrets?|load_extension|install_extension|\w*checkpoint)\s*\(/i;

/**
 * Text with comments removed, string literals emptied and quoted identifiers unquoted, lower-cased:
 * what remains is keywords and names, so a check cannot be fooled by a keyword inside a string
 * or hidden from by quoting a function name.
 */
export function normalizeSql(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
      out += ' ';
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
      out += ' ';
    } else if (c === "'") {
      i = skipQuoted(text, i, "'");
      out += "''";
    } else if (c === '"') {
      const end = skipQuoted(text, i, '"');
      out += text.slice(i + 1, end - 1).replace(/""/g, '"');
      i = end;
    } else if (c === '$' && /^\$(\w*)\$/.test(text.slice(i)) && !/^\$\d/.test(text.slice(i))) {
      const tag = /^\$(\w*)\$/.exec(text.slice(i))![0];
      const end = text.indexOf(tag, i + tag.length);
      i = end < 0 ? text.length : end + tag.length;
      out += "''";
    } else {
      out += c;
      i++;
    }
  }
  return out.toLowerCase();
}

/** Throws StoreQueryError('not_read_only') unless the text starts like a read-only statement and calls nothing forbidden. */
export function screenSql(text: string): void {
  const normalized = normalizeSql(text);
  const words = normalized.replace(/[()]/g, ' ').trim().split(/\s+/);
  let first = words[0] ?? '';
  if (first === 'explain') {
    // EXPLAIN ANALYZE runs its statement, so what follows must be read-only too.
    first = words[1] === 'analyze' || words[1] === 'analyse' ? (words[2] ?? '') : (words[1] ?? '');
  }
  if (!readOnlyStarts.has(first) || first === 'explain') {
    throw new StoreQueryError('not_read_only', `only SELECT, WITH, FROM, EXPLAIN, DESCRIBE, SHOW, SUMMARIZE, VALUES or TABLE is allowed, not ${first.toUpperCase() || 'nothing'}`);
  }
  // FROM 'file.csv' reads a file by its name (DuckDB's replacement scan).
  if (/\b(from|join)\s+''/.test(normalized)) throw new StoreQueryError('not_read_only', 'reading files is not allowed');
  const call = forbiddenCall.exec(normalized);
  if (call) throw new StoreQueryError('not_read_only', `${call[1]}() is not allowed: it reads outside the database, runs other SQL or writes`);
}

/** Index just past the closing quote (a doubled quote is an escaped one). */
function skipQuoted(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return text.length;
}
