import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ApiClient } from '../../dashboard/src/api/client';
import { startSandboxProcess, type SandboxProcess } from '../support/sandbox-process';
import { launchBrowser, openDashboard } from './browser';

// Its own sandbox: the bulk jobs would otherwise crowd the overview the screenshots show.
let sandbox: SandboxProcess;
let browser: Browser;

beforeAll(async () => {
  [sandbox, browser] = await Promise.all([startSandboxProcess(), launchBrowser()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

it('pages the overview 50 jobs at a time and searches on the server', async () => {
  const api = new ApiClient(sandbox.apiKey, sandbox.url);
  for (let index = 0; index < 55; index += 1) {
    const name = `bulk ${String(index).padStart(2, '0')}`;
    await api.createJob({ name, schedule: '0 6 * * *', grace_time: 60, tags: ['bulk'] });
  }
  await api.createJob({ name: 'untagged', schedule: '0 6 * * *', grace_time: 60 });

  const { page, errors } = await openDashboard(browser, sandbox.url, { key: sandbox.apiKey, path: '/?tag=bulk' });
  const rows = page.locator('table.jobs tbody tr');
  await rows.nth(49).waitFor();
  expect(await rows.count()).toBe(50);
  expect(await page.locator('[data-count="total"]').textContent()).toBe('56');

  await page.getByRole('button', { name: 'Next →' }).click();
  await page.waitForFunction(() => document.querySelectorAll('table.jobs tbody tr').length === 5);
  expect(await page.locator('.pager').textContent()).toContain('51–55');
  expect(await page.getByRole('button', { name: 'Next →' }).isDisabled()).toBe(true);
  await page.getByRole('button', { name: '← Previous' }).click();
  await page.waitForFunction(() => document.querySelectorAll('table.jobs tbody tr').length === 50);

  await page.getByLabel('Search by name').fill('bulk 07');
  await page.waitForFunction(() => document.querySelectorAll('table.jobs tbody tr').length === 1);
  expect(await rows.first().locator('.job-link').textContent()).toBe('bulk 07');
  expect(page.url()).toContain('q=bulk+07');
  expect(errors).toEqual([]);
  await page.context().close();
}, 60_000);
