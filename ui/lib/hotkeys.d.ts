// Types for hotkeys.js, so the TypeScript tests can import it.
export interface HotKeyJson { text: string; hex: string; bytes: number; binary: boolean; truncated: boolean }
export interface HotKeyRowJson {
  node: string | null;
  key: HotKeyJson;
  metric: string;
  value: number;
  error: number | null;
  share: number | null;
  memoryBytes: number | null;
  slot: number | null;
  type: string | null;
  ttlMs: number | null;
  rank: number;
  nodes?: string[];
}
export interface HotKeyMetricInfo { id: string; label: string; title: string; unitText: string; chart: { factor: number; unit: string; kind: string } }
export const HOTKEY_METRICS: HotKeyMetricInfo[];
export function metricInfo(id: string): HotKeyMetricInfo;
export const METHOD_LABELS: Record<string, string>;
export function methodLabel(m: string): string;
export const READ_ONLY_METHODS: Set<string>;
export function formatHotValue(metric: string, v: number | null | undefined): string;
export function metricsIn(rows: { metric: string }[]): string[];
export function cmpAddress(a: string, b: string): number;
export function groupByNode(rows: HotKeyRowJson[], metric: string): { node: string; rows: HotKeyRowJson[] }[];
export function rankClusterWide(rows: HotKeyRowJson[], metric: string): (HotKeyRowJson & { nodes: string[] })[];
export function historySeries(points: { ts: number; node: string; metric: string; value: number }[], metric: string, factor?: number): { nodes: string[]; data: [number[], ...(number | null)[][]] };
export function humanizeField(name: string): string;
export function formatDetailValue(name: string, v: unknown): string;
export function loadRun(id: number): Promise<any>;
