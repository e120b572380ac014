// Types for latency.js, so the TypeScript tests can import it.
export interface KeyTextJson { text: string; hex: string; bytes: number; binary: boolean; truncated: boolean }
export interface CommandLogEntryJson {
  ts: number;
  node: string;
  type: 'slow' | 'large-request' | 'large-reply';
  id: number;
  value: number;
  unit: 'us' | 'bytes';
  cmd: string;
  args: KeyTextJson[];
  argsMore: number;
  /** Bytes the server cut off each argument (0 when whole); sent by the API though the contract does not name it. */
  argsCut?: number[];
  line: string;
  client: string;
  clientName: string;
  pattern: string;
}
export interface LogTypeInfo { type: string; label: string; unit: 'us' | 'bytes'; what: string }
export const LOG_TYPES: LogTypeInfo[];
export function logTypeLabel(type: string): string;
export function formatMicros(us: number | null | undefined): string;
export function formatMillis(ms: number | null | undefined): string;
export function formatLogValue(v: number | null | undefined, unit: string): string;
export function parseAmount(text: string | null | undefined): { value: number; unit: 'us' | 'bytes' | null } | { error: string } | undefined;
export interface CommandLogFilters { node: string; types: string[]; cmd: string; client: string; q: string; min: string; max: string; group: 'none' | 'command' | 'pattern' }
export function commandlogFilters(params: URLSearchParams): CommandLogFilters;
export function commandlogQuery(f: CommandLogFilters, range: { from: number; to: number }): { params: Record<string, string | number>; errors: { min?: string; max?: string } };
export function boundsNote(f: CommandLogFilters): string | null;
export function entryKey(e: Pick<CommandLogEntryJson, 'node' | 'type' | 'id' | 'ts'>): string;
export function mergePages<T extends Pick<CommandLogEntryJson, 'node' | 'type' | 'id' | 'ts'>>(pages: { entries: T[] }[]): T[];
export const ARG_CHARS: number;
export const ROW_ARGS: number;
export function shownArgs(entry: Pick<CommandLogEntryJson, 'args' | 'argsMore' | 'argsCut'>, max?: number, chars?: number): { args: { k: KeyTextJson; cut: number }[]; hidden: number; dropped: number };
export function dashboardHref(node: string, ts: number, pad?: number): string;
export function commandlogHref(node: string, ts: number, pad?: number): string;
export function correlationParams(node: string, ts: number): { corr: number; corrNode: string };
export function readCorrelation(params: URLSearchParams): { node: string; ts: number; before: number } | null;
export interface LatencyReplyJson { from?: number; to?: number; series: { node: string; event: string }[]; data: (number | null)[][] }
export function latencyCharts(resp: LatencyReplyJson | null | undefined): { event: string; nodes: string[]; data: (number | null)[][] }[];
export function percentileLabel(p: string | number): string;
export interface SeriesReplyJson { series: { node: string; labels?: Record<string, string> }[]; data: (number | null)[][] }
export function commandLatencyChart(resp: SeriesReplyJson | null | undefined): { series: { label: string; node: string; percentile: string }[]; data: (number | null)[][] };
export const COMMANDSTATS_COLUMNS: { key: string; label: string; desc: boolean; title?: string }[];
export function sortRows<T extends Record<string, any>>(rows: T[], key: string, desc: boolean): T[];
export function readSort(value: string | null | undefined, columns: { key: string }[], def: { key: string; desc: boolean }): { key: string; desc: boolean };
export function nextSort(current: { key: string; desc: boolean }, col: { key: string; desc: boolean }): string;
export function groupsByType<T extends { type: string }>(groups: T[] | null | undefined): { type: string; groups: T[] }[];
export function logConfigNames(source: string, type: string): { threshold: string; maxLen: string; example: string } | undefined;
export interface LogStatusJson {
  node: string;
  source: 'commandlog' | 'slowlog' | null;
  state?: string;
  /** The collector's state for this source ('pending' before the first read): sent by the API, not in the contract. */
  sourceState?: string;
  error?: string;
  logs: { type: string; threshold: number; thresholdUnit: 'us' | 'bytes'; maxLen: number; length: number; lastId: number | null; collected: number; lost: number }[];
}
export function logStatusNotes(n: LogStatusJson): { level: 'bad' | 'warn' | 'info'; text: string }[];
export function monitorNote(n: { thresholdMs: number | null; error?: string; sourceState?: string }): { level: string; text: string } | null;
export function changeRatio(during: number | null | undefined, baseline: number | null | undefined): number | null;
export function formatChange(ratio: number | null | undefined): string;
