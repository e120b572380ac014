// Canonical text for a metric name plus labels, used as a map key and in the store's dictionary.

// The collector hands out the same (interned) label objects on every poll, so their text is computed once.
const textOf = new WeakMap<Record<string, string>, string>();
const interned = new Map<string, Record<string, string>>();

/** 'k1="v1",k2="v2"' with keys sorted and values escaped the Prometheus way; '' for no labels. */
export function labelsText(labels: Record<string, string> | undefined): string {
  if (!labels) return '';
  const cached = textOf.get(labels);
  if (cached !== undefined) return cached;
  const keys = Object.keys(labels).sort();
  const text = keys.map((k) => `${k}="${escapeLabelValue(labels[k]!)}"`).join(',');
  textOf.set(labels, text);
  return text;
}

export function escapeLabelValue(v: string): string {
  return /[\\"\n]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"') : v;
}

export function seriesKey(metric: string, labels: Record<string, string> | undefined): string {
  const l = labelsText(labels);
  return l ? `${metric}{${l}}` : metric;
}

/**
 * One frozen object per distinct label set, so every poll reuses it (and its cached text) instead of
 * allocating and formatting hundreds of label objects per node per second. Label sets are few and stable
 * (commands, databases, INFO fields), so the table stays small.
 */
export function internLabels(labels: Record<string, string>): Record<string, string> {
  const key = JSON.stringify(labels);
  let found = interned.get(key);
  if (!found) {
    found = Object.freeze({ ...labels });
    interned.set(key, found);
  }
  return found;
}
