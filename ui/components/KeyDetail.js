// One key in the key browser: its facts (type, encoding, TTL, memory, LFU/LRU, slot, node, length), its value paged by type (text or hex), and its edits.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { setParams } from '../lib/route.js';
import { useConfirmDialog, useLoad } from '../lib/hooks.js';
import { formatBytes, formatNumber } from '../lib/format.js';
import { blobInput, blobOfHex, formatTtl, hexDump, lengthText, loadWhole, typeLabel } from '../lib/keys.js';
import { VirtualList } from './VirtualList.js';
import { KeyText } from './KeyText.js';
import { ErrorBox, Loading } from './States.js';

export const readOnlyReason = 'Skyscope runs with --read-only: every write is refused (start it without --read-only to edit keys).';

/** Items per page of a hash, set, sorted set, list or stream. */
const PAGE_COUNT = 500;
/** Bytes per window of a string (GETRANGE). */
const STRING_WINDOW = 65536;
/** Windows of a string kept on screen; beyond, the oldest are dropped (a 2 GB string is read window by window). */
const STRING_KEEP = 16;
/**
 * Bytes per /api/keys/element window when a cut element is loaded whole: HGET, LINDEX and XRANGE have no range, so
 * the server reads the whole element for every window; few large windows (the API's most) keep that cheap.
 */
const ELEMENT_WINDOW = 1024 * 1024;
const ROW = 22;
let loads = 0;

/** A key's facts and value; hex and node come from the URL. */
export function KeyDetail({ hex, node, readOnly, p, onDeleted, onRenamed }) {
  const [reload, setReload] = useState(0);
  // Each answer gets its own stamp: the value view starts again from a new answer's first page, not from a reload's start.
  const detail = useLoad((signal) => api('/api/keys/key', { params: { key: hex, node: node || undefined }, signal }).then((r) => ({ ...r, loadedAt: ++loads })), [hex, node, reload]);
  const d = detail.data;
  const bump = () => setReload((n) => n + 1);
  if (!d) {
    if (detail.error?.code === 'no_such_key')
      return html`<div class="state empty" data-testid="key-gone"><strong>This key does not exist (any more)</strong><div class="hint">It expired or was deleted; rescan to refresh the list.</div></div>`;
    if (detail.error) return html`<${ErrorBox} error=${detail.error} />`;
    return html`<${Loading} what="Reading the key" />`;
  }
  const stale = detail.error ? html`<${ErrorBox} error=${detail.error} stale />` : null;
  const hexMode = p.get('hex') === '1';
  return html`<div class="panel key-detail" data-testid="key-detail" data-type=${d.type} data-hex=${hex}>
    ${stale}
    <div class="kd-head">
      <span class=${'ktype kt-' + typeLabel(d.type)}>${typeLabel(d.type)}</span>
      <h2 class="kd-name" data-testid="kd-name"><${KeyText} k=${d.key} /></h2>
      <button type="button" class="link" title="Copy the key's exact bytes as hex" onClick=${() => navigator.clipboard?.writeText(d.key.hex)}>copy hex</button>
    </div>
    <${KeyFacts} d=${d} />
    <${KeyActions} d=${d} hex=${hex} node=${node || d.node} readOnly=${readOnly} onChanged=${bump} onDeleted=${onDeleted} onRenamed=${onRenamed} />
    <div class="kd-value-head">
      <h3>Value</h3>
      <div class="ctl-group view-toggle" role="group" aria-label="Show bytes as" data-testid="kd-mode">
        <button type="button" class=${hexMode ? '' : 'on'} data-mode="text" onClick=${() => setParams({ hex: null }, { replace: true })}>Text</button>
        <button type="button" class=${hexMode ? 'on' : ''} data-mode="hex" onClick=${() => setParams({ hex: '1' }, { replace: true })}>Hex</button>
      </div>
    </div>
    <${ValueView} key=${hex + '|' + node + '|' + d.loadedAt} d=${d} hex=${hex} node=${node || d.node} hexMode=${hexMode} readOnly=${readOnly} onChanged=${bump} />
  </div>`;
}

