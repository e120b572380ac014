// Types for heatmap.js, so the TypeScript tests can import it.
export const SLOTS: number;
export const VIRIDIS: string[];
export function colorAt(t: number): [number, number, number];
export function cssColorAt(t: number): string;
export function cssGradient(): string;
export function scaleValue(v: number | null | undefined, min: number, max: number, scale?: 'sqrt' | 'linear'): number | undefined;
export function valueAt(t: number, min: number, max: number, scale?: 'sqrt' | 'linear'): number;
export function heatGrid(width: number, height: number): { rows: number; cols: number };
export function parseSlotRange(s: string | null | undefined): { from: number; to: number } | undefined;
export function slotRangeText(from: number, to: number): string;
export function rowOfSlot(rows: { slotFrom: number; slotTo: number }[], slot: number): number;
export function valueExtent(values: (number | null)[][]): { min: number; max: number } | undefined;
