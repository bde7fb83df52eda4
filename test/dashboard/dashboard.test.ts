import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoFeatures } from '../../src/features/demo';
import type { CampaignStats__Output } from '../../src/generated/nudge/v1/CampaignStats';
import type { DecideBatchResponse__Output } from '../../src/generated/nudge/v1/DecideBatchResponse';
import { packageRoot } from '../../src/proto';
import { call, rng, startTestServer, tempDir, type TestServer } from '../server/helpers';
import { launch, watch } from './browser';

const DEMO = 'home-banner';
const XSS = '<img src=x onerror=alert(1)>';

/**
 * The dashboard in headless Chromium against a real server with the demo campaign: what it shows
 * equals GetCampaignStats, it updates by itself, it escapes what campaigns carry, and it fits a phone.
 * Screenshots go to a temporary directory, or to docs/ with NUDGE_UPDATE_SCREENSHOTS=1.
 */
describe('dashboard in a browser', () => {
  let t: TestServer;
  let browser: Browser;
  let base: string;
  const shots = process.env['NUDGE_UPDATE_SCREENSHOTS'] === '1' ? path.join(packageRoot(), 'docs') : tempDir('shots');
  const random = rng(5);

  const stats = (campaign: string) => call<object, CampaignStats__Output>(t.admin.GetCampaignStats.bind(t.admin), { campaign });
  const traffic = async (campaign: string, from: number, n: number, rate: number): Promise<void> => {
    const res = await call<object, DecideBatchResponse__Output>(t.decisions.DecideBatch.bind(t.decisions), {
      campaign,
      customerIds: Array.from({ length: n }, (_, i) => `c${String(from + i).padStart(4, '0')}`),
    });
    await Promise.all(
      res.decisions
        .filter((d) => d.offers.length > 0)
        .map((d) => call(t.decisions.ReportOutcome.bind(t.decisions), { decisionId: d.decisionId, offerId: d.offers[0]!.offerId, reward: random() < rate ? 1 : 0 })),
    );
  };

  beforeAll(async () => {
    const dataDir = tempDir('dash-data');
    const campaignsDir = tempDir('dash-campaigns');
    fs.copyFileSync(path.join(packageRoot(), 'campaigns', 'demo.yaml'), path.join(campaignsDir, 'demo.yaml'));
    await loadDemoFeatures(dataDir, 2000, 1);
    t = await startTestServer([], { metricsListen: '127.0.0.1:0' }, { dataDir, campaignsDir });
    base = `http://127.0.0.1:${t.server.metricsPort!}`;
    browser = await launch();
    await traffic(DEMO, 0, 600, 0.3);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('lists the demo campaign with no console errors or failed requests', async () => {
    const page = await browser.newPage();
    const problems = watch(page);
    await page.goto(`${base}/`);
    await page.locator(`tr[data-campaign="${DEMO}"]`).waitFor();
    expect(await page.locator(`tr[data-campaign="${DEMO}"] a`).textContent()).toBe(DEMO);
    await page.waitForTimeout(500);
    expect(problems).toEqual({ console: [], failed: [], dialogs: [] });
    await page.close();
  });

  it('shows what GetCampaignStats says, draws every chart, and picks up new outcomes within 5 s', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const problems = watch(page);
    await page.goto(`${base}/campaigns/${DEMO}`);
    const s = await stats(DEMO);
    const row = (id: string, field: string) => page.locator(`tr[data-offer="${id}"] [data-field="${field}"]`);
    for (const o of s.offers) {
      await row(o.offerId, 'impressions').waitFor();
      expect(Number((await row(o.offerId, 'impressions').textContent())!.replace(/,/g, ''))).toBe(Number(o.impressions));
      expect(Number(await row(o.offerId, 'rewards').textContent())).toBeCloseTo(o.rewards, 2);
      expect(await row(o.offerId, 'p-best').textContent()).toBe(o.pBest.toFixed(2));
    }
    for (const chart of ['allocation', 'p-best', 'reward-rate', 'groups', 'calibration']) {
      await page.waitForFunction((name) => Number(document.querySelector(`[data-chart="${name}"]`)?.getAttribute('data-points') ?? 0) > 0, chart, { timeout: 10_000 });
      expect(await page.locator(`[data-chart="${chart}"] canvas`).count()).toBeGreaterThan(0);
    }
    await page.screenshot({ path: path.join(shots, 'dashboard.png'), fullPage: true });

    // More traffic while the page is open: the new totals show without a reload.
    await traffic(DEMO, 600, 300, 0.9);
    const after = await stats(DEMO);
    const moved = after.offers.find((o, i) => o.rewards !== s.offers[i]!.rewards)!;
    await page.waitForFunction(
      ([id, want]) => Number(document.querySelector(`tr[data-offer="${id}"] [data-field="rewards"]`)?.textContent) === want,
      [moved.offerId, Number(moved.rewards.toFixed(2))] as const,
      { timeout: 5000 },
    );
    expect(problems).toEqual({ console: [], failed: [], dialogs: [] });
    await page.close();
  });

  it('shows an offer attribute holding markup as text, and opens no dialog', async () => {
    await call(t.admin.PutCampaign.bind(t.admin), { name: 'xss', description: XSS, offers: [{ id: 'a', attributes: { headline: XSS } }, { id: 'b' }] });
    await traffic('xss', 0, 50, 0.5);
    const page = await browser.newPage();
    const problems = watch(page);
    await page.goto(`${base}/campaigns/xss`);
    await page.locator('tr[data-offer="a"] .attr').waitFor();
    expect(await page.locator('tr[data-offer="a"] .attr').textContent()).toBe(`headline: ${XSS}`);
    expect(await page.locator('img').count()).toBe(0);
    await page.goto(`${base}/`);
    await page.locator('tr[data-campaign="xss"]').waitFor();
    await page.waitForTimeout(500);
    expect(problems.dialogs).toEqual([]);
    expect(problems.console).toEqual([]);
    await page.close();
  });

  it('fits a 390 px phone screen', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const problems = watch(page);
    await page.goto(`${base}/campaigns/${DEMO}`);
    await page.locator('[data-table="leaderboard"]').waitFor();
    await page.waitForFunction(() => Number(document.querySelector('[data-chart="allocation"]')?.getAttribute('data-points') ?? 0) > 0, undefined, { timeout: 10_000 });
    // Wide tables scroll inside their panel; the page itself does not scroll sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(shots, 'dashboard-phone.png'), fullPage: true });
    expect(problems).toEqual({ console: [], failed: [], dialogs: [] });
    await page.close();
  });
});

