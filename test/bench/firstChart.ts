// first-chart: in real headless Chromium, the time from page.goto('/dashboard?range=1h') to the first chart drawn
// (`[data-testid=chart][data-drawn="1"]`: the Chart component sets data-drawn from uPlot's draw hook) and to every
// chart drawn. A fresh browser context per run (empty cache, no service worker, no local storage).
import type { BrowserContext } from 'playwright-core';
import { launchBrowser } from '../browser/browser.ts';

export interface FirstChartRun {
  /** page.goto() called -> first chart drawn, ms. */
  firstMs: number;
  /** page.goto() called -> the last chart drawn (no chart loading any more, nothing new for `settleMs`). */
  allMs: number;
  charts: number;
  /** Charts drawn; the others have no data in the range (e.g. evictions on an idle test cluster) and show their empty state. */
  drawn: number;
  /** page.goto() called -> DOMContentLoaded, for reading the rest. */
  domContentLoadedMs: number;
}

export interface FirstChartResult {
  url: string;
  runs: FirstChartRun[];
  firstMedianMs: number;
  firstMinMs: number;
  firstMaxMs: number;
  allMedianMs: number;
  charts: number;
  drawn: number;
}

const selector = '[data-testid=chart]';
/** With no chart loading, wait this long for more to be drawn before calling the page done. */
const settleMs = 1000;

/**
 * Runs in the page before any of its scripts: records when charts become drawn, in the page's own clock
 * (performance.timeOrigin + performance.now(), epoch ms), so the result has no polling delay in it.
 */
function recorder(sel: string): void {
  const w = window as unknown as { __charts: { first: number; last: number; drawn: number; total: number; changed: number } };
  w.__charts = { first: 0, last: 0, drawn: 0, total: 0, changed: 0 };
  const check = () => {
    const now = performance.timeOrigin + performance.now();
    const all = document.querySelectorAll(sel);
    let drawn = 0;
    for (const el of all) if (el.getAttribute('data-drawn') === '1') drawn++;
    const s = w.__charts;
    if (drawn !== s.drawn || all.length !== s.total) s.changed = now;
    if (drawn > 0 && !s.first) s.first = now;
    if (drawn > s.drawn) s.last = now;
    s.drawn = drawn;
    s.total = all.length;
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-drawn'] });
}

export async function runFirstChart(opts: { base: string; runs: number; log: (line: string) => void; timeoutMs?: number }): Promise<FirstChartResult> {
  const url = `${opts.base}/dashboard?range=1h`;
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const tb = await launchBrowser();
  try {
    const once = async (): Promise<FirstChartRun> => {
      // As browser.ts's open() does, but the recorder must be in place and the clock read before goto.
      const context: BrowserContext = await tb.browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
      try {
        await context.addInitScript(recorder, selector);
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        const t0 = performance.timeOrigin + performance.now();
        await page.goto(url, { waitUntil: 'commit' });
        const deadline = Date.now() + timeoutMs;
        type State = { first: number; last: number; drawn: number; total: number; changed: number; dcl: number; loading: number };
        let s: State;
        for (;;) {
          s = await page.evaluate(() => {
            const c = (window as unknown as { __charts: Omit<State, 'dcl'> }).__charts;
            const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
            // The Chart component shows a spinner while its history loads (and a text when the range has no data).
            const loading = document.querySelectorAll('[data-testid=chart] .spinner').length;
            return { ...c, loading, dcl: nav && nav.domContentLoadedEventStart > 0 ? performance.timeOrigin + nav.domContentLoadedEventStart : 0 };
          });
          const now = performance.timeOrigin + performance.now();
          if (s.first && s.loading === 0 && now - s.changed > settleMs) break;
          if (Date.now() > deadline) {
            throw new Error(`${url}: ${s.first ? `only ${s.drawn} of ${s.total} charts drawn` : `no ${selector}[data-drawn="1"]`} after ${timeoutMs / 1000} s${errors.length ? ` (page errors: ${errors.join('; ')})` : ''}`);
          }
          await Bun.sleep(50);
        }
        return { firstMs: s.first - t0, allMs: s.last - t0, charts: s.total, drawn: s.drawn, domContentLoadedMs: s.dcl ? s.dcl - t0 : Number.NaN };
      } finally {
        await context.close().catch(() => {});
      }
    };
    // One run first, not counted: it starts Chromium's renderer and GPU processes (the contexts stay cold).
    await once();
    const runs: FirstChartRun[] = [];
    for (let i = 0; i < opts.runs; i++) runs.push(await once());
    const first = runs.map((r) => r.firstMs).sort((a, b) => a - b);
    const all = runs.map((r) => r.allMs).sort((a, b) => a - b);
    const mid = Math.floor(runs.length / 2);
    const result: FirstChartResult = {
      url,
      runs,
      firstMedianMs: first[mid]!,
      firstMinMs: first[0]!,
      firstMaxMs: first.at(-1)!,
      allMedianMs: all[mid]!,
      charts: Math.max(...runs.map((r) => r.charts)),
      drawn: Math.min(...runs.map((r) => r.drawn)),
    };
    opts.log(`${url.replace(opts.base, '')}: ${opts.runs} runs, a fresh browser context (cold cache) each, after one uncounted run`);
    opts.log(`first chart drawn  median ${result.firstMedianMs.toFixed(0)} ms (min ${result.firstMinMs.toFixed(0)}, max ${result.firstMaxMs.toFixed(0)}; ${runs.map((r) => r.firstMs.toFixed(0)).join(' ')} ms)`);
    opts.log(`all charts drawn (${result.drawn} of ${result.charts} have data in the range)  median ${result.allMedianMs.toFixed(0)} ms (${runs.map((r) => r.allMs.toFixed(0)).join(' ')} ms); DOMContentLoaded median ${median(runs.map((r) => r.domContentLoadedMs)).toFixed(0)} ms`);
    return result;
  } finally {
    await tb.close();
  }
}

function median(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}
