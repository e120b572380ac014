// The Keys page: browse the keyspace (MATCH/TYPE filters, paced scan with progress, tree or flat list, virtualised), one key's details, value and edits, bulk delete; and the memory analysis tab.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { setParams } from '../lib/route.js';
import { useLoad } from '../lib/hooks.js';
import { formatNumber } from '../lib/format.js';
import { cmpAddress } from '../lib/hotkeys.js';
import { KEY_TYPES, MAX_LISTED, keyBlob, keyHex, pathsTo, scanProgress, treeRows, typeLabel } from '../lib/keys.js';
import { useKeyScan } from '../lib/keyScan.js';
import { VirtualList } from '../components/VirtualList.js';
import { KeyText } from '../components/KeyText.js';
import { UrlFilterInput } from '../components/UrlFilterInput.js';
import { KeyDetail, readOnlyReason } from '../components/KeyDetail.js';
import { AddKeyDialog, BulkDeleteDialog } from '../components/KeyDialogs.js';
import { KeyAnalysis } from '../components/KeyAnalysis.js';
import { ErrorBox } from '../components/States.js';

const ROW = 22;

export function Keys({ route }) {
  const p = route.params;
  const tab = p.get('tab') === 'analysis' ? 'analysis' : 'browse';
  const health = useLoad((signal) => api('/api/health', { signal }), [], { everyMs: 30_000 });
  // Writes stay off until the server has said it is not read-only.
  const readOnly = health.data?.readOnly !== false;
  const nodes = useLoad((signal) => api('/api/nodes', { signal }), [], { everyMs: 30_000 });
  return html`<section class="page keys-page" data-testid="keys" data-read-only=${readOnly ? 'true' : 'false'}>
    <div class="page-head">
      <h1>Keys</h1>
      <div class="ctl-group view-toggle" role="tablist" aria-label="Keys page tabs" data-testid="keys-tabs">
        <button type="button" role="tab" aria-selected=${tab === 'browse'} class=${tab === 'browse' ? 'on' : ''} data-tab="browse"
          onClick=${() => setParams({ tab: null })}>Browse</button>
        <button type="button" role="tab" aria-selected=${tab === 'analysis'} class=${tab === 'analysis' ? 'on' : ''} data-tab="analysis"
          onClick=${() => setParams({ tab: 'analysis' })}>Memory analysis</button>
      </div>
      <span class="spacer"></span>
      ${health.data?.readOnly ? html`<span class="badge warn" data-testid="keys-read-only" title=${readOnlyReason}>read-only: writes disabled</span>` : null}
    </div>
    ${tab === 'browse'
      ? html`<${Browse} p=${p} readOnly=${readOnly} nodes=${nodes.data?.nodes ?? []} />`
      : html`<${KeyAnalysis} p=${p} />`}
  </section>`;
}

