import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core (which never downloads a browser of its own).
 * `.ci/run` installs the package; NUDGE_CHROMIUM names another binary.
 */
export const CHROMIUM = process.env['NUDGE_CHROMIUM'] ?? '/usr/bin/chromium';

export function launch(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

export interface PageProblems {
  readonly console: string[];
  readonly failed: string[];
  readonly dialogs: string[];
}

/** Records console errors, page errors, failed or >= 400 requests, and dialogs (dismissed) of a page. */
export function watch(page: Page, allowStatus: (url: string, status: number) => boolean = () => false): PageProblems {
  const p = { console: [] as string[], failed: [] as string[], dialogs: [] as string[] };
  page.on('console', (m) => {
    if (m.type() === 'error') p.console.push(m.text());
  });
  page.on('pageerror', (e) => p.console.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => p.failed.push(`${r.url()}: ${r.failure()?.errorText ?? 'failed'}`));
  page.on('response', (r) => {
    if (r.status() >= 400 && !allowStatus(r.url(), r.status())) p.failed.push(`${r.url()}: HTTP ${r.status()}`);
  });
  page.on('dialog', (d) => {
    p.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  return p;
}
