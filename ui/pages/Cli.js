// The CLI page: a console that runs one command at a time through /api/cli (auto-routed or pinned to a node), replies printed like redis-cli, completion and hints from COMMAND DOCS, history, and confirmation of destructive commands.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { href, Link, setParams } from '../lib/route.js';
import { useConfirmDialog, useLoad } from '../lib/hooks.js';
import { cmpAddress } from '../lib/hotkeys.js';
import { applyCompletion, argHint, commandWords, complete, historyLines, replyLines, splitCommandLine } from '../lib/cli.js';
import { ErrorBox } from '../components/States.js';

/** Lines printed per reply; a reply longer than this says how much was left out (a KEYS * must not freeze the page). */
const MAX_LINES = 2000;
/** Entries kept in the console. */
const MAX_ENTRIES = 300;
const SUGGEST = 12;
const AUDIT_SQL = 'SELECT ts, source, node, command, target, ok, error FROM v_audit ORDER BY ts DESC LIMIT 100';

let nextId = 1;

export function Cli({ route }) {
  const node = route.params.get('node') ?? '';
  const nodes = useLoad((signal) => api('/api/nodes', { signal }), [], { everyMs: 30_000 });
  const health = useLoad((signal) => api('/api/health', { signal }), [], { everyMs: 30_000 });
  const docs = useLoad((signal) => api('/api/cli/commands', { params: { node: node || undefined }, signal }), [node]);
  const stored = useLoad((signal) => api('/api/cli/history', { params: { limit: 500 }, signal }), []);
  const commands = docs.data?.commands ?? [];
  const readOnly = health.data?.readOnly === true;

  const [entries, setEntries] = useState([]);
  const [line, setLine] = useState('');
  const [draft, setDraft] = useState('');
  const [hist, setHist] = useState({ session: [], idx: -1 });
  const [sel, setSel] = useState(0);
  const [suggestOpen, setSuggestOpen] = useState(true);
  const [confirm, setConfirm] = useState(null);
  const [busy, setBusy] = useState(false);
  const input = useRef(null);
  const out = useRef(null);

  const allHistory = [...hist.session, ...historyLines(stored.data?.history ?? stored.data?.entries ?? (Array.isArray(stored.data) ? stored.data : []))];
  const { matches, command } = complete(line, commands);
  const shown = suggestOpen ? matches.slice(0, SUGGEST) : [];

  useEffect(() => input.current?.focus(), []);
  useEffect(() => {
    if (out.current) out.current.scrollTop = out.current.scrollHeight;
  }, [entries]);

  const add = (e) => setEntries((es) => [...es.slice(-(MAX_ENTRIES - 1)), { id: nextId++, ...e }]);

  const send = async (text, args, confirmText) => {
    setBusy(true);
    const started = performance.now();
    try {
      const r = await api('/api/cli', { method: 'POST', body: { args, node: node || undefined, confirm: confirmText } });
      add({ line: text, node: r.node, ms: r.ms ?? performance.now() - started, reply: r.reply, cappedTimeoutS: r.cappedTimeoutS });
    } catch (e) {
      if (e.status === 428 && e.code === 'confirm_required') {
        setConfirm({ line: text, args, message: e.message, target: e.details?.target, confirm: e.details?.confirm ?? '' });
      } else add({ line: text, node: node || null, error: e });
    } finally {
      setBusy(false);
    }
  };

  const run = async () => {
    const text = line.trim();
    if (!text) return;
    setHist((h) => ({ session: h.session[0] === text ? h.session : [text, ...h.session], idx: -1 }));
    setLine('');
    setDraft('');
    setSuggestOpen(true);
    if (/^clear$/i.test(text)) return setEntries([]);
    const parsed = splitCommandLine(text);
    if (parsed.error) return add({ line: text, error: { code: 'parse', message: `Invalid argument(s): ${parsed.error}` } });
    await send(text, parsed.args);
  };

  const onKeyDown = (e) => {
    if (e.key === 'Tab') {
      e.preventDefault();
      const pick = shown[sel] ?? (matches.length ? matches[0] : undefined);
      if (pick) {
        setLine(applyCompletion(line, pick));
        setSel(0);
      }
      return;
    }
    if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && shown.length > 1 && hist.idx === -1 && line.trim() !== '') {
      e.preventDefault();
      setSel((s) => (e.key === 'ArrowDown' ? (s + 1) % shown.length : (s - 1 + shown.length) % shown.length));
      return;
    }
    if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (allHistory.length === 0) return;
      const idx = Math.min(allHistory.length - 1, hist.idx + 1);
      if (hist.idx === -1) setDraft(line);
      setHist((h) => ({ ...h, idx }));
      setLine(allHistory[idx]);
      setSuggestOpen(false);
      return;
    }
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (hist.idx <= -1) return;
      const idx = hist.idx - 1;
      setHist((h) => ({ ...h, idx }));
      setLine(idx === -1 ? draft : allHistory[idx]);
      return;
    }
    if (e.key === 'Escape') {
      if (shown.length) {
        e.stopPropagation();
        setSuggestOpen(false);
      }
      return;
    }
    if (e.key === 'Enter') {
      e.preventDefault();
      run();
      return;
    }
    if (e.key === 'l' && e.ctrlKey) {
      e.preventDefault();
      setEntries([]);
    }
  };

  const nodeList = (nodes.data?.nodes ?? []).slice().sort((a, b) => cmpAddress(a.address, b.address));
  const prompt = node || 'auto';
  return html`<section class="page cli-page" data-testid="cli">
    <div class="page-head">
      <h1>CLI</h1>
      <label class="ctl-group"><span class="ctl-label">Node</span>
        <select value=${node} onChange=${(e) => setParams({ node: e.currentTarget.value || null }, { replace: true })} data-testid="cli-node">
          <option value="">auto (the node owning the keys)</option>
          ${node && !nodeList.some((n) => n.address === node) ? html`<option value=${node}>${node}</option>` : null}
          ${nodeList.map((n) => html`<option value=${n.address}>${n.address} · ${n.role}${n.state && n.state !== 'up' ? ` (${n.state})` : ''}</option>`)}
        </select></label>
      ${readOnly ? html`<span class="badge warn" data-testid="cli-read-only" title="Skyscope runs with --read-only: commands that write or are dangerous (by COMMAND INFO flags) are refused">read-only: writes refused</span>` : null}
      <span class="spacer"></span>
      <span class="muted kbd-hint"><kbd>Tab</kbd> complete · <kbd>↑</kbd><kbd>↓</kbd> history · <kbd>Ctrl</kbd>+<kbd>L</kbd> clear · every write is audited (<${Link} href=${href('/sql', { q: AUDIT_SQL, run: 1 })} data-testid="cli-audit">audit log</${Link}>)</span>
      <button type="button" onClick=${() => setEntries([])} data-testid="cli-clear">Clear</button>
    </div>
    ${docs.error ? html`<${ErrorBox} error=${docs.error}>Completion is unavailable (the command list could not be read); commands still run.</${ErrorBox}>` : null}
    <div class="cli-console panel" onClick=${(e) => { if (!window.getSelection()?.toString() && e.target.closest('.cli-out')) input.current?.focus(); }}>
      <div class="cli-out" ref=${out} data-testid="cli-out" role="log" aria-live="polite">
        ${entries.length === 0
          ? html`<div class="muted cli-welcome">Type a command (e.g. <code>INFO server</code>, <code>GET key</code>, <code>SCAN 0 MATCH user:* COUNT 100</code>) and press <kbd>Enter</kbd>. Quotes and <code>\\xHH</code> escapes work as in redis-cli. MONITOR, SUBSCRIBE and other commands that would hold the connection are refused; destructive ones ask first.</div>`
          : entries.map((e) => html`<${Entry} e=${e} key=${e.id} />`)}
      </div>
      <div class="cli-input-row">
        <span class="cli-prompt mono">${prompt}></span>
        <div class="cli-input-wrap">
          <input ref=${input} class="mono cli-input" value=${line} spellcheck=${false} autocomplete="off" autocapitalize="off" data-testid="cli-input" data-search=""
            aria-label="Command" aria-autocomplete="list"
            onInput=${(e) => { setLine(e.currentTarget.value); setSel(0); setSuggestOpen(true); setHist((h) => ({ ...h, idx: -1 })); }}
            onKeyDown=${onKeyDown} />
          ${shown.length
            ? html`<ul class="cli-suggest" role="listbox" data-testid="cli-suggest">${shown.map((c, i) => html`<li role="option" aria-selected=${i === sel} class=${i === sel ? 'on' : ''}
                data-testid="cli-suggestion" data-name=${commandWords(c.name)}
                onMouseDown=${(ev) => { ev.preventDefault(); setLine(applyCompletion(line, c)); setSel(0); input.current?.focus(); }}>
                <span class="mono cli-s-name">${commandWords(c.name)}</span>
                <span class="mono muted cli-s-args">${argHint(c.arguments)}</span>
                ${c.allowed === false ? html`<span class="warn cli-s-why" title=${c.why ?? ''}>${c.why ? 'refused' : 'not allowed'}</span>` : null}
                <span class="muted cli-s-sum">${c.summary ?? ''}</span>
              </li>`)}${matches.length > SUGGEST ? html`<li class="muted cli-s-more">${matches.length - SUGGEST} more…</li>` : null}</ul>`
            : null}
        </div>
        ${busy ? html`<span class="spinner"></span>` : null}
      </div>
      <div class="cli-hint" data-testid="cli-hint">${command
        ? html`<span class="mono"><strong>${commandWords(command.name)}</strong> ${argHint(command.arguments)}</span>
          <span class="muted">${command.summary ?? ''}${command.since ? ` · since ${command.since}` : ''}${command.group ? ` · ${command.group}` : ''}</span>
          ${command.allowed === false ? html`<span class="warn" data-testid="cli-hint-why">${command.why ?? 'Refused here'}</span>` : null}
          ${command.allowed !== false && command.confirm ? html`<span class="warn" data-testid="cli-hint-confirm">asks to confirm: ${command.confirm}</span>` : null}`
        : html`<span class="muted">${commands.length ? `${commands.length} commands known on this server` : ''}</span>`}</div>
    </div>
    ${confirm
      ? html`<${ConfirmCommand} c=${confirm} onCancel=${() => { setConfirm(null); add({ line: confirm.line, node: node || null, error: { code: 'cancelled', message: 'Not run: the confirmation was cancelled.' } }); input.current?.focus(); }}
          onConfirm=${async (typed) => { const c = confirm; setConfirm(null); await send(c.line, c.args, typed); input.current?.focus(); }} />`
      : null}
  </section>`;
}

