// Parses and validates query parameters: times, durations, enums and series selectors, naming the parameter on error.
import { parseDuration } from '../duration.ts';
import { badParam } from './errors.ts';

/** Accepts unix seconds, ISO 8601, "now", or "now-1h". Returns unix ms. */
export function parseTime(name: string, text: string | undefined, fallback: number, now: number): number {
  if (text === undefined || text === '') return fallback;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const rel = /^now(?:-(.+))?$/.exec(text);
  if (rel) {
    if (!rel[1]) return now;
    const ms = parseDuration(rel[1]);
    if (ms === undefined) throw badParam(name, `"${text}" is not a time (unix seconds, ISO 8601, now or now-1h)`);
    return now - ms;
  }
  // Date.parse accepts odd forms; only take strings that look like ISO 8601 dates.
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(ms)) throw badParam(name, `"${text}" is not a time (unix seconds, ISO 8601, now or now-1h)`);
  return ms;
}

/** A duration ("30s", "5m") or plain seconds. Returns ms. */
export function parseStep(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) throw badParam(name, `"${text}" is not a duration (seconds, or 10s, 5m, 1h)`);
  return ms;
}

export function parseEnum<T extends string>(name: string, text: string | undefined, allowed: readonly T[], fallback: T | undefined): T | undefined {
  if (text === undefined || text === '') return fallback;
  if (!(allowed as readonly string[]).includes(text)) throw badParam(name, `must be one of ${allowed.join(', ')}, got "${text}"`);
  return text as T;
}

/** A node selector: "all" (or absent) for every node, else addresses separated by commas. */
export function parseNodes(name: string, text: string | undefined): string[] | 'all' {
  if (text === undefined || text === 'all') return 'all';
  const list = text.split(',').filter(Boolean);
  if (list.length === 0) throw badParam(name, 'give "all" or one or more node addresses separated by commas');
  return list;
}

export function parseLimit(name: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) throw badParam(name, `must be an integer from 1 to ${max}, got "${text}"`);
  return n;
}

/**
 * A series selector in Prometheus style: name or name{label="value",...}. Label values may contain
 * any character with \" and \\ escaped.
 */
export function parseSelector(name: string, text: string | undefined): { metric: string; labels?: Record<string, string> } {
  if (!text) throw badParam(name, 'is required (a metric name, optionally with {label="value"})');
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?$/s.exec(text.trim());
  if (!m) throw badParam(name, `"${text}" is not a metric name or selector like valkey_command_calls_total{cmd="get"}`);
  if (m[2] === undefined) return { metric: m[1]! };
  const labels: Record<string, string> = {};
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/gy;
  let end = 0;
  for (let lm = re.exec(m[2]); lm; lm = re.exec(m[2])) {
    if (lm[1]! in labels) throw badParam(name, `label "${lm[1]}" is given twice in "${text}"`);
    labels[lm[1]!] = lm[2]!.replace(/\\(.)/g, (_, ch: string) => (ch === 'n' ? '\n' : ch));
    end = re.lastIndex;
    if (end >= m[2].length) break;
  }
  if (m[2].slice(end).trim() !== '') throw badParam(name, `cannot read the labels in "${text}"`);
  return { metric: m[1]!, labels };
}
