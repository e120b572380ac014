// Canonical text for a label set: k="v" pairs sorted by key, values escaped like Prometheus.

export function canonicalLabels(labels: Record<string, string> | undefined): string {
  if (!labels) return '';
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  keys.sort();
  let out = '';
  for (const key of keys) {
    if (out) out += ',';
    out += `${key}="${escapeValue(labels[key])}"`;
  }
  return out;
}

/** True when every pair of want is in have (an empty want matches everything). */
export function labelsInclude(have: Record<string, string>, want: Record<string, string>): boolean {
  for (const key in want) if (have[key] !== want[key]) return false;
  return true;
}

function escapeValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
}
