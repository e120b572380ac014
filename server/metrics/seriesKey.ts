// Canonical text for a metric name plus labels, used as a map key and in the store's dictionary.

/** 'k1="v1",k2="v2"' with keys sorted and values escaped the Prometheus way; '' for no labels. */
export function labelsText(labels: Record<string, string> | undefined): string {
  if (!labels) return '';
  const keys = Object.keys(labels).sort();
  return keys.map((k) => `${k}="${escapeLabelValue(labels[k]!)}"`).join(',');
}

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export function seriesKey(metric: string, labels: Record<string, string> | undefined): string {
  const l = labelsText(labels);
  return l ? `${metric}{${l}}` : metric;
}