function KeyFacts({ d }) {
  const facts = [
    ['Type', d.module ? `${d.type} (module ${d.module})` : d.type],
    ['Encoding', d.encoding ?? '–'],
    ['Length', lengthText(d.type, d.length)],
    ['TTL', formatTtl(d.ttlMs)],
    ['Memory', d.memoryBytes === null || d.memoryBytes === undefined ? '–' : formatBytes(d.memoryBytes)],
    d.freq !== undefined && d.freq !== null ? ['LFU freq', formatNumber(d.freq)] : null,
    d.idleS !== undefined && d.idleS !== null ? ['Idle', `${formatNumber(d.idleS)} s`] : null,
    ['Slot', d.slot ?? '–'],
    ['Node', d.node ?? '–'],
  ].filter(Boolean);
  return html`<dl class="kd-facts" data-testid="kd-facts">${facts.map(([k, v]) => html`<div data-fact=${k}><dt>${k}</dt><dd class="mono">${v}</dd></div>`)}</dl>`;
}

/** Rename, TTL and delete; each disabled under read-only with the reason. */
function KeyActions({ d, hex, node, readOnly, onChanged, onDeleted, onRenamed }) {
  const [form, setForm] = useState(null);
  const [err, setErr] = useState();
  const [busy, setBusy] = useState(false);
  const run = async (fn) => {
    setBusy(true);
    setErr(undefined);
    try {
      await fn();
      setForm(null);
    } catch (e) {
      setErr(e);
    } finally {
      setBusy(false);
    }
  };
  const title = (what) => (readOnly ? readOnlyReason : what);
  return html`<div class="kd-actions">
    <button type="button" disabled=${readOnly} title=${title('Rename the key (RENAMENX: never overwrites)')} onClick=${() => setForm('rename')} data-testid="kd-rename">Rename</button>
    <button type="button" disabled=${readOnly} title=${title('Set or remove the expiry (EXPIRE / PERSIST)')} onClick=${() => setForm('ttl')} data-testid="kd-ttl">TTL</button>
    <button type="button" class="danger" disabled=${readOnly} title=${title('Delete the key (UNLINK)')} onClick=${() => setForm('delete')} data-testid="kd-delete">Delete</button>
    ${form === 'rename'
      ? html`<${InlineForm} label="New name" initial=${d.key.binary || d.key.truncated ? '' : d.key.text} busy=${busy} testid="kd-rename-form" onCancel=${() => setForm(null)}
          onSubmit=${(v) => run(async () => {
            const r = await api('/api/keys/rename', { method: 'POST', body: { key: { hex }, node, newKey: { text: v } } });
            onRenamed(r.key ?? r.newKey ?? { hex: Array.from(new TextEncoder().encode(v), (b) => b.toString(16).padStart(2, '0')).join('') });
          })} />`
      : null}
    ${form === 'ttl'
      ? html`<${InlineForm} label="TTL (seconds, empty = persistent)" initial=${d.ttlMs ? String(Math.round(d.ttlMs / 1000)) : ''} busy=${busy} testid="kd-ttl-form" onCancel=${() => setForm(null)}
          onSubmit=${(v) => run(async () => {
            const t = v.trim() === '' ? null : Number(v);
            if (t !== null && !(Number.isInteger(t) && t > 0)) throw new Error('TTL must be a whole number of seconds above 0, or empty to persist');
            await api('/api/keys/ttl', { method: 'POST', body: { key: { hex }, node, ttlS: t } });
            onChanged();
          })} />`
      : null}
    ${form === 'delete'
      ? html`<${ConfirmDelete} d=${d} busy=${busy} onCancel=${() => setForm(null)}
          onYes=${() => run(async () => {
            await api('/api/keys/key', { method: 'DELETE', params: { key: hex, node } });
            onDeleted();
          })} />`
      : null}
    ${err ? html`<div class="bad kd-error" role="alert" data-testid="kd-action-error">${err.message}</div>` : null}
  </div>`;
}

function InlineForm({ label, initial, busy, onSubmit, onCancel, testid }) {
  const [v, setV] = useState(initial);
  const input = useRef(null);
  useEffect(() => input.current?.focus(), []);
  return html`<form class="kd-inline" data-testid=${testid} onSubmit=${(e) => { e.preventDefault(); onSubmit(v); }}>
    <label class="ctl-group"><span class="ctl-label">${label}</span><input ref=${input} class="mono" value=${v} onInput=${(e) => setV(e.currentTarget.value)}
      onKeyDown=${(e) => e.key === 'Escape' && onCancel()} /></label>
    <button type="submit" class="primary" disabled=${busy}>${busy ? 'Saving…' : 'Save'}</button>
    <button type="button" onClick=${onCancel}>Cancel</button>
  </form>`;
}

