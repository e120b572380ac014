// Converts DuckDB values to JSON-safe values: timestamps as unix seconds, big integers as numbers when exact, else strings.
import {
  DuckDBArrayValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBUnionValue,
  type DuckDBValue,
} from '@duckdb/node-api';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function toJsonValue(v: DuckDBValue): JsonValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  // JSON has no NaN or Infinity; their names keep the information.
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return exactNumber(v);
  if (v instanceof DuckDBTimestampValue || v instanceof DuckDBTimestampTZValue) return finiteTime(v, () => Number(v.micros) / 1e6);
  if (v instanceof DuckDBTimestampMillisecondsValue) return finiteTime(v, () => Number(v.millis) / 1e3);
  if (v instanceof DuckDBTimestampSecondsValue) return finiteTime(v, () => Number(v.seconds));
  if (v instanceof DuckDBTimestampNanosecondsValue) return finiteTime(v, () => Number(v.nanos / 1000n) / 1e6);
  if (v instanceof DuckDBDecimalValue) return v.toDouble();
  if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue) return v.items.map(toJsonValue);
  if (v instanceof DuckDBStructValue) {
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(v.entries)) out[key] = toJsonValue(item);
    return out;
  }
  if (v instanceof DuckDBMapValue) {
    const out: Record<string, JsonValue> = {};
    for (const { key, value } of v.entries) out[String(toJsonValue(key))] = toJsonValue(value);
    return out;
  }
  if (v instanceof DuckDBUnionValue) return toJsonValue(v.value);
  // DATE, TIME, INTERVAL, UUID, BLOB, BIT, ...: DuckDB's own text form.
  return String(v);
}

function exactNumber(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

/** infinity/-infinity timestamps as text, finite ones as seconds. */
function finiteTime(v: { isFinite: boolean; toString(): string }, seconds: () => number): number | string {
  return v.isFinite ? seconds() : v.toString();
}
