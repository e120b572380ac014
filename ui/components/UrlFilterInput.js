// A text filter kept in the URL: typing updates it after a pause, Enter at once; a URL changed elsewhere is shown.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { setParams } from '../lib/route.js';

/**
 * name: the URL parameter; testid: the input's data-testid; trim: drop surrounding spaces (not for globs, where a
 * space can be part of a key); delayMs: the pause after typing; error: shown as the input's title, marked invalid.
 */
export function UrlFilterInput({ name, value, label, placeholder, width, error, search, testid, trim = true, mono = false, delayMs = 350 }) {
  const [text, setText] = useState(value);
  const timer = useRef();
  // The URL changed from elsewhere (clear filters, back button): show it.
  useEffect(() => setText(value), [value]);
  useEffect(() => () => clearTimeout(timer.current), []);
  const commit = (v) => {
    clearTimeout(timer.current);
    setParams({ [name]: trim ? v.trim() : v }, { replace: true });
  };
  const cls = [mono ? 'mono' : '', error ? 'invalid' : ''].filter(Boolean).join(' ');
  return html`<label class="ctl-group"><span class="ctl-label">${label}</span>
    <input type="search" class=${cls} value=${text} placeholder=${placeholder} style=${`width:${width}`} data-testid=${testid} data-search=${search ? '' : undefined}
      aria-invalid=${error ? 'true' : undefined} title=${error ?? ''}
      onInput=${(e) => {
        const v = e.currentTarget.value;
        setText(v);
        clearTimeout(timer.current);
        timer.current = setTimeout(() => commit(v), delayMs);
      }}
      onKeyDown=${(e) => e.key === 'Enter' && commit(e.currentTarget.value)} />
  </label>`;
}