function ConfirmDelete({ d, busy, onYes, onCancel }) {
  const yes = useConfirmDialog(onCancel);
  return html`<div class="modal-back" onClick=${onCancel}>
    <div class="modal confirm-modal" role="dialog" aria-modal="true" aria-label="Delete key" data-testid="kd-delete-confirm" onClick=${(e) => e.stopPropagation()}>
      <h2>Delete this key?</h2>
      <p class="mono kd-confirm-key"><${KeyText} k=${d.key} /></p>
      <p>${typeLabel(d.type)}, ${lengthText(d.type, d.length)}${d.memoryBytes ? `, ${formatBytes(d.memoryBytes)}` : ''}, on ${d.node}. UNLINK frees it in the background; it cannot be undone.</p>
      <div class="confirm-actions">
        <button type="button" onClick=${onCancel}>Cancel</button>
        <button type="button" class="primary danger" ref=${yes} disabled=${busy} onClick=${onYes} data-testid="kd-delete-yes">${busy ? 'Deleting…' : 'Delete'}</button>
      </div>
    </div>
  </div>`;
}

// ---------- the value ----------

/** The next page's parameters after `last`, or null at the end. */
function nextParams(last) {
  switch (last.kind) {
    case 'string': {
      const end = last.offset + last.bytes;
      return end < last.total ? { offset: end, bytes: STRING_WINDOW } : null;
    }
    case 'hash': case 'set': case 'zset':
      return last.cursor !== null && last.cursor !== undefined && String(last.cursor) !== '0' ? { cursor: last.cursor, count: PAGE_COUNT } : null;
    case 'list':
      return last.next !== null && last.next !== undefined ? { offset: last.next, count: PAGE_COUNT } : null;
    case 'stream':
      return last.next ? { cursor: last.next, count: PAGE_COUNT } : null;
    default:
      return null;
  }
}

/** Rows of the loaded pages of a collection, in the order read. */
function rowsOf(pages) {
  const out = [];
  for (const pg of pages) {
    if (pg.kind === 'hash') for (const e of pg.entries) out.push(e);
    else if (pg.kind === 'set') for (const m of pg.members) out.push({ member: m });
    else if (pg.kind === 'zset') for (const e of pg.entries) out.push(e);
    else if (pg.kind === 'list') for (const it of pg.items) out.push(it);
    else if (pg.kind === 'stream') for (const e of pg.entries) out.push(e);
  }
  return out;
}

