// Debian version comparison (deb-version(7)), so dependency constraints can be checked without dpkg.

/** Negative, zero or positive like a sort comparator. */
export function compareDebVersions(a: string, b: string): number {
  const pa = splitVersion(a);
  const pb = splitVersion(b);
  if (pa.epoch !== pb.epoch) return pa.epoch - pb.epoch;
  return compareFragment(pa.upstream, pb.upstream) || compareFragment(pa.revision, pb.revision);
}

/** Whether `version` satisfies a Depends relation such as ">=" "2.38". */
export function satisfies(version: string, op: string, wanted: string): boolean {
  const c = compareDebVersions(version, wanted);
  switch (op) {
    case '>=': return c >= 0;
    case '<=': return c <= 0;
    case '>>': case '>': return c > 0;
    case '<<': case '<': return c < 0;
    case '=': return c === 0;
    default: throw new Error(`unknown version relation ${op}`);
  }
}

function splitVersion(v: string): { epoch: number; upstream: string; revision: string } {
  const colon = v.indexOf(':');
  const epoch = colon >= 0 ? Number(v.slice(0, colon)) : 0;
  const rest = colon >= 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf('-');
  return dash >= 0
    ? { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) }
    : { epoch, upstream: rest, revision: '0' };
}

// Alternating non-digit and digit runs; non-digits compare with '~' lowest and letters before symbols.
function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let ia = i;
    let jb = j;
    while (ia < a.length && !isDigit(a[ia])) ia++;
    while (jb < b.length && !isDigit(b[jb])) jb++;
    const lex = compareLexical(a.slice(i, ia), b.slice(j, jb));
    if (lex !== 0) return lex;
    i = ia;
    j = jb;
    while (ia < a.length && isDigit(a[ia])) ia++;
    while (jb < b.length && isDigit(b[jb])) jb++;
    const num = Number(a.slice(i, ia) || '0') - Number(b.slice(j, jb) || '0');
    if (num !== 0) return num;
    i = ia;
    j = jb;
  }
  return 0;
}

function compareLexical(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const d = order(a[k]) - order(b[k]);
    if (d !== 0) return d;
  }
  return 0;
}

function order(ch: string | undefined): number {
  if (ch === undefined) return 0;
  if (ch === '~') return -1;
  if (/[A-Za-z]/.test(ch)) return ch.charCodeAt(0);
  return ch.charCodeAt(0) + 256;
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}
