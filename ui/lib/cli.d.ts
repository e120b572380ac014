// Types for cli.js, so the TypeScript tests can import it.
export type Arg = string | { hex: string };
export type Blob = { text: string; hex: string; bytes: number; binary: boolean; truncated: boolean };
export type Reply =
  | { t: 'simple' | 'error' | 'int' | 'nil' | 'double' | 'bool' | 'bignum'; v?: unknown }
  | { t: 'bulk'; v: Blob | string }
  | { t: 'verbatim'; format?: string; v: Blob | string }
  | { t: 'array' | 'set' | 'push'; items: Reply[]; more?: number }
  | { t: 'map'; entries: [Reply, Reply][]; more?: number };
export interface Segment { text: string; cls: string }
export interface CommandDoc { name: string; summary?: string; group?: string; since?: string; arity?: number; flags?: string[]; categories?: string[]; arguments?: unknown[]; allowed?: boolean; why?: string; token?: boolean }
export function splitCommandLine(line: string): { args: Arg[]; error?: undefined } | { error: string; args?: undefined };
export function quoteBulk(blob: Blob | string | null | undefined): string;
export function replyLines(reply: Reply, limit?: number): Segment[][];
export function replyText(reply: Reply): string;
export function argHint(args: unknown): string;
export function commandWords(name: string): string;
export function complete(line: string, commands: CommandDoc[]): { matches: CommandDoc[]; command: CommandDoc | undefined };
export function applyCompletion(line: string, c: CommandDoc): string;
export function argumentTokens(args: unknown[] | undefined): CommandDoc[];
export function typedArgCount(line: string, command: CommandDoc): number;
export function historyLines(entries: (string | { line?: string; command?: string; args?: string[] })[]): string[];
