// The UI entry: layout, navigation, theme and keyboard shortcuts; each page lives in pages/.
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html } from './lib/html.js';
import { api } from './lib/api.js';
import { Link, navigate, useRoute } from './lib/route.js';
import { Overview } from './pages/Overview.js';
import { Dashboard } from './pages/Dashboard.js';
import { Explore } from './pages/Explore.js';
import { Sql } from './pages/Sql.js';
import { Events } from './pages/Events.js';
import { Slots } from './pages/Slots.js';
import { Hotkeys } from './pages/Hotkeys.js';
import { Latency } from './pages/Latency.js';
import { CommandLog } from './pages/CommandLog.js';
import { Keys } from './pages/Keys.js';
import { Cli } from './pages/Cli.js';

const PAGES = [
  { path: '/', label: 'Overview', key: 'o', component: Overview },
  { path: '/dashboard', label: 'Dashboard', key: 'd', component: Dashboard },
  { path: '/slots', label: 'Slots', key: 'l', component: Slots },
  { path: '/hotkeys', label: 'Hot keys', key: 'h', component: Hotkeys },
  // g l is the Slots page's (cLuster) since before; y as in latencY.
  { path: '/latency', label: 'Latency', key: 'y', component: Latency },
  { path: '/commandlog', label: 'Command log', key: 'c', component: CommandLog },
  { path: '/keys', label: 'Keys', key: 'k', component: Keys },
  // i as in clI (c is the command log's).
  { path: '/cli', label: 'CLI', key: 'i', component: Cli },
  { path: '/explore', label: 'Metrics', key: 'm', component: Explore },
  { path: '/sql', label: 'SQL', key: 's', component: Sql },
  { path: '/events', label: 'Events', key: 'e', component: Events },
];

function setTheme(t) {
  document.documentElement.dataset.theme = t;
  try {
    localStorage.setItem('skyscope.theme', t);
  } catch {}
  dispatchEvent(new Event('skyscope-theme'));
}

/** Polls /api/health so every page can say when Skyscope itself is unreachable. */
function useHealth() {
  const [health, setHealth] = useState({ ok: true });
  useEffect(() => {
    let t;
    const run = async () => {
      try {
        const h = await api('/api/health');
        setHealth({ ok: true, h });
      } catch (e) {
        setHealth((s) => ({ ok: false, h: s.h, error: e.message }));
      }
      // Every 2 s like the overview, so the "N/N up" badge never contradicts the page below it for long.
      t = setTimeout(run, 2000);
    };
    run();
    return () => clearTimeout(t);
  }, []);
  return health;
}

function Help({ onClose }) {
  return html`<div class="modal-back" onClick=${onClose}>
    <div class="modal" role="dialog" aria-label="Keyboard shortcuts" onClick=${(e) => e.stopPropagation()}>
      <h2>Keyboard</h2>
      <table class="grid">
        ${PAGES.map((p) => html`<tr><td><kbd>g</kbd> <kbd>${p.key}</kbd></td><td>${p.label}</td></tr>`)}
        <tr><td><kbd>1</kbd>…<kbd>5</kbd></td><td>Range 5m, 1h, 6h, 24h, 7d</td></tr>
        <tr><td><kbd>/</kbd></td><td>Search on this page</td></tr>
        <tr><td><kbd>t</kbd></td><td>Dark / light theme</td></tr>
        <tr><td><kbd>?</kbd></td><td>This help</td></tr>
        <tr><td><kbd>Esc</kbd></td><td>Close</td></tr>
      </table>
    </div>
  </div>`;
}

function App() {
  const route = useRoute();
  const health = useHealth();
  const [help, setHelp] = useState(false);

  useEffect(() => {
    let pendingG = false;
    const onKey = (e) => {
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === 'Escape') {
        setHelp(false);
        if (e.target.blur && e.target.closest?.('input, textarea')) e.target.blur();
        return;
      }
      if (e.target.closest?.('input, textarea, select, [contenteditable]')) return;
      if (pendingG) {
        pendingG = false;
        const p = PAGES.find((x) => x.key === e.key);
        if (p) {
          e.preventDefault();
          navigate(p.path);
        }
        return;
      }
      if (e.key === 'g') pendingG = true;
      else if (e.key === '?') setHelp((h) => !h);
      else if (e.key === 't') setTheme(document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark');
      else if (e.key === '/') {
        const search = document.querySelector('[data-search]');
        if (search) {
          e.preventDefault();
          search.focus();
        }
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  const page = PAGES.find((p) => p.path === route.path);
  const Page = page?.component;
  const nodes = health.h?.nodes;
  return html`<div class="shell">
    <header class="top">
      <${Link} href="/" class="brand">Skyscope</${Link}>
      <nav>
        ${PAGES.map((p) => html`<${Link} href=${p.path} class=${p === page ? 'on' : ''} data-nav=${p.label}>${p.label}</${Link}>`)}
      </nav>
      <span class="spacer"></span>
      ${nodes
        ? html`<span class=${'health ' + (nodes.down > 0 ? 'bad' : 'good')} title="Nodes up / total">${nodes.up}/${nodes.total} up</span>`
        : null}
      ${health.h?.readOnly ? html`<span class="badge">read-only</span>` : null}
      <button type="button" class="icon" title="Theme (t)" aria-label="Toggle theme"
        onClick=${() => setTheme(document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark')}>◐</button>
      <button type="button" class="icon" title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts" onClick=${() => setHelp(true)}>?</button>
    </header>
    ${!health.ok
      ? html`<div class="banner" role="alert">Skyscope is not answering (${health.error}). Pages keep their last data and retry every 5 s.</div>`
      : null}
    <main>
      ${Page
        ? html`<${Page} route=${route} />`
        : html`<div class="state empty"><strong>No page at ${route.path}</strong><div class="hint"><${Link} href="/">Go to the overview</${Link}></div></div>`}
    </main>
    ${help ? html`<${Help} onClose=${() => setHelp(false)} />` : null}
  </div>`;
}

render(html`<${App} />`, document.getElementById('app'));
