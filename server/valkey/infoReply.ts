// Parses the text reply of INFO into sections of fields, and the structured fields inside some sections.

/** INFO as section name (lower case) -> field -> raw string value. */
export type InfoSections = Record<string, Record<string, string>>;

/** Splits an INFO reply ("# Section\r\nfield:value\r\n...") into sections. Unknown lines are ignored. */
export function parseInfo(text: string): InfoSections {
  const sections: InfoSections = {};
  let current: Record<string, string> = {};
  sections[''] = current;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.length === 0) continue;
    if (line.startsWith('#')) {
      const name = line.slice(1).trim().toLowerCase();
      current = sections[name] ?? (sections[name] = {});
      continue;
    }
    // Field names never contain ':', values may (e.g. executable paths, IPv6 addresses).
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    current[line.slice(0, colon)] = line.slice(colon + 1);
  }
  if (Object.keys(sections['']!).length === 0) delete sections[''];
  return sections;
}

/** Parses "k1=v1,k2=v2" values used by commandstats, keyspace, errorstats, latencystats and slaveN lines. */
export function parseKeyValueList(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/** A field value as a finite number, or undefined when it is not numeric (e.g. "ok", "master"). */
export function numericValue(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Finds a field in whatever section it lives in (sections differ a little between flavors). */
export function infoField(info: InfoSections, field: string): string | undefined {
  for (const section of Object.values(info)) {
    const v = section[field];
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Server identity from INFO server: Valkey reports server_name:valkey and valkey_version. */
export function serverIdentity(info: InfoSections): { flavor: 'valkey' | 'redis'; version: string } {
  const server = info['server'] ?? {};
  const valkeyVersion = server['valkey_version'];
  if (server['server_name'] === 'valkey' || valkeyVersion !== undefined) {
    return { flavor: 'valkey', version: valkeyVersion ?? server['redis_version'] ?? 'unknown' };
  }
  return { flavor: 'redis', version: server['redis_version'] ?? 'unknown' };
}
