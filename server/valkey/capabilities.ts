// Decides what a node can do from COMMAND LIST / COMMAND INFO replies, never from version numbers alone.

/**
 * Capabilities are command names as the server spells them, with subcommands as "container|sub"
 * (e.g. "memory|stats", "cluster|slot-stats", "commandlog", "hotkeys").
 */
export type Capabilities = string[];

/** Container commands whose subcommands matter to Skyscope; COMMAND INFO lists their subcommands. */
export const containerCommands = ['cluster', 'memory', 'latency', 'commandlog', 'slowlog', 'hotkeys', 'object'];

/** Top-level commands worth reporting even though they have no subcommands. */
const interesting = new Set(['clusterscan', 'scan', 'monitor', 'info', 'hello', 'acl', 'debug', 'json.get', 'ft.info']);

/**
 * `commandList` is the reply of COMMAND LIST (undefined when it is not allowed or not known);
 * `commandInfo` the reply of COMMAND INFO for containerCommands.
 */
export function parseCapabilities(commandList: unknown, commandInfo: unknown): Capabilities {
  const caps = new Set<string>();
  if (Array.isArray(commandList)) {
    for (const name of commandList) {
      const n = String(name).toLowerCase();
      if (containerCommands.includes(n) || interesting.has(n)) caps.add(n);
    }
  }
  if (Array.isArray(commandInfo)) {
    for (const entry of commandInfo) {
      if (!Array.isArray(entry)) continue; // nil for commands the server lacks
      const name = String(entry[0]).toLowerCase();
      caps.add(name);
      const subs = entry[9];
      if (!Array.isArray(subs)) continue;
      for (const sub of subs) if (Array.isArray(sub)) caps.add(String(sub[0]).toLowerCase());
    }
  }
  return [...caps].sort();
}

export function has(caps: Capabilities | undefined, name: string): boolean {
  return caps?.includes(name) ?? false;
}
