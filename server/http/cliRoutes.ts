// /api/cli (run one command), /api/cli/commands (autocomplete), /api/cli/history and /api/audit: see keysContract.md.
import type { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { CliError, type CliErrorCode, type CliRunner } from '../cli/cliRunner.ts';
import type { CommandDoc, DocArg } from '../valkey/commandDocs.ts';
import type { ReplyNode } from '../valkey/resp3.ts';
import { displayName, policyFor } from '../valkey/commandPolicy.ts';
import type { Store } from '../store/types.ts';
import { blobJson, type BlobJson } from '../keys/blobs.ts';
import { ApiError, badParam } from './errors.ts';
import { parseLimit, parseTime } from './params.ts';

export interface CliRouteDeps {
  runner: Pick<CliRunner, 'run' | 'describe'>;
  store: Pick<Store, 'cliHistory' | 'audit'>;
  readOnly: boolean;
  now: () => number;
}

/** Reply strings longer than this are cut (text and hex alike; `truncated` says so). */
const shownValueBytes = 64 * 1024;
const maxArgs = 100_000;

const statusOf: Record<CliErrorCode, ContentfulStatusCode> = {
  read_only: 403,
  confirm_required: 428,
  refused: 400,
  cross_slot: 400,
  bad_parameter: 400,
  no_node: 503,
  unavailable: 502,
  timeout: 504,
};

/** A reply value as the contract's blob, text and hex both cut at 64 KiB; `total` when `bytes` is already cut. */
function valueBlob(bytes: Uint8Array, total = bytes.length): BlobJson {
  return blobJson(total > bytes.length ? withoutCutCharacter(bytes) : bytes, shownValueBytes, total);
}

/** A value cut by the parser may end in the middle of a UTF-8 character: drop that part so text does not look binary. */
function withoutCutCharacter(b: Uint8Array): Uint8Array {
  for (let i = b.length - 1; i >= Math.max(0, b.length - 4); i--) {
    const x = b[i]!;
    if ((x & 0xc0) === 0x80) continue;
    const len = x >= 0xf0 ? 4 : x >= 0xe0 ? 3 : x >= 0xc0 ? 2 : 1;
    return i + len > b.length ? b.subarray(0, i) : b;
  }
  return b;
}

/** The typed tree as JSON: bulk and verbatim payloads as blobs (the parser kept at most 64 KiB; `bytes` is the whole size). */
export function replyJson(node: ReplyNode): unknown {
  switch (node.t) {
    case 'bulk':
      return { t: 'bulk', v: valueBlob(node.v, node.size) };
    case 'verbatim':
      return { t: 'verbatim', format: node.format, v: valueBlob(node.v, node.size) };
    case 'array':
    case 'set':
    case 'push':
      return { t: node.t, items: node.items.map(replyJson), ...(node.more ? { more: node.more } : {}) };
    case 'map':
      return { t: 'map', entries: node.entries.map(([k, v]) => [replyJson(k), replyJson(v)]), ...(node.more ? { more: node.more } : {}) };
    default:
      return node;
  }
}

/** `args` items: "text", {"text": "..."} or {"hex": "..."}. */
function parseArgs(raw: unknown): Buffer[] {
  if (!Array.isArray(raw) || raw.length === 0) throw badParam('args', 'must be a non-empty array of strings or {"hex": "..."} like ["GET", "user:1"]');
  if (raw.length > maxArgs) throw badParam('args', `at most ${maxArgs} arguments`);
  return raw.map((a, i) => {
    if (typeof a === 'string') return Buffer.from(a);
    if (a && typeof a === 'object') {
      const o = a as { hex?: unknown; text?: unknown };
      if (typeof o.hex === 'string') {
        if (o.hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(o.hex)) throw badParam('args', `item ${i}: hex must be pairs of hex digits`);
        return Buffer.from(o.hex, 'hex');
      }
      if (typeof o.text === 'string') return Buffer.from(o.text);
    }
    throw badParam('args', `item ${i} must be a string, {"text": "..."} or {"hex": "..."}`);
  });
}

async function jsonObject(req: Request, example: string): Promise<Record<string, unknown>> {
  try {
    const parsed: unknown = JSON.parse(await req.text());
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    throw badParam('body', `must be a JSON object like ${example}`);
  }
}

function docArgJson(a: DocArg): unknown {
  return { name: a.name, type: a.type, ...(a.token !== undefined ? { token: a.token } : {}), ...(a.flags.length ? { flags: a.flags } : {}), ...(a.arguments ? { arguments: a.arguments.map(docArgJson) } : {}) };
}

export function registerCliRoutes(app: Hono, deps: CliRouteDeps): void {
  app.post('/api/cli', async (c) => {
    const body = await jsonObject(c.req.raw, '{"args": ["GET", "user:1"], "node": "127.0.0.1:6379"}');
    const argv = parseArgs(body['args']);
    const node = body['node'];
    if (node !== undefined && node !== null && typeof node !== 'string') throw badParam('node', 'must be a node address host:port');
    const confirm = body['confirm'];
    if (confirm !== undefined && confirm !== null && typeof confirm !== 'string') throw badParam('confirm', 'must be the text the confirm_required answer gave');
    try {
      const result = await deps.runner.run({ argv, node: node ?? undefined, confirm: confirm ?? undefined });
      return c.json({ ...result, reply: replyJson(result.reply) });
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      // The one error with more than a message: what to type to confirm.
      return c.json({ error: { code: e.code, message: e.message, ...e.extra } }, statusOf[e.code]);
    }
  });

  app.get('/api/cli/commands', async (c) => {
    const node = c.req.query('node') || undefined;
    let described;
    try {
      described = await deps.runner.describe(node);
    } catch (e) {
      if (e instanceof CliError) throw new ApiError(statusOf[e.code], e.code, e.message);
      throw e;
    }
    const { table, docs } = described.commands;
    const commands = [];
    for (const top of table.values()) {
      for (const meta of [top, ...(top.subcommands?.values() ?? [])]) {
        const doc: CommandDoc | undefined = docs.get(meta.name);
        const name = displayName(meta);
        const argv = name.split(' ').map((p) => Buffer.from(p));
        const v = policyFor(meta, argv, doc?.arguments);
        const why = v.kind === 'refused' ? v.why : deps.readOnly && v.readOnlyWhy ? `Skyscope runs with --read-only: ${v.readOnlyWhy}` : undefined;
        commands.push({
          name,
          summary: doc?.summary ?? '',
          group: doc?.group ?? '',
          since: doc?.since ?? '',
          arity: meta.arity,
          flags: [...meta.flags],
          categories: [...meta.categories],
          arguments: (doc?.arguments ?? []).map(docArgJson),
          allowed: why === undefined,
          ...(why ? { why } : {}),
          ...(v.kind === 'allowed' && v.confirmWhy ? { confirm: v.confirmWhy } : {}),
          ...(meta.subcommands && meta === top ? { container: true } : {}),
        });
      }
    }
    commands.sort((a, b) => a.name.localeCompare(b.name));
    return c.json({ node: described.node, readOnly: deps.readOnly, commands });
  });

  app.get('/api/cli/history', async (c) => {
    const limit = parseLimit('limit', c.req.query('limit'), 200, 10_000);
    const rows = await deps.store.cliHistory(limit);
    return c.json({ history: rows.map((r) => ({ ...r, ts: r.ts / 1000 })) });
  });

  app.get('/api/audit', async (c) => {
    const q = c.req.query();
    const t = deps.now();
    const to = parseTime('to', q['to'], t, t);
    const from = parseTime('from', q['from'], to - 7 * 86_400_000, t);
    if (from >= to) throw badParam('from', 'must be before to');
    const rows = await deps.store.audit({ from, to: to + 1, limit: parseLimit('limit', q['limit'], 500, 10_000) });
    return c.json({ audit: rows.map((r) => ({ ...r, ts: r.ts / 1000, ...(r.error === null ? { error: undefined } : {}) })) });
  });
}