function ValueView({ d, hex, node, hexMode, readOnly, onChanged }) {
  const firstPage = d.value ?? d.page ?? null;
  const [pages, setPages] = useState(firstPage ? [firstPage] : []);
  const [dropped, setDropped] = useState(0);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState();
  const [sel, setSel] = useState(-1);

  const load = async (params) => {
    setBusy(true);
    setErr(undefined);
    try {
      const pg = await api('/api/keys/value', { params: { key: hex, node, ...params } });
      setPages((ps) => {
        const all = [...ps, pg];
        // A string keeps its last windows only, so reading through a huge value never piles up in the page.
        if (pg.kind === 'string' && all.length > STRING_KEEP) {
          setDropped((n) => n + all.length - STRING_KEEP);
          return all.slice(all.length - STRING_KEEP);
        }
        return all;
      });
    } catch (e) {
      setErr(e);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    if (pages.length === 0) load(d.type === 'string' ? { offset: 0, bytes: STRING_WINDOW } : { count: PAGE_COUNT });
  }, []);

  if (pages.length === 0) return err ? html`<${ErrorBox} error=${err} />` : html`<${Loading} what="Reading the value" />`;
  const last = pages[pages.length - 1];
  const next = nextParams(last);
  const more = next
    ? html`<button type="button" onClick=${() => load(next)} disabled=${busy} data-testid="kd-more">${busy ? 'Loading…' : last.kind === 'string' ? `Load ${formatBytes(STRING_WINDOW)} more` : `Load ${PAGE_COUNT} more`}</button>`
    : null;
  const errBox = err ? html`<div class="bad" role="alert">${err.message}</div>` : null;

  if (last.kind === 'unsupported')
    return html`<div class="state empty" data-testid="kd-value" data-kind="unsupported"><strong>No viewer for the type ${last.type}</strong><div class="hint">Use the CLI page to read it with its module's commands.</div></div>`;
  if (last.kind === 'string' || last.kind === 'json') return html`<${StringValue} pages=${pages} dropped=${dropped} d=${d} hex=${hex} node=${node} hexMode=${hexMode} readOnly=${readOnly} onChanged=${onChanged} more=${more} errBox=${errBox} />`;

  const rows = rowsOf(pages);
  const total = d.length;
  const columns = COLUMNS[last.kind];
  const selected = rows[sel];
  return html`<div class="kd-value" data-testid="kd-value" data-kind=${last.kind} data-loaded=${rows.length}>
    <div class="kd-value-bar">
      <span data-testid="kd-loaded">${rows.length.toLocaleString('en-US')} of ${total === null || total === undefined ? '?' : lengthText(d.type, total)} loaded</span>
      ${next ? null : html`<span class="good" data-testid="kd-all">all loaded</span>`}
      ${more}
      ${errBox}
    </div>
    <div class="kd-cols" style=${`grid-template-columns:${columns.map((c) => c.w).join(' ')}`}>${columns.map((c) => html`<span>${c.label}</span>`)}</div>
    <${VirtualList} count=${rows.length} rowHeight=${ROW} active=${sel} label="Value" testid="kd-rows" class="kd-rows"
      onKey=${(e) => {
        if (e.key === 'ArrowDown') { e.preventDefault(); setSel(Math.min(rows.length - 1, sel + 1)); }
        else if (e.key === 'ArrowUp') { e.preventDefault(); setSel(Math.max(0, sel - 1)); }
      }}
      row=${(i) => html`<div class=${'kd-row' + (i === sel ? ' selected' : '')} style=${`grid-template-columns:${columns.map((c) => c.w).join(' ')}`} onClick=${() => setSel(i)} data-testid="kd-row">
        ${columns.map((c) => html`<span class="mono kd-cell">${c.cell(rows[i], hexMode)}</span>`)}
      </div>`} />
    ${selected ? html`<${ElementPanel} key=${sel} kind=${last.kind} row=${selected} hex=${hex} node=${node} hexMode=${hexMode} readOnly=${readOnly} onChanged=${onChanged} />` : null}
    <${AddElement} kind=${last.kind} hex=${hex} node=${node} readOnly=${readOnly} onChanged=${onChanged} />
  </div>`;
}

/** A blob in one table cell: text (escaped by the server, never HTML) or hex, with marks for binary and cut values. */
function cellBlob(b, hexMode) {
  if (!b) return '';
  if (hexMode) return html`<span title=${b.truncated ? `first ${b.hex.length / 2} of ${b.bytes} bytes` : ''}>${b.hex}${b.truncated ? '…' : ''}</span>`;
  return html`<${KeyText} k=${b} />`;
}

const COLUMNS = {
  hash: [
    { label: 'Field', w: 'minmax(0, 2fr)', cell: (r, h) => cellBlob(r.field, h) },
    { label: 'Value', w: 'minmax(0, 3fr)', cell: (r, h) => cellBlob(r.value, h) },
  ],
  set: [{ label: 'Member', w: 'minmax(0, 1fr)', cell: (r, h) => cellBlob(r.member, h) }],
  zset: [
    { label: 'Score', w: '110px', cell: (r) => String(r.score) },
    { label: 'Member', w: 'minmax(0, 1fr)', cell: (r, h) => cellBlob(r.member, h) },
  ],
  list: [
    { label: 'Index', w: '70px', cell: (r) => String(r.index) },
    { label: 'Value', w: 'minmax(0, 1fr)', cell: (r, h) => cellBlob(r.value, h) },
  ],
  stream: [
    { label: 'ID', w: '170px', cell: (r) => r.id },
    { label: 'Fields', w: 'minmax(0, 1fr)', cell: (r, h) => r.fields.map((f, j) => html`${j ? '  ' : ''}<span class="muted">${h ? f.field.hex : f.field.text}=</span>${h ? f.value.hex : f.value.text}`) },
  ],
};