function Browse({ p, readOnly, nodes }) {
  const match = p.get('match') ?? '';
  const type = p.get('type') ?? '';
  const node = p.get('node') ?? '';
  const view = p.get('view') === 'flat' ? 'flat' : 'tree';
  const sep = p.get('sep') ?? ':';
  const selHex = p.get('key') ?? '';
  const selNode = p.get('keynode') ?? '';
  const scan = useKeyScan({ match, type, node, sep });
  const s = scan.state;
  const [open, setOpen] = useState(() => new Set(selHex ? pathsTo(hexText(selHex), sep) : []));
  const [openVer, setOpenVer] = useState(0);
  const [active, setActive] = useState(0);
  const [dialog, setDialog] = useState(null);
  const primaries = nodes.filter((n) => n.role === 'primary' || n.role === 'master' || !n.role).map((n) => n.address).sort(cmpAddress);

  const rows = useMemo(() => (view === 'tree' ? treeRows(s.tree, open) : null), [view, scan.version, openVer, s.tree]);
  const count = view === 'tree' ? rows.length : s.keys.length;
  const rowAt = (i) => (view === 'tree' ? rows[i] : { kind: 'key', name: s.keys[i].text, depth: 0, key: s.keys[i] });

  const toggle = (path, want) => {
    const isOpen = open.has(path);
    if (want === isOpen) return;
    if (isOpen) open.delete(path);
    else open.add(path);
    setOpen(open);
    setOpenVer((v) => v + 1);
  };
  const select = (k) => setParams({ key: keyHex(k), keynode: k.node ?? null });
  const activate = (i) => {
    const r = rowAt(i);
    if (!r) return;
    setActive(i);
    if (r.kind === 'folder') toggle(r.path, !r.open);
    else select(r.key);
  };
  const onKey = (e) => {
    if (count === 0) return;
    const page = 15;
    let i = active;
    const r = rowAt(active);
    switch (e.key) {
      case 'ArrowDown': case 'j': i = Math.min(count - 1, active + 1); break;
      case 'ArrowUp': case 'k': i = Math.max(0, active - 1); break;
      case 'PageDown': i = Math.min(count - 1, active + page); break;
      case 'PageUp': i = Math.max(0, active - page); break;
      case 'Home': i = 0; break;
      case 'End': i = count - 1; break;
      case 'Enter': case ' ': e.preventDefault(); activate(active); return;
      case 'ArrowRight': case 'l':
        if (r?.kind === 'folder') toggle(r.path, true);
        e.preventDefault();
        return;
      case 'ArrowLeft': case 'h':
        if (r?.kind === 'folder' && r.open) toggle(r.path, false);
        else if (r && r.depth > 0) {
          // To the parent folder.
          for (let j = active - 1; j >= 0; j--) if (rowAt(j).kind === 'folder' && rowAt(j).depth === r.depth - 1) { i = j; break; }
        }
        break;
      default: return;
    }
    e.preventDefault();
    setActive(i);
    const next = rowAt(i);
    if (next?.kind === 'key' && (e.key === 'ArrowDown' || e.key === 'ArrowUp' || e.key === 'j' || e.key === 'k')) select(next.key);
  };
  // The list changed under the keyboard row (a new filter, a collapsed folder): keep it inside the list.
  useEffect(() => { if (active >= count) setActive(Math.max(0, count - 1)); }, [count]);

  const renderRow = (i) => {
    const r = rowAt(i);
    const on = i === active;
    if (r.kind === 'folder') {
      return html`<div class=${'krow kfolder' + (on ? ' active' : '')} style=${`padding-left:${6 + r.depth * 14}px`} onClick=${() => activate(i)}
          data-testid="key-folder" data-path=${r.path} data-open=${r.open ? 'true' : 'false'}>
        <span class="ktoggle">${r.open ? '▾' : '▸'}</span><span class="kname mono">${r.name === '' ? html`<span class="muted">(empty)</span>` : r.name}${sep}</span>
        <span class="kcount muted">${formatNumber(r.count)}</span>
      </div>`;
    }
    const k = r.key;
    const hex = keyHex(k);
    const sel = hex === selHex && (!selNode || !k.node || k.node === selNode);
    return html`<div class=${'krow kleaf' + (on ? ' active' : '') + (sel ? ' selected' : '')} style=${`padding-left:${6 + r.depth * 14 + (view === 'tree' ? 14 : 0)}px`}
        onClick=${() => { setActive(i); select(k); }} data-testid="key-row" data-hex=${hex} data-node=${k.node ?? ''}>
      ${k.type ? html`<span class=${'ktype kt-' + typeLabel(k.type)}>${typeLabel(k.type)}</span>` : null}
      ${view === 'tree' && !k.binary && !k.truncated
        ? html`<span class="kname mono" title=${k.text}>${r.name === '' ? html`<span class="muted">(empty)</span>` : r.name}</span>`
        : html`<${KeyText} k=${keyBlob(k)} />`}
      ${!node && k.node && primaries.length > 1 ? html`<span class="knode muted mono">${k.node}</span>` : null}
    </div>`;
  };

  const progress = scanProgress(s.scanned?.keys ?? 0, s.totalKeys, s.complete);
  const nodesDone = (s.scanned?.nodes ?? []).filter((n) => n.done).length;
  const nodesAll = (s.scanned?.nodes ?? []).length;
  const filtered = match || type;

  return html`<div class="keys-browse">
    <div class="explore-filters keys-filters" data-testid="keys-filters">
      <${UrlFilterInput} name="match" testid="keys-match" trim=${false} mono delayMs=${500} value=${match} label="MATCH" placeholder="user:* (glob)" width="220px" search />
      <label class="ctl-group"><span class="ctl-label">TYPE</span>
        <select value=${type} onChange=${(e) => setParams({ type: e.currentTarget.value }, { replace: true })} data-testid="keys-type">
          <option value="">any</option>
          ${KEY_TYPES.map((t) => html`<option value=${t}>${typeLabel(t)}</option>`)}
        </select>
      </label>
      ${primaries.length > 1
        ? html`<label class="ctl-group"><span class="ctl-label">Node</span>
          <select value=${node} onChange=${(e) => setParams({ node: e.currentTarget.value }, { replace: true })} data-testid="keys-node">
            <option value="">every primary</option>
            ${primaries.map((n) => html`<option value=${n}>${n}</option>`)}
          </select></label>`
        : null}
      <div class="ctl-group view-toggle" role="group" aria-label="List view" data-testid="keys-view">
        <button type="button" class=${view === 'tree' ? 'on' : ''} data-view="tree" onClick=${() => setParams({ view: null }, { replace: true })}>Tree</button>
        <button type="button" class=${view === 'flat' ? 'on' : ''} data-view="flat" onClick=${() => setParams({ view: 'flat' }, { replace: true })}>Flat</button>
      </div>
      ${view === 'tree'
        ? html`<label class="ctl-group" title="Keys are grouped into folders at this separator"><span class="ctl-label">Separator</span>
          <input class="mono keys-sep" value=${sep} maxLength="4" data-testid="keys-sep"
            onChange=${(e) => setParams({ sep: e.currentTarget.value === ':' || e.currentTarget.value === '' ? null : e.currentTarget.value }, { replace: true })} /></label>`
        : null}
      <span class="spacer"></span>
      <button type="button" onClick=${() => setDialog('add')} disabled=${readOnly} title=${readOnly ? readOnlyReason : 'Create a key'} data-testid="keys-add">Add key</button>
      <button type="button" onClick=${() => setDialog('bulk')} disabled=${readOnly} title=${readOnly ? readOnlyReason : 'Delete every key matching a pattern'} data-testid="keys-bulk">Bulk delete…</button>
    </div>
    <div class="keys-progress" data-testid="keys-progress" data-complete=${s.complete ? 'true' : 'false'} data-listed=${s.keys.length} data-running=${scan.running ? 'true' : 'false'}>
      <div class="hk-bar" title=${s.complete ? 'Every node was scanned to the end' : 'Keys returned so far / DBSIZE (an estimate until the scan completes)'}><span style=${`width:${(progress * 100).toFixed(1)}%`}></span></div>
      <span data-testid="keys-listed"><strong>${s.keys.length.toLocaleString('en-US')}</strong> key${s.keys.length === 1 ? '' : 's'} listed${filtered ? ' matching' : ''}</span>
      <span class="muted" data-testid="keys-counts">${s.scanned
        ? html`${formatNumber(s.scanned.keys)} returned by ${formatNumber(s.scanned.calls)} SCAN call${s.scanned.calls === 1 ? '' : 's'} · ${nodesDone}/${nodesAll} node${nodesAll === 1 ? '' : 's'} done · ${formatNumber(s.totalKeys)} keys in total (DBSIZE)`
        : 'starting…'}</span>
      <span data-testid="keys-state" class=${s.complete ? 'good' : s.error ? 'bad' : 'muted'}>${s.complete
        ? 'complete'
        : s.capped ? `stopped at ${MAX_LISTED.toLocaleString('en-US')} keys: narrow MATCH to see the rest`
        : scan.running ? html`<span class="spinner"></span>scanning (paced)` : 'paused: not complete'}</span>
      ${!s.complete
        ? scan.running
          ? html`<button type="button" onClick=${scan.pause} data-testid="keys-pause">Pause</button>`
          : html`<button type="button" onClick=${scan.resume} data-testid="keys-resume">Resume</button>`
        : null}
      <button type="button" class="link" onClick=${scan.restart} data-testid="keys-rescan" title="Start the scan again">rescan</button>
    </div>
    ${s.error ? html`<${ErrorBox} error=${s.error}>The scan stopped at this step; Resume retries it.</${ErrorBox}>` : null}
    ${(s.scanned?.nodes ?? []).filter((n) => n.error).map((n) => html`<div class="bad keys-node-error" role="alert" data-testid="keys-node-error">${n.node}: ${n.error} (its keys are missing from the list; the other nodes go on)</div>`)}
    <div class="keys-layout">
      <div class="keys-list-box">
        ${count === 0
          ? html`<div class="state empty keys-empty" data-testid="keys-empty"><strong>${s.complete ? (filtered ? 'No key matches' : 'No keys') : 'No keys listed yet'}</strong>
              <div class="hint">${s.complete ? (filtered ? 'Every node was scanned; change MATCH or TYPE.' : 'The database is empty.') : 'The scan is paced; matching keys appear as it goes.'}</div></div>`
          : html`<${VirtualList} count=${count} rowHeight=${ROW} row=${renderRow} active=${active} onKey=${onKey} testid="keys-list" label="Keys" class="keys-list" />`}
        <div class="keys-list-foot muted">${view === 'tree' ? `${count.toLocaleString('en-US')} rows · ` : ''}<kbd>↑</kbd><kbd>↓</kbd> move · <kbd>Enter</kbd> open · <kbd>←</kbd><kbd>→</kbd> fold</div>
      </div>
      <div class="keys-detail-box">
        ${selHex
          ? html`<${KeyDetail} hex=${selHex} node=${selNode} readOnly=${readOnly} p=${p}
              onDeleted=${() => { scan.remove([selHex]); setParams({ key: null, keynode: null }); }}
              onRenamed=${(k) => { scan.remove([selHex]); setParams({ key: k.hex, keynode: selNode || null }); }} />`
          : html`<div class="state empty"><strong>No key selected</strong><div class="hint">Pick a key in the list (click, or <kbd>↑</kbd>/<kbd>↓</kbd> and <kbd>Enter</kbd>) to see its type, size, TTL and value.</div></div>`}
      </div>
    </div>
    ${dialog === 'add' ? html`<${AddKeyDialog} onClose=${() => setDialog(null)} onCreated=${(hex) => { setDialog(null); setParams({ key: hex, keynode: null }); }} />` : null}
    ${dialog === 'bulk' ? html`<${BulkDeleteDialog} match=${match} type=${type} onClose=${() => setDialog(null)} onDone=${() => scan.restart()} />` : null}
  </div>`;
}

/** A key's text from its hex (for opening its folders when the page starts with a key selected). */
function hexText(hex) {
  try {
    const bytes = new Uint8Array((hex.match(/../g) ?? []).map((h) => parseInt(h, 16)));
    return new TextDecoder().decode(bytes);
  } catch {
    return '';
  }
}

