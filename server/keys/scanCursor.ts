// The opaque cursor of a cluster-wide SCAN: every node's own SCAN cursor, what was asked, and running totals.

export interface NodeCursor {
  node: string;
  /** The node's SCAN cursor ("0" before the first call). */
  cursor: string;
  /** True once the node's cursor came back to "0". */
  done: boolean;
}

export interface ScanState {
  match: string | null;
  type: string | null;
  nodes: NodeCursor[];
  calls: number;
  keys: number;
  /** Unix ms before which the next SCAN must not be sent (pacing carries over between API steps). */
  notBefore: number;
}

export class CursorError extends Error {}

/** base64url of a compact JSON array: short, URL-safe, and opaque to the UI. */
export function encodeCursor(s: ScanState): string {
  const json = JSON.stringify([1, s.match, s.type, s.nodes.map((n) => [n.node, n.cursor, n.done ? 1 : 0]), s.calls, s.keys, s.notBefore]);
  return Buffer.from(json, 'utf8').toString('base64url');
}

export function decodeCursor(text: string): ScanState {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('not a cursor this API returned');
  }
  if (!Array.isArray(v) || v[0] !== 1 || v.length !== 7) throw new CursorError('not a cursor this API returned');
  const [, match, type, nodes, calls, keys, notBefore] = v as unknown[];
  const okText = (x: unknown) => x === null || typeof x === 'string';
  if (!okText(match) || !okText(type) || !Array.isArray(nodes) || typeof calls !== 'number' || typeof keys !== 'number' || typeof notBefore !== 'number') {
    throw new CursorError('not a cursor this API returned');
  }
  const parsed = nodes.map((n): NodeCursor => {
    if (!Array.isArray(n) || typeof n[0] !== 'string' || typeof n[1] !== 'string' || !/^\d+$/.test(n[1]) || (n[2] !== 0 && n[2] !== 1)) throw new CursorError('not a cursor this API returned');
    return { node: n[0], cursor: n[1], done: n[2] === 1 };
  });
  return { match: match as string | null, type: type as string | null, nodes: parsed, calls, keys, notBefore };
}

/** A fresh scan over these nodes. */
export function startState(nodes: string[], match: string | null, type: string | null): ScanState {
  return { match, type, nodes: nodes.map((node) => ({ node, cursor: '0', done: false })), calls: 0, keys: 0, notBefore: 0 };
}

export function isComplete(s: ScanState): boolean {
  return s.nodes.every((n) => n.done);
}
