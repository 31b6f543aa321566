import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ApiClient } from '../../dashboard/src/api/client';
import { startSandboxProcess, type SandboxProcess } from '../support/sandbox-process';
import { launchBrowser, openDashboard } from './browser';

let sandbox: SandboxProcess;
let browser: Browser;
let client: ApiClient;
const HOUR = 3_600_000;

beforeAll(async () => {
  [sandbox, browser] = await Promise.all([startSandboxProcess(), launchBrowser()]);
  client = new ApiClient(sandbox.apiKey, sandbox.url);
  const now = Date.now();
  await client.createMaintenance({
    name: 'Next week',
    start: new Date(now + 7 * 24 * HOUR).toISOString(),
    end: new Date(now + 7 * 24 * HOUR + HOUR).toISOString(),
  });
  await client.createMaintenance({
    name: 'Upgrade now',
    tag: 'db',
    start: new Date(now - HOUR).toISOString(),
    end: new Date(now + HOUR).toISOString(),
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

it('shows the active window first and the upcoming one after it; adds a cron window; deletes after confirmation', async () => {
  const { page, errors } = await openDashboard(browser, sandbox.url, { key: sandbox.apiKey, path: '/maintenance' });
  const rows = page.locator('table.windows tbody tr');
  await rows.nth(1).waitFor();
  expect(await rows.evaluateAll((trs) => trs.map((tr) => [tr.children[0]?.textContent, tr.dataset.active]))).toEqual([
    ['Upgrade now', 'true'],
    ['Next week', 'false'],
  ]);
  expect(await rows.nth(0).locator('[data-state="active"]').textContent()).toContain('active, ends');
  expect(await rows.nth(1).locator('[data-state="upcoming"]').textContent()).toContain('starts');

  // A window as long as its repeat is refused, with the API's message under the field it names.
  await page.getByLabel('Name').fill('Nightly');
  await page.getByLabel('Repeats').selectOption('recurring');
  await page.getByLabel('Cron').fill('0 * * * *');
  await page.getByLabel('Duration').fill('2h');
  await page.getByRole('button', { name: 'Add window' }).click();
  await page.locator('#window-duration-error').waitFor();
  expect(await page.locator('#window-duration-error').textContent()).toContain('shorter than the time between');

  await page.getByLabel('Cron').fill('0 3 * * *');
  await page.getByLabel('Duration').fill('90m');
  await page.getByRole('button', { name: 'Add window' }).click();
  await page.locator('table.windows tbody tr', { hasText: 'Nightly' }).waitFor();
  expect(await page.locator('table.windows tbody tr', { hasText: 'Nightly' }).textContent()).toContain(
    '0 3 * * * for 90m (UTC)',
  );

  await page.getByRole('button', { name: 'Delete Upgrade now' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Delete Upgrade now' }).waitFor({ state: 'detached' });
  expect((await client.listMaintenance()).windows.map((window) => window.name).sort()).toEqual([
    'Next week',
    'Nightly',
  ]);
  expect(errors).toEqual([]);
}, 60_000);
