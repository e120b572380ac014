// Pure parts of memory analysis: key prefixes, TTL buckets, and totals estimated from a per-node sample with a 95% interval.

/** Characters that usually separate the parts of a key name (user:42, cache/page/7, tenant|job). */
const separators = new Set([0x3a /* : */, 0x2f /* / */, 0x7c /* | */, 0x23 /* # */, 0x3b /* ; */]);

/**
 * The key's first part including its separator ("user:" for "user:42:name"). A key with no separator groups by its
 * leading non-digit run when digits follow ("session*" for "session8812"), else it stands alone as "(none)".
 */
export function prefixOf(key: Uint8Array): string {
  const limit = Math.min(key.length, 64);
  for (let i = 0; i < limit; i++) if (separators.has(key[i]!)) return latin(key.subarray(0, i + 1));
  let i = 0;
  while (i < limit && !(key[i]! >= 0x30 && key[i]! <= 0x39)) i++;
  if (i > 0 && i < key.length) return latin(key.subarray(0, i)) + '*';
  return '(none)';
}

/** Printable ASCII as is, other bytes as \xHH, so a prefix is always readable text. */
function latin(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x >= 0x20 && x < 0x7f && x !== 0x5c ? String.fromCharCode(x) : `\\x${x.toString(16).padStart(2, '0')}`;
  return s;
}

export const ttlBuckets = ['no ttl', '< 1 min', '1 min - 1 h', '1 h - 1 d', '1 d - 7 d', '> 7 d'] as const;

export function ttlBucket(ttlMs: number | null): (typeof ttlBuckets)[number] {
  if (ttlMs === null || ttlMs < 0) return 'no ttl';
  if (ttlMs < 60_000) return '< 1 min';
  if (ttlMs < 3_600_000) return '1 min - 1 h';
  if (ttlMs < 86_400_000) return '1 h - 1 d';
  if (ttlMs < 7 * 86_400_000) return '1 d - 7 d';
  return '> 7 d';
}

export interface SampledKey {
  node: string;
  type: string;
  bytes: number;
  ttlMs: number | null;
  prefix: string;
}

/** A node's stratum: how many keys it holds (DBSIZE) and how many of them were sampled. */
export interface Stratum {
  node: string;
  dbsize: number;
  sampled: number;
}

export interface GroupEstimate {
  name: string;
  /** Counted in the sample. */
  keys: number;
  bytes: number;
  /** Scaled to DBSIZE, with the 95% interval of each. */
  estKeys: number;
  estKeysLow: number;
  estKeysHigh: number;
  estBytes: number;
  estBytesLow: number;
  estBytesHigh: number;
}

const z95 = 1.96;

/**
 * Stratified estimates (one stratum per node, each a simple random sample of its keys: SCAN order is hash order,
 * unrelated to names or sizes). For a group g, total = sum over nodes of N/n * sum of y over sampled keys, with
 * y = bytes (or 1) when the key is in g and 0 otherwise; variance N^2 (1 - n/N) s^2 / n per node. A node sampled
 * whole contributes its exact total and no variance.
 */
