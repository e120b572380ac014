// The key browser's dialogs: add a key, and bulk delete by pattern (preview, typed confirmation, progress, cancel).
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { formatNumber } from '../lib/format.js';
import { KEY_TYPES, blobInput, textHex, typeLabel } from '../lib/keys.js';
import { KeyText } from './KeyText.js';

function useEscape(onClose) {
  useEffect(() => {
    const onKey = (e) => e.key === 'Escape' && onClose();
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
}

/** Creates a key of any type with its first value; 409 when the name is taken. */
export function AddKeyDialog({ onClose, onCreated }) {
  useEscape(onClose);
  const [name, setName] = useState('');
  const [type, setType] = useState('string');
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const [ttl, setTtl] = useState('');
  const [err, setErr] = useState();
  const [busy, setBusy] = useState(false);
  const first = useRef(null);
  useEffect(() => first.current?.focus(), []);
  const two = type === 'hash' || type === 'zset' || type === 'stream';
  const labels = { string: ['Value'], hash: ['Field', 'Value'], list: ['Item'], set: ['Member'], zset: ['Member', 'Score'], stream: ['Field', 'Value'], 'ReJSON-RL': ['JSON'] }[type];
  const submit = async (e) => {
    e.preventDefault();
    setErr(undefined);
    if (name === '') return setErr(new Error('The key needs a name'));
    let value;
    if (type === 'string') value = blobInput(a);
    else if (type === 'hash') value = [{ field: { text: a }, value: { text: b } }];
    else if (type === 'list' || type === 'set') value = [{ text: a }];
    else if (type === 'zset') {
      if (!Number.isFinite(Number(b)) || b.trim() === '') return setErr(new Error('Score must be a number'));
      value = [{ member: { text: a }, score: Number(b) }];
    } else if (type === 'stream') value = [{ field: { text: a }, value: { text: b } }];
    else value = a;
    const ttlS = ttl.trim() === '' ? undefined : Number(ttl);
    if (ttlS !== undefined && !(Number.isInteger(ttlS) && ttlS > 0)) return setErr(new Error('TTL must be a whole number of seconds above 0'));
    setBusy(true);
    try {
      // The create route names JSON keys 'json' (SCAN's TYPE filter calls them ReJSON-RL).
      await api('/api/keys', { method: 'POST', body: { key: { text: name }, type: type === 'ReJSON-RL' ? 'json' : type, value, ttlS } });
      onCreated(textHex(name));
    } catch (x) {
      setErr(x);
      setBusy(false);
    }
  };
  return html`<div class="modal-back" onClick=${onClose}>
    <form class="modal confirm-modal key-form" role="dialog" aria-modal="true" aria-label="Add a key" data-testid="add-key" onClick=${(e) => e.stopPropagation()} onSubmit=${submit}>
      <h2>Add a key</h2>
      <label class="form-row"><span>Name</span><input ref=${first} class="mono" value=${name} onInput=${(e) => setName(e.currentTarget.value)} data-testid="add-key-name" /></label>
      <label class="form-row"><span>Type</span><select value=${type} onChange=${(e) => setType(e.currentTarget.value)} data-testid="add-key-type">
        ${KEY_TYPES.map((t) => html`<option value=${t}>${typeLabel(t)}</option>`)}</select></label>
      <label class="form-row"><span>${labels[0]}</span>${type === 'string' || type === 'ReJSON-RL'
        ? html`<textarea class="mono" rows="4" value=${a} onInput=${(e) => setA(e.currentTarget.value)} data-testid="add-key-a"></textarea>`
        : html`<input class="mono" value=${a} onInput=${(e) => setA(e.currentTarget.value)} data-testid="add-key-a" />`}</label>
      ${two ? html`<label class="form-row"><span>${labels[1]}</span><input class="mono" value=${b} onInput=${(e) => setB(e.currentTarget.value)} data-testid="add-key-b" /></label>` : null}
      <label class="form-row"><span>TTL (s)</span><input value=${ttl} placeholder="none" onInput=${(e) => setTtl(e.currentTarget.value)} style="width:100px" data-testid="add-key-ttl" /></label>
      ${err ? html`<p class="bad" role="alert" data-testid="add-key-error">${err.message}</p>` : null}
      <div class="confirm-actions">
        <button type="button" onClick=${onClose}>Cancel</button>
        <button type="submit" class="primary" disabled=${busy} data-testid="add-key-save">${busy ? 'Creating…' : 'Create'}</button>
      </div>
    </form>
  </div>`;
}

/**
 * Bulk delete by pattern: a preview counts the matches (paced scan) and gives the text to type; the delete runs as a
 * job on the server with progress, and Cancel stops it keeping what was deleted.
 */
export function BulkDeleteDialog({ match, type, onClose, onDone }) {
  const [pattern, setPattern] = useState(match || '');
  const [ktype, setKtype] = useState(type || '');
  const [preview, setPreview] = useState(null);
  const [typed, setTyped] = useState('');
  const [job, setJob] = useState(null);
  const [err, setErr] = useState();
  const [busy, setBusy] = useState(false);
  const running = job && job.state === 'running';
  useEscape(() => !running && onClose());

  const doPreview = async () => {
    setErr(undefined);
    setPreview(null);
    setTyped('');
    setBusy(true);
    try {
      setPreview(await api('/api/keys/bulk-delete/preview', { method: 'POST', body: { match: pattern, type: ktype || undefined } }));
    } catch (e) {
      setErr(e);
    } finally {
      setBusy(false);
    }
  };
  const start = async () => {
    setErr(undefined);
    setBusy(true);
    try {
      const r = await api('/api/keys/bulk-delete', { method: 'POST', body: { match: pattern, type: ktype || undefined, confirm: typed } });
      setJob({ id: r.id, state: 'running', scanned: 0, deleted: 0, errors: 0 });
    } catch (e) {
      setErr(e);
    } finally {
      setBusy(false);
    }
  };
  // Poll the job until it ends.
  useEffect(() => {
    if (!job || job.state !== 'running') return;
    const t = setTimeout(async () => {
      try {
        const j = await api(`/api/keys/bulk-delete/${encodeURIComponent(job.id)}`);
        setJob({ ...j, id: job.id });
        if (j.state !== 'running') onDone();
      } catch (e) {
        setErr(e);
        setJob({ ...job });
      }
    }, 400);
    return () => clearTimeout(t);
  }, [job]);
  const cancel = async () => {
    try {
      await api(`/api/keys/bulk-delete/${encodeURIComponent(job.id)}`, { method: 'DELETE' });
    } catch (e) {
      setErr(e);
    }
  };

  const matches = preview && typed === preview.confirm;
  return html`<div class="modal-back" onClick=${() => !running && onClose()}>
    <div class="modal confirm-modal bulk-modal" role="dialog" aria-modal="true" aria-label="Bulk delete" data-testid="bulk" onClick=${(e) => e.stopPropagation()}>
      <h2>Delete keys by pattern</h2>
      ${!job
        ? html`<div class="kd-inline">
            <label class="ctl-group"><span class="ctl-label">MATCH</span><input class="mono" value=${pattern} style="width:220px"
              onInput=${(e) => { setPattern(e.currentTarget.value); setPreview(null); }} data-testid="bulk-match" /></label>
            <label class="ctl-group"><span class="ctl-label">TYPE</span><select value=${ktype} onChange=${(e) => { setKtype(e.currentTarget.value); setPreview(null); }}>
              <option value="">any</option>${KEY_TYPES.map((t) => html`<option value=${t}>${typeLabel(t)}</option>`)}</select></label>
            <button type="button" onClick=${doPreview} disabled=${busy || pattern === ''} data-testid="bulk-preview">${busy && !preview ? 'Counting…' : 'Preview'}</button>
          </div>
          ${pattern === '*' ? html`<p class="warn">"*" matches every key.</p>` : null}`
        : null}
      ${preview && !job
        ? html`<div class="bulk-preview" data-testid="bulk-preview-result" data-matched=${preview.matched}>
            <p><strong>${formatNumber(preview.matched)}</strong> key${preview.matched === 1 ? '' : 's'} match${preview.complete ? '' : html` <span class="warn">so far</span>`}${preview.complete ? ' (the whole keyspace was scanned)' : html` <span class="warn">(not complete: more may match and will be deleted)</span>`}.</p>
            ${preview.sample?.length ? html`<ul class="mono confirm-list">${preview.sample.map((k) => html`<li><${KeyText} k=${k} /></li>`)}</ul>` : null}
            <p>Type <code class="bulk-confirm-text" data-testid="bulk-confirm-text">${preview.confirm}</code> to delete them (UNLINK). This cannot be undone.</p>
            <input class="mono bulk-typed" value=${typed} onInput=${(e) => setTyped(e.currentTarget.value)} data-testid="bulk-typed" aria-label="Confirmation text" autocomplete="off" spellcheck=${false} />
          </div>`
        : null}
      ${job
        ? html`<div class="bulk-job" data-testid="bulk-job" data-state=${job.state} data-deleted=${job.deleted}>
            <p>${job.state === 'running' ? html`<span class="spinner"></span>Deleting` : job.state === 'done' ? html`<span class="good">Done</span>` : job.state === 'cancelled' ? html`<span class="warn">Cancelled</span>` : html`<span class="bad">Failed</span>`}:
              <strong data-testid="bulk-deleted">${formatNumber(job.deleted)}</strong> deleted, ${formatNumber(job.scanned)} scanned${job.errors ? html`, <span class="bad">${formatNumber(job.errors)} errors</span>` : ''}.</p>
            ${preview?.matched ? html`<div class="hk-bar"><span style=${`width:${Math.min(100, (job.deleted / preview.matched) * 100).toFixed(1)}%`}></span></div>` : null}
            ${job.state === 'cancelled' ? html`<p class="muted">The keys deleted before the cancel stay deleted.</p>` : null}
            ${job.lastError ? html`<p class="bad" data-testid="bulk-last-error">Last error: ${job.lastError}</p>` : null}
          </div>`
        : null}
      ${err ? html`<p class="bad" role="alert" data-testid="bulk-error">${err.message}</p>` : null}
      <div class="confirm-actions">
        ${running
          ? html`<button type="button" onClick=${cancel} data-testid="bulk-cancel">Cancel the delete</button>`
          : html`<button type="button" onClick=${onClose} data-testid="bulk-close">${job ? 'Close' : 'Cancel'}</button>`}
        ${!job ? html`<button type="button" class="primary danger" disabled=${!matches || busy} onClick=${start} data-testid="bulk-start"
          title=${matches ? '' : 'Type the confirmation text first'}>Delete ${preview ? formatNumber(preview.matched) : ''} keys</button>` : null}
      </div>
    </div>
  </div>`;
}
