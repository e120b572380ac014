// Runs named queries from queries/ on a DuckDB connection, with typed parameter helpers.
import {
  DuckDBConnection,
  DuckDBTimestampValue,
  type DuckDBMaterializedResult,
  type DuckDBResultReader,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { QueryTexts } from './queries.ts';

export type Params = Record<string, DuckDBValue>;
export type ParamTypes = Record<string, DuckDBType | undefined>;

export interface NamedQueries {
  readonly conn: DuckDBConnection;
  run(name: string, params?: Params, types?: ParamTypes): Promise<DuckDBMaterializedResult>;
  read(name: string, params?: Params, types?: ParamTypes): Promise<DuckDBResultReader>;
}

export function namedQueries(conn: DuckDBConnection, queries: QueryTexts): NamedQueries {
  const wrap = async <T>(name: string, job: () => Promise<T>): Promise<T> => {
    try {
      return await job();
    } catch (err) {
      throw new Error(`query ${name} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  };
  return {
    conn,
    run: (name, params, types) => wrap(name, () => conn.run(queries.get(name), params, types)),
    read: (name, params, types) => wrap(name, () => conn.runAndReadAll(queries.get(name), params, types)),
  };
}

/** Unix ms as a DuckDB TIMESTAMP parameter. */
export function tsParam(ms: number): DuckDBTimestampValue {
  return new DuckDBTimestampValue(BigInt(Math.round(ms)) * 1000n);
}

/** A TIMESTAMP (or NULL) read back from DuckDB as unix ms. */
export function tsToMs(value: DuckDBValue): number | null {
  return value instanceof DuckDBTimestampValue ? Number(value.micros / 1000n) : null;
}