function StringValue({ pages, dropped, d, hex, node, hexMode, readOnly, onChanged, more, errBox }) {
  const [editing, setEditing] = useState(false);
  const last = pages[pages.length - 1];
  if (last.kind === 'json') {
    return html`<div class="kd-value" data-testid="kd-value" data-kind="json">
      <pre class="kd-text">${last.value}</pre>
      ${last.truncated ? html`<div class="warn">Cut at ${formatBytes(last.value.length)} of ${formatBytes(last.bytes)}.</div>` : null}
      ${editing
        ? html`<${EditText} initial=${last.truncated ? '' : last.value} hexAllowed=${false} onCancel=${() => setEditing(false)}
            onSave=${async (v) => { await edit(hex, node, { op: 'json_set', path: '$', value: v.text }); setEditing(false); onChanged(); }} />`
        : html`<button type="button" disabled=${readOnly || last.truncated} title=${readOnly ? readOnlyReason : last.truncated ? 'Too big to edit here' : 'JSON.SET $'} onClick=${() => setEditing(true)} data-testid="kd-edit">Edit</button>`}
    </div>`;
  }
  const first = pages[0];
  const shownFrom = first.offset;
  const shownTo = last.offset + last.bytes;
  const whole = shownFrom === 0 && shownTo >= last.total;
  const binary = pages.some((pg) => pg.value.binary);
  const text = hexMode ? pages.map((pg) => hexDump(pg.value.hex, pg.offset)).join('\n') : pages.map((pg) => pg.value.text).join('');
  return html`<div class="kd-value" data-testid="kd-value" data-kind="string" data-shown=${shownTo - shownFrom} data-total=${last.total}>
    <div class="kd-value-bar">
      <span data-testid="kd-loaded">${whole ? `all ${formatBytes(last.total)}` : `bytes ${shownFrom.toLocaleString('en-US')}–${shownTo.toLocaleString('en-US')} of ${last.total.toLocaleString('en-US')}`}</span>
      ${binary ? html`<span class="badge key-bin">binary</span>` : null}
      ${dropped ? html`<span class="muted">earlier windows dropped to keep the page light</span>` : null}
      ${more}${errBox}
    </div>
    <pre class=${'kd-text' + (hexMode ? ' kd-hex' : '')} data-testid="kd-string">${text}</pre>
    ${editing
      ? html`<${EditText} initial=${hexMode || binary ? pages.map((pg) => pg.value.hex).join('') : pages.map((pg) => pg.value.text).join('')} initialMode=${hexMode || binary ? 'hex' : 'text'} onCancel=${() => setEditing(false)}
          onSave=${async (v) => { await edit(hex, node, { op: 'set', value: v }); setEditing(false); onChanged(); }} />`
      : html`<button type="button" disabled=${readOnly || !whole} data-testid="kd-edit"
          title=${readOnly ? readOnlyReason : !whole ? 'Only a value shown whole can be edited here (load it all first; values over 1 MiB are better set from the CLI)' : 'SET the value (keeps the TTL)'}
          onClick=${() => setEditing(true)}>Edit value</button>`}
  </div>`;
}

async function edit(hex, node, body) {
  return api('/api/keys/edit', { method: 'POST', body: { key: { hex }, node, ...body } });
}

/** A textarea for a value, in text or hex; onSave gets the blob ({text} or {hex}). */
function EditText({ initial, initialMode = 'text', hexAllowed = true, onSave, onCancel, label = 'Value', testid = 'kd-edit-form' }) {
  const [v, setV] = useState(initial);
  const [mode, setMode] = useState(initialMode);
  const [err, setErr] = useState();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    const b = blobInput(v, mode);
    if (!b) return setErr(new Error('Hex must be pairs of 0-9 a-f'));
    setBusy(true);
    setErr(undefined);
    try {
      await onSave(b);
    } catch (e) {
      setErr(e);
      setBusy(false);
    }
  };
  return html`<div class="kd-edit" data-testid=${testid}>
    <div class="kd-edit-head"><span class="ctl-label">${label}</span>
      ${hexAllowed ? html`<label class="muted"><input type="checkbox" checked=${mode === 'hex'} onChange=${(e) => setMode(e.currentTarget.checked ? 'hex' : 'text')} /> hex</label>` : null}</div>
    <textarea class="mono kd-textarea" value=${v} onInput=${(e) => setV(e.currentTarget.value)} rows="5"
      onKeyDown=${(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) save(); if (e.key === 'Escape') onCancel(); }}></textarea>
    <div class="kd-edit-actions">
      <button type="button" class="primary" onClick=${save} disabled=${busy} data-testid="kd-save">${busy ? 'Saving…' : 'Save'}</button>
      <button type="button" onClick=${onCancel}>Cancel</button>
      <span class="muted kbd-hint"><kbd>Ctrl</kbd>+<kbd>Enter</kbd> saves</span>
      ${err ? html`<span class="bad" role="alert">${err.message}</span>` : null}
    </div>
  </div>`;
}

