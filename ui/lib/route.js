// URL-as-state: every view (page, node, metric, range) lives in the address so a link can be shared.
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';

const listeners = new Set();

export function currentRoute() {
  return { path: location.pathname, params: new URLSearchParams(location.search) };
}

function emit() {
  for (const f of listeners) f(currentRoute());
}

/** Go to url (path plus query); replace=true for changes that should not pile up in history (typing, zooming live). */
export function navigate(url, { replace = false } = {}) {
  if (url === location.pathname + location.search) return;
  history[replace ? 'replaceState' : 'pushState'](null, '', url);
  emit();
}

/** Change some query parameters of the current page; null/undefined/'' removes one. */
export function setParams(changes, opts = {}) {
  const p = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === undefined || v === '') p.delete(k);
    else p.set(k, String(v));
  }
  const q = p.toString();
  navigate(location.pathname + (q ? '?' + q : ''), opts);
}

/** Builds "/path?k=v" from a params object, skipping empty values. */
export function href(path, params = {}) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') p.set(k, String(v));
  const q = p.toString();
  return path + (q ? '?' + q : '');
}

export function useRoute() {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const f = () => setRoute(currentRoute());
    listeners.add(f);
    addEventListener('popstate', f);
    return () => {
      listeners.delete(f);
      removeEventListener('popstate', f);
    };
  }, []);
  return route;
}

/** An <a> that navigates inside the app; modified clicks (new tab, ...) behave as usual. */
export function Link({ href: to, children, ...rest }) {
  const onClick = (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return html`<a href=${to} onClick=${onClick} ...${rest}>${children}</a>`;
}
