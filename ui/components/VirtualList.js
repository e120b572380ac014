// A list of fixed-height rows that puts only the visible ones in the DOM: a million keys scroll as smoothly as ten.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { scrollToRow, virtualWindow } from '../lib/keys.js';

/**
 * count rows of rowHeight px; row(i) renders row i (its own element, positioned by the list).
 * active: the keyboard row, kept in view when it changes. onKey(e) gets key presses while the list has the focus.
 */
export function VirtualList({ count, rowHeight = 22, row, active, onKey, class: cls = '', testid, label }) {
  const box = useRef(null);
  const [view, setView] = useState({ top: 0, height: 400 });
  const frame = useRef(0);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setView({ top: el.scrollTop, height: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  // Keep the keyboard row in view.
  useEffect(() => {
    const el = box.current;
    if (!el || active === undefined || active === null || active < 0) return;
    const top = scrollToRow({ index: active, count, rowHeight, scrollTop: el.scrollTop, viewport: el.clientHeight });
    if (Math.abs(top - el.scrollTop) >= 1) el.scrollTop = top;
  }, [active]);

  const onScroll = () => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => {
      const el = box.current;
      if (el) setView({ top: el.scrollTop, height: el.clientHeight });
    });
  };

  const w = virtualWindow({ count, rowHeight, scrollTop: view.top, viewport: view.height });
  const rows = [];
  for (let i = w.first; i < w.last; i++) {
    rows.push(html`<div class="vrow" key=${i} style=${`top:${w.top(i)}px;height:${rowHeight}px`} data-index=${i}>${row(i)}</div>`);
  }
  return html`<div class=${'vlist ' + cls} ref=${box} onScroll=${onScroll} tabIndex="0" role="listbox" aria-label=${label}
      onKeyDown=${onKey} data-testid=${testid} data-count=${count}>
    <div class="vspace" style=${`height:${w.totalPx}px`}></div>
    ${rows}
  </div>`;
}