/** The selected element of a collection, whole or loaded whole on demand, with its edits (an edit sends the whole value). */
function ElementPanel({ kind, row, hex, node, hexMode, readOnly, onChanged }) {
  const [editing, setEditing] = useState(false);
  const [whole, setWhole] = useState(null);
  const [err, setErr] = useState();
  const ro = readOnly ? readOnlyReason : undefined;
  const run = async (body) => {
    setErr(undefined);
    try {
      await edit(hex, node, body);
      onChanged();
    } catch (e) {
      setErr(e);
    }
  };
  const shared = { hex, node, hexMode };
  const value = kind === 'hash' || kind === 'list' ? whole ?? row.value : null;
  const editable = value && !value.truncated;
  let title;
  let del;
  if (kind === 'hash') { title = html`Field <${KeyText} k=${row.field} />`; del = { op: 'hdel', field: { hex: row.field.hex } }; }
  else if (kind === 'list') { title = `Index ${row.index}`; del = { op: 'lrem', value: { hex: row.value.hex }, count: 1 }; }
  else if (kind === 'set') { title = 'Member'; del = { op: 'srem', member: { hex: row.member.hex } }; }
  else if (kind === 'zset') { title = `Member (score ${row.score})`; del = { op: 'zrem', member: { hex: row.member.hex } }; }
  else if (kind === 'stream') { title = `Entry ${row.id}`; del = { op: 'xdel', id: row.id }; }
  // A list item cut at 4 KiB cannot be named by its bytes for LREM: only a whole one can be removed.
  const removable = kind !== 'list' || !row.value.truncated || whole;
  if (kind === 'list' && whole) del = { op: 'lrem', value: { hex: whole.hex }, count: 1 };
  return html`<div class="kd-elem-panel" data-testid="kd-element">
    <div class="kd-elem-head"><strong>${title}</strong>
      ${value ? html`<button type="button" disabled=${readOnly || !editable} title=${ro ?? (editable ? 'Change this value (the whole value is sent)' : 'Load the whole value first')} onClick=${() => setEditing(true)} data-testid="kd-elem-edit">Edit</button>` : null}
      <button type="button" class="danger" disabled=${readOnly || !removable} title=${ro ?? (!removable ? 'Load the whole value first (LREM names the item by its bytes)' : kind === 'list' ? 'Remove the first item equal to this one (LREM count 1)' : `Remove it (${del.op.toUpperCase()})`)} onClick=${() => run(del)} data-testid="kd-elem-delete">Remove</button>
      ${err ? html`<span class="bad" role="alert">${err.message}</span>` : null}
    </div>
    ${kind === 'stream'
      ? row.fields.map((f) => html`<div class="kd-stream-field"><span class="muted mono">${f.field.text}</span> <${ElementValue} b=${f.value} at=${{ id: row.id, field: f.field.hex }} ...${shared} /></div>`)
      : kind === 'hash' || kind === 'list'
        ? html`<${ElementValue} b=${row.value} at=${kind === 'hash' ? { field: row.field.hex } : { index: row.index }} onWhole=${setWhole} ...${shared} />`
        : html`<${ElementValue} b=${row.member} at=${null} ...${shared} />`}
    ${editing
      ? html`<${EditText} initial=${value.binary ? value.hex : value.text} initialMode=${value.binary ? 'hex' : 'text'} onCancel=${() => setEditing(false)}
          onSave=${async (v) => {
            await edit(hex, node, kind === 'hash' ? { op: 'hset', field: { hex: row.field.hex }, value: v } : { op: 'lset', index: row.index, value: v });
            setEditing(false);
            onChanged();
          }} />`
      : null}
  </div>`;
}