describe('dashboard with an admin token', () => {
  const TOKEN = 'dashboard-admin-token-0123456789';
  let t: TestServer;
  let browser: Browser;
  let base: string;
  beforeAll(async () => {
    t = await startTestServer([{ name: 'secret', offers: [{ id: 'a' }, { id: 'b' }] }], { metricsListen: '127.0.0.1:0', adminToken: TOKEN });
    base = `http://127.0.0.1:${t.server.metricsPort!}`;
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('answers 401 without the token and serves the page and the API with it', async () => {
    for (const p of ['/', '/campaigns/secret', '/api/v1/campaigns', '/api/v1/campaigns/secret', '/api/v1/serving']) {
      expect((await fetch(`${base}${p}`)).status, p).toBe(401);
      expect((await fetch(`${base}${p}`, { headers: { authorization: 'Bearer not-the-token-at-all' } })).status, p).toBe(401);
      expect((await fetch(`${base}${p}`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, p).toBe(200);
    }
    const api = (await (await fetch(`${base}/api/v1/campaigns`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { campaigns: Array<{ name: string }> };
    expect(api.campaigns.map((c) => c.name)).toEqual(['secret']);
    // Prometheus scrapes without a token, as before.
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
  });

  it('signs a person in with the login form (HttpOnly cookie) and out again', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = watch(page, (url, status) => status === 401 && new URL(url).pathname === '/campaigns/secret');
    await page.goto(`${base}/campaigns/secret`);
    await page.fill('#token', 'wrong-token-wrong-token');
    await page.click('button[type=submit]');
    await page.locator('.error').waitFor();
    expect(await page.locator('.error').textContent()).toBe('That token is not valid.');
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.locator('tr[data-offer="a"]').waitFor();
    expect(new URL(page.url()).pathname).toBe('/campaigns/secret');
    const cookie = (await context.cookies()).find((c) => c.name === 'nudge_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(problems.console.filter((m) => !m.includes('401'))).toEqual([]);
    expect(problems.failed.filter((f) => !f.includes('/login'))).toEqual([]);
    const out = await page.request.post(`${base}/logout`, { maxRedirects: 0 });
    expect(out.status()).toBe(303);
    expect((await context.cookies()).some((c) => c.name === 'nudge_session')).toBe(false);
    expect((await page.request.get(`${base}/api/v1/campaigns`)).status()).toBe(401);
    await context.close();
  });
});
