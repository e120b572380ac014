// Label sets in the store: canonical text (shared with the collector) and subset matching for series queries.

/** The same canonical text the collector uses for its series keys. */
export { labelsText as canonicalLabels } from '../metrics/seriesKey.ts';

/** True when every pair of want is in have (an empty want matches everything). */
export function labelsInclude(have: Record<string, string>, want: Record<string, string>): boolean {
  for (const key in want) if (have[key] !== want[key]) return false;
  return true;
}
