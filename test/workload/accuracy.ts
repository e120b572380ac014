// Scores a reported hot-key list against workload ground truth: precision and recall of the top k, fair to ties.
import type { GroundTruth, TruthMetric } from './zipf.ts';

/** The part of GroundTruth that scoring reads (so small hand-made truths work too). */
export type Truth = Pick<GroundTruth, 'countOf' | 'topK'>;

export interface Accuracy {
  k: number;
  /** Reported keys (the first k distinct ones) whose true value reaches the k-th true value. */
  hits: number;
  /** hits / reported keys considered; 0 when nothing was reported. */
  precision: number;
  /** hits / size of the true top k (k, or fewer when fewer keys were touched); 0 when nothing was touched. */
  recall: number;
  /** The k-th highest true value: a reported key with at least this much is a hit. */
  threshold: number;
  /** Reported keys considered that are not hits, best first. */
  wrong: string[];
}

/**
 * Precision and recall of `reported` (ordered, best first) for the top k keys of `truth` by `metric`.
 *
 * Ties: when several keys share the k-th highest true value, the true top k is not one set, and picking one
 * would punish a detector for the other equally right answer. So every reported key whose true value is at least
 * the k-th true value counts as a hit, whichever of the tied keys it is. A key never touched is never a hit.
 * Only the first k distinct reported keys are judged (a key reported twice, e.g. by two nodes, counts once);
 * so with k keys reported precision equals recall, and they differ when a detector reports fewer than k.
 */
export function precisionRecall(reported: readonly string[], truth: Truth, k: number, metric: TruthMetric = 'ops'): Accuracy {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const trueTop = truth.topK(k, metric);
  const threshold = trueTop.length > 0 ? trueTop[trueTop.length - 1]!.value : Infinity;
  const considered = [...new Set(reported)].slice(0, k);
  const wrong = considered.filter((key) => {
    const value = truth.countOf(key, metric);
    return !(value > 0 && value >= threshold);
  });
  const hits = considered.length - wrong.length;
  return {
    k,
    hits,
    precision: considered.length > 0 ? hits / considered.length : 0,
    recall: trueTop.length > 0 ? hits / trueTop.length : 0,
    threshold: trueTop.length > 0 ? threshold : 0,
    wrong,
  };
}

export interface AccuracyRow {
  flavor: string;
  method: string;
  accuracy: Accuracy;
  /** Anything worth reading next to the numbers, e.g. the sample ratio or the run length. */
  note?: string;
}

/** Header of the Markdown table that `formatAccuracyRow` rows belong to. */
export const ACCURACY_TABLE_HEADER = '| flavor | method | top k | precision | recall | hits | note |\n|---|---|---:|---:|---:|---:|---|';

/** One Markdown table row, e.g. `| valkey9 | slots | 10 | 0.90 | 0.90 | 9/10 | |`. */
export function formatAccuracyRow(row: AccuracyRow): string {
  const a = row.accuracy;
  const cells = [row.flavor, row.method, String(a.k), a.precision.toFixed(2), a.recall.toFixed(2), `${a.hits}/${a.k}`, row.note ?? ''];
  return `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
}
