// Types for keys.js, so the TypeScript tests can import it.
export interface BlobJson { text: string; hex: string; bytes: number; binary: boolean; truncated: boolean }
export interface ListedKey { text: string; bytes: number; node: string | null; type: string | null; hex?: string; binary?: boolean; truncated?: boolean }
export interface KeyFolder { name: string; path: string; depth: number; count: number; sub: Map<string, KeyFolder>; leaves: { name: string; key: ListedKey }[]; sorted: unknown }
export interface KeyTree { sep: string; root: KeyFolder; size: number }
export type TreeRow =
  | { kind: 'folder'; name: string; path: string; depth: number; count: number; open: boolean }
  | { kind: 'key'; name: string; depth: number; key: ListedKey };
export const MAX_LISTED: number;
export const MAX_SCROLL_PX: number;
export const KEY_TYPES: string[];
export function textHex(text: string): string;
export function compactKey(entry: { key: BlobJson; node?: string | null; type?: string | null }): ListedKey;
export function keyHex(k: { hex?: string; text: string }): string;
export function keyBlob(k: ListedKey): BlobJson;
export function createTree(sep?: string): KeyTree;
export function addToTree(tree: KeyTree, keys: ListedKey[]): void;
export function treeRows(tree: KeyTree, open: Set<string>): TreeRow[];
export function pathsTo(text: string, sep?: string): string[];
export function virtualWindow(o: { count: number; rowHeight: number; scrollTop: number; viewport: number; overscan?: number; maxPx?: number }): { first: number; last: number; totalPx: number; top(i: number): number };
export function scrollToRow(o: { index: number; count: number; rowHeight: number; scrollTop: number; viewport: number; maxPx?: number }): number;
export function hexDump(hex: string, offset?: number): string;
export function blobOfHex(hex: string): BlobJson;
export function loadWhole(fetchWindow: (w: { offset: number; bytes: number }) => Promise<{ value: BlobJson; bytes: number; total: number }>, windowBytes: number): Promise<BlobJson>;
export function blobInput(value: string, mode?: 'text' | 'hex'): { text: string } | { hex: string } | undefined;
export function formatTtl(ms: number | null | undefined): string;
export function typeLabel(t: string | null | undefined): string;
export function lengthText(type: string, n: number | null | undefined): string;
export function scanProgress(scanned: number, totalKeys: number | null | undefined, complete: boolean): number;
export function estimate(row: Record<string, unknown> | null | undefined, name: string): { value: number | null; low: number | null; high: number | null; pm: number | null; range: boolean };
export function runLabel(r: { id: number | string; startedAt?: number; match?: string | null }): string;
