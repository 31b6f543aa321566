import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ApiClient } from '../../dashboard/src/api/client';
import { startSandboxProcess, type SandboxProcess } from '../support/sandbox-process';
import { launchBrowser, openDashboard } from './browser';

// Its own sandbox: these tests count the dashboard's API requests, so no other test may add any.
let sandbox: SandboxProcess;
let browser: Browser;

beforeAll(async () => {
  [sandbox, browser] = await Promise.all([startSandboxProcess(), launchBrowser()]);
  await new ApiClient(sandbox.apiKey, sandbox.url).createJob({
    name: 'nightly',
    schedule: '0 6 * * *',
    grace_time: 60,
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

/**
 * Hides or shows the tab as the Page Visibility API reports it. Headless Chromium has no window to
 * minimise, and CDP's `Page.setWebLifecycleState('frozen')` stops the page's timers altogether, so
 * it would pass even if the dashboard kept polling; `Emulation.setFocusEmulationEnabled` changes
 * focus, not visibility. Overriding `document.visibilityState` and dispatching the event the browser
 * would send exercises exactly the code path a real background tab takes.
 */
function setVisibility(page: Page, state: 'hidden' | 'visible'): Promise<void> {
  return page.evaluate((value) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => value });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => value === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
}

const apiRequests = (requests: string[]) => requests.filter((url) => url.includes('/api/jobs'));

it('makes no request while the tab is hidden and refreshes at once when it is shown', async () => {
  const { page, errors, requests } = await openDashboard(browser, sandbox.url, { key: sandbox.apiKey, refresh: 1 });
  await page.locator('table.jobs tbody tr').first().waitFor();
  // Polling every second while visible.
  const visibleStart = apiRequests(requests).length;
  await page.waitForTimeout(2_500);
  expect(apiRequests(requests).length).toBeGreaterThan(visibleStart);

  await setVisibility(page, 'hidden');
  await page.waitForTimeout(300); // lets a refresh already under way finish
  const hiddenStart = apiRequests(requests).length;
  await page.waitForTimeout(3_500); // three and a half refresh intervals
  expect(apiRequests(requests).length).toBe(hiddenStart);

  // No timer is pending now (the due refresh is waiting), so a request can only come from the event.
  const shown = page.waitForRequest((request) => request.url().includes('/api/jobs'), { timeout: 500 });
  await setVisibility(page, 'visible');
  await shown;
  expect(errors).toEqual([]);
  await page.context().close();
}, 60_000);

it('answers a matching If-None-Match with 304 and no body over HTTP', async () => {
  const headers = { authorization: `Bearer ${sandbox.apiKey}` };
  for (const path of ['/api/jobs', '/api/jobs/summary']) {
    const first = await fetch(`${sandbox.url}${path}`, { headers });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/"/);
    const body = await first.text();

    const again = await fetch(`${sandbox.url}${path}`, { headers: { ...headers, 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);

    const stale = await fetch(`${sandbox.url}${path}`, { headers: { ...headers, 'if-none-match': 'W/"old"' } });
    expect(stale.status).toBe(200);
    expect(await stale.text()).toBe(body);
  }
});

it('revalidates its refreshes with If-None-Match and keeps showing the answer on 304', async () => {
  const { page, errors } = await openDashboard(browser, sandbox.url, { key: sandbox.apiKey, refresh: 1 });
  const revalidated: { ifNoneMatch: string | undefined; status: number }[] = [];
  page.on('response', (response) => {
    if (!response.url().includes('/api/jobs/summary')) return;
    revalidated.push({ ifNoneMatch: response.request().headers()['if-none-match'], status: response.status() });
  });
  await page.locator('table.jobs tbody tr').first().waitFor();
  await expect
    .poll(() => revalidated.filter((entry) => entry.status === 304).length, { timeout: 10_000 })
    .toBeGreaterThan(1);
  expect(
    revalidated.filter((entry) => entry.status === 304).every((entry) => entry.ifNoneMatch?.startsWith('W/"')),
  ).toBe(true);
  // The kept answer is what the page shows: the job and its count are still there after the 304s.
  expect(await page.locator('table.jobs tbody tr').count()).toBe(1);
  expect(await page.locator('[data-count="total"]').textContent()).toBe('1');
  expect(errors).toEqual([]);
  await page.context().close();
}, 60_000);
