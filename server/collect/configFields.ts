// Settings a server reports in INFO; a change between polls becomes a config_change event (CONFIG SET, restart with a new config).
import { infoField, type InfoSections } from '../valkey/infoReply.ts';

/**
 * INFO fields that mirror configuration. INFO is polled anyway, so watching these costs the server nothing,
 * unlike polling CONFIG GET (which managed services often rename or deny).
 */
export const configFields = [
  'maxmemory',
  'maxmemory_policy',
  'maxclients',
  'aof_enabled',
  'configured_hz',
  'repl_backlog_size',
  'io_threads_active',
  'cluster_enabled',
  'config_file',
  'executable',
] as const;

export type ConfigSnapshot = Partial<Record<(typeof configFields)[number], string>>;

export function configSnapshot(info: InfoSections): ConfigSnapshot {
  const out: ConfigSnapshot = {};
  for (const f of configFields) {
    const v = infoField(info, f);
    if (v !== undefined) out[f] = v;
  }
  return out;
}

/** Fields whose value differs; a field missing on one side is not a change (sections can be denied or absent). */
export function configChanges(before: ConfigSnapshot, after: ConfigSnapshot): { field: string; from: string; to: string }[] {
  const out: { field: string; from: string; to: string }[] = [];
  for (const f of configFields) {
    const a = before[f];
    const b = after[f];
    if (a !== undefined && b !== undefined && a !== b) out.push({ field: f, from: a, to: b });
  }
  return out;
}