const ERROR_LABELS = {
  read_only: 'refused: read-only', refused: 'refused', cross_slot: 'not sent: keys in several slots', bad_parameter: 'not sent', parse: 'not sent',
  cancelled: 'not run', unavailable: 'no reply', timeout: 'timed out', unreachable: 'Skyscope unreachable',
};

function Entry({ e }) {
  return html`<div class=${'cli-entry' + (e.error ? ' failed' : '')} data-testid="cli-entry" data-code=${e.error?.code ?? ''}>
    <div class="cli-cmd"><span class="cli-prompt mono">${e.node ?? 'auto'}></span> <span class="mono cli-line">${e.line}</span>
      ${e.ms !== undefined ? html`<span class="muted cli-meta">${e.cappedTimeoutS ? html`<span class="warn" data-testid="cli-capped" title="Blocking commands wait at most this long here, so the connection is never held">timeout capped at ${e.cappedTimeoutS} s · </span>` : null}${e.ms < 1 ? e.ms.toFixed(2) : e.ms.toFixed(1)} ms</span>` : null}</div>
    ${e.error
      ? html`<pre class="cli-reply r-error" data-testid="cli-error">(${ERROR_LABELS[e.error.code] ?? 'error'}) ${e.error.message}</pre>`
      : html`<pre class="cli-reply" data-testid="cli-reply">${replyLines(e.reply, MAX_LINES).map((l) => html`<div class="r-line">${l.map((s) => (s.cls ? html`<span class=${s.cls}>${s.text}</span>` : s.text))}</div>`)}</pre>`}
  </div>`;
}

