// The time range control: presets that follow now, a custom from/to, keys 1-5; writes range/from/to to the URL.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { setParams } from '../lib/route.js';
import { RANGES, resolveRange } from '../lib/time.js';

function toLocalInput(sec) {
  const d = new Date(sec * 1000 - new Date(sec * 1000).getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 16);
}

export function RangePicker({ range }) {
  const [custom, setCustom] = useState(false);
  const r = resolveRange(range);
  const [from, setFrom] = useState(toLocalInput(r.from));
  const [to, setTo] = useState(toLocalInput(r.to));

  useEffect(() => {
    const onKey = (e) => {
      if (e.target.closest?.('input, textarea, select, [contenteditable]') || e.metaKey || e.ctrlKey || e.altKey) return;
      const i = Number(e.key) - 1;
      if (i >= 0 && i < RANGES.length) setParams({ range: RANGES[i].id, from: null, to: null });
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  const apply = (e) => {
    e.preventDefault();
    const f = Date.parse(from) / 1000;
    const t = Date.parse(to) / 1000;
    if (!(f < t)) return;
    setParams({ from: Math.floor(f), to: Math.ceil(t), range: null });
    setCustom(false);
  };

  return html`<div class="range-picker" data-testid="range-picker">
    ${RANGES.map(
      (p, i) => html`<button type="button" class=${range.live && range.id === p.id ? 'on' : ''} title=${`Last ${p.label} (key ${i + 1})`}
        onClick=${() => setParams({ range: p.id, from: null, to: null })} data-range=${p.id}>${p.label}</button>`,
    )}
    <button type="button" class=${!range.live ? 'on' : ''} onClick=${() => setCustom(!custom)} data-range="custom">Custom</button>
    ${range.live ? html`<span class="live-dot" title="Following now: new points arrive live">live</span>` : null}
    ${custom
      ? html`<form class="custom-range" onSubmit=${apply}>
          <input type="datetime-local" value=${from} onInput=${(e) => setFrom(e.target.value)} aria-label="From" />
          <span>→</span>
          <input type="datetime-local" value=${to} onInput=${(e) => setTo(e.target.value)} aria-label="To" />
          <button type="submit">Apply</button>
        </form>`
      : null}
  </div>`;
}
