// Real headless Chromium (Debian's package) driven by playwright-core, plus a page helper that records console errors.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const chromiumPath = process.env.SKYSCOPE_CHROMIUM ?? '/usr/bin/chromium';
export const screenshotDir = join(import.meta.dir, '..', '..', 'test-results', 'screenshots');

/** Flags that keep Chromium off the network: this machine refuses outside connections and Chromium would keep trying. */
const quietFlags = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export interface TestBrowser {
  browser: Browser;
  /** A new page at 1440x900 in the given theme; errors logs uncaught page errors and console errors. */
  open(url: string, opts?: { theme?: 'dark' | 'light'; width?: number; height?: number }): Promise<{ page: Page; errors: string[]; context: BrowserContext }>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  // playwright gives Chromium a new empty profile directory of its own and removes it on close.
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: [...quietFlags] });
  return {
    browser,
    async open(url, opts = {}) {
      const context = await browser.newContext({ viewport: { width: opts.width ?? 1440, height: opts.height ?? 900 }, colorScheme: opts.theme ?? 'dark' });
      if (opts.theme) await context.addInitScript((t) => localStorage.setItem('skyscope.theme', t), opts.theme);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      await page.goto(url);
      return { page, errors, context };
    },
    async close() {
      await browser.close().catch(() => {});
    },
  };
}

/** Saves a full-page screenshot as test-results/screenshots/<name>.png (a test artifact; README copies come from here). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}
