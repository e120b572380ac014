// Parses a COMMAND DOCS reply (RESP2 flat arrays or RESP3 maps) into summaries and argument trees, for autocomplete and timeouts.
import { fields } from './commandKeys.ts';

export interface DocArg {
  name: string;
  /** string | integer | double | key | pattern | unix-time | pure-token | oneof | block */
  type: string;
  token?: string;
  /** optional | multiple | multiple_token */
  flags: string[];
  /** For oneof and block. */
  arguments?: DocArg[];
}

export interface CommandDoc {
  /** Lower case; a subcommand as "config|get". */
  name: string;
  summary: string;
  group: string;
  since: string;
  arguments: DocArg[];
}

/** Every command and subcommand the reply describes, by lower-case name. */
export function commandDocs(reply: unknown): Map<string, CommandDoc> {
  const out = new Map<string, CommandDoc>();
  const add = (name: string, body: unknown) => {
    const f = fields(body);
    out.set(name, { name, summary: text(f.get('summary')), group: text(f.get('group')), since: text(f.get('since')), arguments: args(f.get('arguments')) });
    for (const [sub, subBody] of fields(f.get('subcommands'))) add(sub.toLowerCase(), subBody);
  };
  for (const [name, body] of fields(reply)) add(name.toLowerCase(), body);
  return out;
}

function args(value: unknown): DocArg[] {
  if (!Array.isArray(value)) return [];
  return value.map((raw) => {
    const f = fields(raw);
    const arg: DocArg = { name: text(f.get('name')), type: text(f.get('type')), flags: Array.isArray(f.get('flags')) ? (f.get('flags') as unknown[]).map(text) : [] };
    const token = f.get('token');
    if (token !== undefined) arg.token = text(token);
    if (f.has('arguments')) arg.arguments = args(f.get('arguments'));
    return arg;
  });
}

function text(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}
