// A Valkey key as text, binary-safe: the server's escaped text (never HTML), marks for binary and cut keys, the exact bytes as hex on hover.
import { html } from '../lib/html.js';

/** Hex beyond this many characters is left out of the tooltip (the key panel shows all of it). */
const TITLE_HEX = 2048;

export function keyTitle(k) {
  const hex = k.hex.length > TITLE_HEX ? `${k.hex.slice(0, TITLE_HEX)}… (+${(k.hex.length - TITLE_HEX) / 2} bytes)` : k.hex;
  const notes = [];
  if (k.binary) notes.push('Not valid UTF-8: bytes outside printable ASCII are shown as \\xHH.');
  if (k.truncated) notes.push(`Only the first 256 of ${k.bytes} bytes are shown.`);
  return `${k.truncated ? '' : k.text + '\n'}${notes.join(' ')}${notes.length ? '\n' : ''}hex: ${hex}`;
}

/** Control characters of a UTF-8 key (a newline would break the row) as marked \xHH; spaces stay as they are. */
function visible(text) {
  const parts = text.split(/([\x00-\x1f\x7f])/);
  if (parts.length === 1) return text;
  return parts.map((p, i) => (i % 2 === 0 ? p : html`<span class="key-ctl">${'\\x' + p.charCodeAt(0).toString(16).padStart(2, '0')}</span>`));
}

/** k: {text, hex, bytes, binary, truncated} as the API sends it. Text goes in as a child, so Preact escapes it. */
export function KeyText({ k }) {
  return html`<span class="key-text" title=${keyTitle(k)}>
    <span class="key-chars mono">${k.text === '' ? html`<span class="muted">(empty key)</span>` : visible(k.text)}</span>
    ${k.truncated ? html`<span class="key-cut" data-testid="key-cut">…</span>` : null}
    ${k.binary ? html`<span class="badge key-bin" data-testid="key-binary">binary</span>` : null}
  </span>`;
}
