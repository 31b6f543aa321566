import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../dashboard/src/api/client';
import { startSandboxProcess, type SandboxProcess } from '../support/sandbox-process';
import { launchBrowser, openDashboard } from './browser';

/**
 * Issue 12 in the dashboard (headless Chromium against the real sandbox): the form sets the alert
 * rules and shows the API's refusal next to the field; the job page shows `failing` with the count
 * so far, then `overrunning` while a run is still going.
 */
let sandbox: SandboxProcess;
let browser: Browser;
let api: ApiClient;

beforeAll(async () => {
  [sandbox, browser] = await Promise.all([startSandboxProcess(), launchBrowser()]);
  api = new ApiClient(sandbox.apiKey, sandbox.url);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

describe('alert rules in the dashboard', () => {
  it('sets thresholds and runtime bounds in the form, and shows failing, then overrunning', async () => {
    const { page, errors } = await openDashboard(browser, sandbox.url, { key: sandbox.apiKey, path: '/jobs/new' });
    await page.getByLabel('Name').fill('Warehouse load');
    await page.getByLabel('Schedule').fill('every 1h');
    await page.getByLabel('Grace time').fill('1h');
    await page.getByLabel('Alert after failures in a row').fill('2');
    await page.getByLabel('Maximum runtime (optional)').fill('3s');
    await page.getByLabel('Minimum runtime (optional)').fill('5s');
    await page.getByRole('button', { name: 'Create job' }).click();

    // The API says no (the maximum must exceed the minimum), next to the field it names.
    const error = page.locator('#job-max_runtime-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('must be more than min_runtime');
    expect(await page.getByLabel('Maximum runtime (optional)').getAttribute('aria-invalid')).toBe('true');
    expect((await api.listJobs({ q: 'Warehouse load' })).jobs).toEqual([]);

    await page.getByLabel('Minimum runtime (optional)').fill('');
    await page.getByRole('button', { name: 'Create job' }).click();
    await page.waitForURL(/#\/jobs\/[0-9a-f-]{36}$/);
    const id = decodeURIComponent(page.url().split('#/jobs/')[1] ?? '');
    const job = await api.getJob(id);
    expect(job).toMatchObject({ failure_threshold: 2, recovery_threshold: 1, max_runtime: '3s', min_runtime: null });
    expect(await page.getByTestId('alert-rules').textContent()).toBe(
      'alert after 2 failures in a row, recover on the first good run, runs at most 3s',
    );

    const pingUrl = job.ping_url ?? '';
    expect((await fetch(pingUrl)).status).toBe(200);
    expect((await fetch(`${pingUrl}/fail`)).status).toBe(200);
    await page.locator('.status-line [data-status="failing"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('.status-line [data-status="failing"]').textContent()).toContain('Failing');
    expect(await page.getByTestId('threshold-note').textContent()).toBe(
      '1 of 2 failed or missed runs counted; no alert yet.',
    );

    // The second bad run: a run still going after 3 s.
    expect((await fetch(`${pingUrl}/start`)).status).toBe(200);
    await page.locator('.status-line [data-status="overrunning"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('.status-line [data-status="overrunning"]').textContent()).toContain(
      'Overrunning · running',
    );

    // The edit form shows what was saved.
    await page.goto(`${sandbox.url}/?refresh=1#/jobs/${id}/edit`);
    expect(await page.getByLabel('Alert after failures in a row').inputValue()).toBe('2');
    expect(await page.getByLabel('Maximum runtime (optional)').inputValue()).toBe('3s');
    expect(await page.getByLabel(/Send a “late” notice/).isChecked()).toBe(false);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);
});