/** A destructive or keyspace-wide command waits here until the user types the text the server asked for. */
function ConfirmCommand({ c, onConfirm, onCancel }) {
  const [typed, setTyped] = useState('');
  const field = useConfirmDialog(onCancel);
  const ok = typed === c.confirm;
  return html`<div class="modal-back" onClick=${onCancel}>
    <form class="modal confirm-modal" role="dialog" aria-modal="true" aria-label="Confirm the command" data-testid="cli-confirm"
      onClick=${(e) => e.stopPropagation()} onSubmit=${(e) => { e.preventDefault(); if (ok) onConfirm(typed); }}>
      <h2>Run this command?</h2>
      <p class="mono cli-confirm-line">${c.line}</p>
      <p>${c.message.replace(/;?\s*type ".*" to run it\.?$/i, '')}</p>
      ${c.target ? html`<p>Target: <strong class="mono" data-testid="cli-confirm-target">${c.target}</strong></p>` : null}
      <p>Type <code class="bulk-confirm-text" data-testid="cli-confirm-text">${c.confirm}</code> to run it.</p>
      <input ref=${field} class="mono bulk-typed" value=${typed} onInput=${(e) => setTyped(e.currentTarget.value)} autocomplete="off" spellcheck=${false} data-testid="cli-confirm-input" aria-label="Confirmation text" />
      <div class="confirm-actions">
        <button type="button" onClick=${onCancel} data-testid="cli-confirm-cancel">Cancel</button>
        <button type="submit" class="primary danger" disabled=${!ok} data-testid="cli-confirm-yes">Run it</button>
      </div>
    </form>
  </div>`;
}