/**
 * One element's bytes; a cut one offers to load it whole: through /api/keys/element (`at` names it), or for a set or
 * sorted-set member from its hex, which the value page never cuts (the member is its own name).
 */
function ElementValue({ b, at, hex, node, hexMode, onWhole }) {
  const [whole, setWhole] = useState(null);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState();
  const v = whole ?? b;
  const done = (blob) => {
    setWhole(blob);
    onWhole?.(blob);
  };
  const load = async () => {
    if (!at) return done(blobOfHex(b.hex));
    setBusy(true);
    setErr(undefined);
    try {
      done(await loadWhole((w) => api('/api/keys/element', { params: { key: hex, node, ...at, ...w } }), ELEMENT_WINDOW));
    } catch (e) {
      setErr(e);
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="kd-elem-value" data-testid="kd-elem-value" data-whole=${v.truncated ? 'false' : 'true'} data-bytes=${v.bytes}>
    <pre class=${'kd-text kd-elem' + (hexMode ? ' kd-hex' : '')}>${hexMode ? hexDump(v.hex) : v.text}</pre>
    ${v.truncated
      ? html`<div class="warn">Cut for display: ${formatBytes(v.bytes)} in all.
          <button type="button" class="link" onClick=${load} disabled=${busy} data-testid="kd-elem-load">${busy ? 'Loading…' : `load whole value (${v.bytes.toLocaleString('en-US')} bytes)`}</button>
          ${err ? html`<span class="bad" role="alert">${err.message}</span>` : null}</div>`
      : null}
  </div>`;
}

/** Adds a field / item / member / entry. */
function AddElement({ kind, hex, node, readOnly, onChanged }) {
  const [open, setOpen] = useState(false);
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const [where, setWhere] = useState('rpush');
  const [err, setErr] = useState();
  const [busy, setBusy] = useState(false);
  const labels = { hash: ['Field', 'Value'], list: ['Value'], set: ['Member'], zset: ['Member', 'Score'], stream: ['Field', 'Value'] }[kind];
  if (!labels) return null;
  if (!open)
    return html`<button type="button" disabled=${readOnly} title=${readOnly ? readOnlyReason : ''} onClick=${() => setOpen(true)} data-testid="kd-add-elem">Add ${kind === 'hash' ? 'field' : kind === 'list' ? 'item' : kind === 'stream' ? 'entry' : 'member'}</button>`;
  const submit = async (e) => {
    e.preventDefault();
    let body;
    if (kind === 'hash') body = { op: 'hset', field: { text: a }, value: { text: b } };
    else if (kind === 'list') body = { op: where, value: { text: a } };
    else if (kind === 'set') body = { op: 'sadd', member: { text: a } };
    else if (kind === 'zset') body = { op: 'zadd', member: { text: a }, score: Number(b) };
    else body = { op: 'xadd', fields: [{ field: { text: a }, value: { text: b } }] };
    if (kind === 'zset' && !Number.isFinite(Number(b))) return setErr(new Error('Score must be a number'));
    setBusy(true);
    setErr(undefined);
    try {
      await edit(hex, node, body);
      setOpen(false);
      onChanged();
    } catch (x) {
      setErr(x);
      setBusy(false);
    }
  };
  return html`<form class="kd-inline" onSubmit=${submit} data-testid="kd-add-form">
    ${kind === 'list' ? html`<select value=${where} onChange=${(e) => setWhere(e.currentTarget.value)}><option value="rpush">at the tail (RPUSH)</option><option value="lpush">at the head (LPUSH)</option></select>` : null}
    <label class="ctl-group"><span class="ctl-label">${labels[0]}</span><input class="mono" value=${a} onInput=${(e) => setA(e.currentTarget.value)} data-testid="kd-add-a" /></label>
    ${labels[1] ? html`<label class="ctl-group"><span class="ctl-label">${labels[1]}</span><input class="mono" value=${b} onInput=${(e) => setB(e.currentTarget.value)} data-testid="kd-add-b" /></label>` : null}
    <button type="submit" class="primary" disabled=${busy}>${busy ? 'Adding…' : 'Add'}</button>
    <button type="button" onClick=${() => setOpen(false)}>Cancel</button>
    ${err ? html`<span class="bad" role="alert">${err.message}</span>` : null}
  </form>`;
}
