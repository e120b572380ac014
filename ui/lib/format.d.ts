// Types for format.js, so the TypeScript tests can import it.
export function formatBytes(v: number | null | undefined): string;
export function trimZeros(s: string): string;
export function formatNumber(v: number | null | undefined): string;
export function formatSeconds(v: number | null | undefined): string;
export function formatValue(v: number | null | undefined, unit?: string, kind?: string): string;
export function formatTime(sec: number, opts?: { date?: 'auto' | 'always' | 'never' }): string;
export function formatAgo(sec: number, now?: number): string;
