// The store's public surface: the only module outside server/store that other code imports.
export { openStore } from './store.ts';
export { StoreQueryError, type StoreQueryErrorCode } from './errors.ts';
export { queriesFromDir, queriesFromMap, queriesDir, type QueryTexts } from './queries.ts';
export type {
  EventsQuery,
  NodeRecord,
  SeriesAgg,
  SeriesCombine,
  SeriesKey,
  SeriesQuery,
  SeriesResult,
  SqlOptions,
  SqlResult,
  Store,
  StoreOptions,
  StoreStats,
  StoredEvent,
} from './types.ts';
