// Loading, empty and error states: each says what is happening and what the user can do.
import { html } from '../lib/html.js';

export function Loading({ what = 'Loading' }) {
  return html`<div class="state loading" role="status"><span class="spinner"></span>${what}…</div>`;
}

export function Empty({ title, children }) {
  return html`<div class="state empty"><strong>${title}</strong>${children ? html`<div class="hint">${children}</div>` : null}</div>`;
}

/** An API or network error; `stale` says older data is still shown below. */
export function ErrorBox({ error, stale, children }) {
  if (!error) return null;
  const msg = error.message || String(error);
  return html`<div class="state error" role="alert"><strong>${stale ? 'Refresh failed; showing the last data. ' : ''}${msg}</strong>${children ? html`<div class="hint">${children}</div>` : null}</div>`;
}
