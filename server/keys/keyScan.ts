// Browsing: one paced step of a SCAN over every primary (or one node), as the /api/keys/scan answer.
import { keyBlob, type BlobJson } from './blobs.ts';
import { scanStep, type ScanPacing, type TypesCall } from './clusterScan.ts';
import { str, type KeyNodes } from './keyNodes.ts';
import { CursorError, decodeCursor, encodeCursor, isComplete, startState, type ScanState } from './scanCursor.ts';

export interface BrowseRequest {
  match: string | null;
  type: string | null;
  cursor?: string;
  limit: number;
  node?: string;
  /** Read each returned key's TYPE (one pipeline per node per step); without it only a TYPE filter gives types. */
  types?: boolean;
}

export interface BrowseAnswer {
  keys: { key: BlobJson; node: string; type?: string }[];
  cursor: string | null;
  complete: boolean;
  scanned: { calls: number; keys: number; nodes: { node: string; done: boolean; dbsize: number | null; error?: string }[] };
  totalKeys: number;
}

/** SCAN on one node through the shared connection: [next cursor, keys] as Buffers (binary-safe). */
export function scanCall(nodes: KeyNodes) {
  return async (node: string, args: string[]): Promise<[Buffer, Buffer[]]> => (await (await nodes.conn(node)).callBuffer('SCAN', ...args)) as [Buffer, Buffer[]];
}

export function dbsizeCall(nodes: KeyNodes) {
  return async (node: string): Promise<number> => Number(await (await nodes.conn(node)).call('DBSIZE'));
}

/** TYPE of each key in one pipeline; 'none' (deleted since the SCAN) and errors as null. */
export function typesCall(nodes: KeyNodes): TypesCall {
  return async (node, keys) => {
    const { replies } = await nodes.pipeline(node, keys.map((k) => ['TYPE', k]));
    return replies.map(([e, v]) => (e || str(v) === 'none' ? null : str(v)));
  };
}

/** Throws CursorError for a cursor this API did not make, or one made for other filters or nodes. */
export function stateFor(nodes: KeyNodes, r: BrowseRequest): ScanState {
  if (!r.cursor) return startState(r.node ? [nodes.checkNode(r.node)] : nodes.primaries(), r.match, r.type);
  const s = decodeCursor(r.cursor);
  if (s.match !== r.match || s.type !== r.type) throw new CursorError('the cursor was made for another match or type: start again without a cursor');
  return s;
}

export async function browse(nodes: KeyNodes, r: BrowseRequest, pacing?: ScanPacing): Promise<BrowseAnswer> {
  const state = stateFor(nodes, r);
  // With a TYPE filter every key has that type already.
  const types = r.types && !r.type ? typesCall(nodes) : undefined;
  const step = await scanStep(state, scanCall(nodes), dbsizeCall(nodes), { limit: r.limit, pacing, types });
  const complete = isComplete(state);
  return {
    keys: step.keys.map((k) => {
      const type = r.type ?? k.type;
      return { key: keyBlob(k.key), node: k.node, ...(type ? { type } : {}) };
    }),
    cursor: complete ? null : encodeCursor(state),
    complete,
    scanned: { calls: state.calls, keys: state.keys, nodes: step.nodes },
    totalKeys: step.nodes.reduce((n, x) => n + (x.dbsize ?? 0), 0),
  };
}