export function estimateGroups(keys: SampledKey[], strata: Stratum[], groupOf: (k: SampledKey) => string): GroupEstimate[] {
  const names = new Set(keys.map(groupOf));
  const byNode = new Map<string, SampledKey[]>();
  for (const k of keys) (byNode.get(k.node) ?? byNode.set(k.node, []).get(k.node)!).push(k);
  const out: GroupEstimate[] = [];
  for (const name of names) {
    let keyCount = 0;
    let byteSum = 0;
    const est = { keys: 0, keysVar: 0, bytes: 0, bytesVar: 0 };
    for (const s of strata) {
      const sample = byNode.get(s.node) ?? [];
      const n = sample.length;
      if (n === 0) continue;
      const N = Math.max(s.dbsize, n);
      const ones = sample.map((k) => (groupOf(k) === name ? 1 : 0));
      const bytes = sample.map((k, i) => (ones[i] ? k.bytes : 0));
      keyCount += sum(ones);
      byteSum += sum(bytes);
      for (const [ys, total, variance] of [[ones, 'keys', 'keysVar'], [bytes, 'bytes', 'bytesVar']] as const) {
        est[total] += (N / n) * sum(ys);
        est[variance] += n > 1 ? (N * N * (1 - n / N) * sampleVariance(ys)) / n : 0;
      }
    }
    const margin = (v: number) => z95 * Math.sqrt(v);
    out.push({
      name,
      keys: keyCount,
      bytes: byteSum,
      estKeys: Math.round(est.keys),
      estKeysLow: Math.max(keyCount, Math.round(est.keys - margin(est.keysVar))),
      estKeysHigh: Math.round(est.keys + margin(est.keysVar)),
      estBytes: Math.round(est.bytes),
      estBytesLow: Math.max(byteSum, Math.round(est.bytes - margin(est.bytesVar))),
      estBytesHigh: Math.round(est.bytes + margin(est.bytesVar)),
    });
  }
  return out.sort((a, b) => b.estBytes - a.estBytes || a.name.localeCompare(b.name));
}

/** Keeps the `top` biggest groups by estimated bytes and folds the rest into one "(other)" row (sums of estimates; intervals dropped to the sums of bounds). */
export function topGroups(groups: GroupEstimate[], top: number): GroupEstimate[] {
  if (groups.length <= top) return groups;
  const rest = groups.slice(top);
  const other: GroupEstimate = { name: '(other)', keys: 0, bytes: 0, estKeys: 0, estKeysLow: 0, estKeysHigh: 0, estBytes: 0, estBytesLow: 0, estBytesHigh: 0 };
  for (const g of rest) for (const k of Object.keys(other) as (keyof GroupEstimate)[]) if (k !== 'name') (other[k] as number) += g[k] as number;
  return [...groups.slice(0, top), other];
}

export interface Confidence {
  level: 0.95;
  sampled: number;
  totalKeys: number;
  /** The whole keyspace was read: the numbers are exact, not estimates. */
  exact: boolean;
  estBytes: number;
  estBytesLow: number;
  estBytesHigh: number;
  /** Half the 95% interval of the total bytes, relative to the estimate. */
  relativeMargin: number;
  note: string;
}

/** How far the sample can be trusted, in numbers and one sentence for the UI. */
export function confidenceOf(keys: SampledKey[], strata: Stratum[]): Confidence {
  const all = estimateGroups(keys, strata, () => 'all')[0];
  const totalKeys = strata.reduce((n, s) => n + s.dbsize, 0);
  const exact = strata.every((s) => s.sampled >= s.dbsize);
  const est = all ?? { estBytes: 0, estBytesLow: 0, estBytesHigh: 0 };
  const relativeMargin = est.estBytes > 0 ? (est.estBytesHigh - est.estBytes) / est.estBytes : 0;
  const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
  const note = exact
    ? 'Every key was read: the numbers are exact.'
    : keys.length < 100
      ? `Only ${keys.length} keys were sampled: treat these numbers as rough guesses.`
      : `${keys.length} of ${totalKeys} keys sampled (${pct(keys.length / Math.max(1, totalKeys))}). Total memory is within ±${pct(relativeMargin)} of the estimate with 95% confidence; ` +
        'groups with few sampled keys have wide intervals, and a rare very large key may be missed by the sample altogether (see the biggest keys for what was seen).';
  return { level: 0.95, sampled: keys.length, totalKeys, exact, estBytes: est.estBytes, estBytesLow: est.estBytesLow, estBytesHigh: est.estBytesHigh, relativeMargin, note };
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

function sampleVariance(xs: number[]): number {
  const n = xs.length;
  const mean = sum(xs) / n;
  let s = 0;
  for (const x of xs) s += (x - mean) ** 2;
  return s / (n - 1);
}
