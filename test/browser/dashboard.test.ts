import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../dashboard/src/api/client';
import type { Job } from '../../dashboard/src/api/types';
import { startSandboxProcess, type SandboxProcess } from '../support/sandbox-process';
import { launchBrowser, openDashboard, startReceiver } from './browser';

// Every run keeps its screenshots under test-results/; `UPDATE_SCREENSHOTS=1 npm test` refreshes the
// ones the README shows, so an ordinary test run leaves the working tree clean.
const SCREENSHOTS = new URL(
  process.env.UPDATE_SCREENSHOTS === '1' ? '../../docs/screenshots/' : '../../test-results/screenshots/',
  import.meta.url,
);

let sandbox: SandboxProcess;
let browser: Browser;
let api: ApiClient;
let stopped = false;

beforeAll(async () => {
  [sandbox, browser] = await Promise.all([
    startSandboxProcess({ CRONSENTRY_SWEEP_SECONDS: '1', CRONSENTRY_MIN_SECONDS: '1' }),
    launchBrowser(),
  ]);
  api = new ApiClient(sandbox.apiKey, sandbox.url);
  await mkdir(SCREENSHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (!stopped) await sandbox?.stop();
});

const open = (path = '/', options: Parameters<typeof openDashboard>[2] = {}) =>
  openDashboard(browser, sandbox.url, { key: sandbox.apiKey, path, ...options });

/** Form controls and buttons that a screen reader could not name. */
function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const unnamed: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>('input, select, textarea, button, a[href]')) {
      if (element instanceof HTMLInputElement && element.type === 'hidden') continue;
      if (!element.checkVisibility()) continue; // e.g. inside a closed dialog: not exposed
      const labelled =
        (element as HTMLInputElement).labels?.length ||
        element.getAttribute('aria-label') ||
        element.getAttribute('aria-labelledby') ||
        (!(element instanceof HTMLInputElement) && element.textContent?.trim());
      if (!labelled) unnamed.push(element.outerHTML.slice(0, 80));
    }
    return unnamed;
  });
}

function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

async function jobIdFromUrl(page: Page): Promise<string> {
  await page.waitForURL(/#\/jobs\/[0-9a-f-]{36}$/);
  return decodeURIComponent(page.url().split('#/jobs/')[1] ?? '');
}

async function ping(url: string, init?: RequestInit): Promise<void> {
  const response = await fetch(url, init);
  expect(response.status).toBeLessThan(300);
}

describe('the dashboard', () => {
  it('signs in with the keyboard alone, and refuses a wrong key next to the field', async () => {
    const { page, errors } = await openDashboard(browser, sandbox.url);
    const keyField = page.getByLabel('API key');
    await keyField.waitFor();
    expect(await keyField.evaluate((element) => element === document.activeElement)).toBe(true);

    await page.keyboard.type('csk_not_a_real_key');
    await page.keyboard.press('Enter');
    await page.locator('#api-key-error').waitFor();
    expect(await page.locator('#api-key-error').textContent()).toMatch(/not accepted/);
    expect(await keyField.getAttribute('aria-invalid')).toBe('true');

    await keyField.fill('');
    await page.keyboard.type(sandbox.apiKey);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();
    const me = await api.me();
    expect(await page.locator('header .project').textContent()).toBe(me.project.name);
    // The first Tab reaches the skip link.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    expect(await unnamedControls(page)).toEqual([]);
    // Enter on "New job" opens the form with the focus in its first field.
    await page.getByRole('link', { name: 'New job' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/jobs\/new$/);
    await page.waitForFunction(() => document.activeElement?.id === 'job-name');
    // Back to the list by keyboard: focus lands on the new page's heading, not on the lost link.
    await page.getByRole('link', { name: 'Jobs' }).first().focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('creates a job through the form, rejecting an invalid cron inline', async () => {
    const { page, errors } = await open('/jobs/new');
    await page.getByLabel('Name').fill('Nightly ETL');
    const schedule = page.getByLabel('Schedule');
    await schedule.fill('61 * * * *');
    await page.getByLabel('Tags (optional)').fill('etl, prod');
    await page.getByRole('button', { name: 'Create job' }).click();

    const error = page.locator('#job-schedule-error');
    await error.waitFor();
    expect((await error.textContent())?.length).toBeGreaterThan(5);
    expect(await schedule.getAttribute('aria-invalid')).toBe('true');
    expect(await schedule.getAttribute('aria-describedby')).toContain('job-schedule-error');
    expect(page.url()).toMatch(/#\/jobs\/new$/);
    expect((await api.listJobs({ q: 'Nightly ETL' })).jobs).toEqual([]);

    // A valid schedule shows the next five expected times before saving.
    await schedule.fill('30 2 * * *');
    await page.locator('.next-times li').nth(4).waitFor();
    expect(await page.locator('.next-times li').count()).toBe(5);
    expect(await page.locator('#job-schedule-error').count()).toBe(0);
    await page.getByRole('button', { name: 'Create job' }).click();

    const id = await jobIdFromUrl(page);
    await page.getByRole('heading', { name: 'Nightly ETL', level: 1 }).waitFor();
    const saved = await api.getJob(id);
    expect(saved).toMatchObject({ name: 'Nightly ETL', schedule: '30 2 * * *', tags: ['etl', 'prod'], status: 'new' });
    expect(await page.locator('.status-line [data-status]').getAttribute('data-status')).toBe('new');
    expect(await unnamedControls(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows a job turn healthy on the next refresh after it is pinged over HTTP', async () => {
    const job = await api.createJob({
      name: 'Invoice run',
      schedule: '0 * * * *',
      grace_time: '5m',
      tags: ['billing'],
    });
    const { page, errors } = await open(`/jobs/${job.id}`);
    const pingUrl = (await page.locator('#ping-url').textContent()) ?? '';
    expect(pingUrl).toMatch(new RegExp(`/api/ping/${job.id}$`));
    expect(await page.locator('.status-line [data-status]').getAttribute('data-status')).toBe('new');

    await ping(pingUrl);
    await page.locator('.status-line [data-status="healthy"]').waitFor({ timeout: 10_000 });
    await page.locator('table.pings tbody tr').first().waitFor();
    expect(await page.locator('table.pings tbody tr').first().getAttribute('data-kind')).toBe('success');

    const overview = await open('/');
    await overview.page.locator(`tr[data-job-id="${job.id}"][data-status="healthy"]`).waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
    await overview.page.context().close();
  });

  it('shows a short-interval job go missing, then pauses and resumes it', async () => {
    const { page, errors } = await open('/jobs/new');
    await page.getByLabel('Name').fill('Heartbeat');
    await page.getByLabel('Schedule').fill('every 2s');
    await page.getByLabel('Grace time').fill('1s');
    await page.getByRole('button', { name: 'Create job' }).click();
    const id = await jobIdFromUrl(page);
    const job = await api.getJob(id);
    await ping(job.ping_url ?? '');

    const overview = await open('/');
    await overview.page.locator(`tr[data-job-id="${id}"][data-status="missing"]`).waitFor({ timeout: 20_000 });
    // The count comes from the summary, a request of its own: a checker flip that lands between its
    // reads of the stored counts and of the backlog leaves it a refresh behind the row.
    await expect
      .poll(async () => Number(await overview.page.locator('[data-count="missing"]').textContent()), {
        timeout: 15_000,
      })
      .toBeGreaterThanOrEqual(1);
    // Filtering by status shows it and hides the rest.
    await overview.page.locator('a.count-missing').click();
    await overview.page.waitForURL(/status=missing/);
    await overview.page.locator(`tr[data-job-id="${id}"]`).waitFor();
    await overview.page.waitForFunction(() =>
      [...document.querySelectorAll('tr[data-status]')].every((row) => row.getAttribute('data-status') === 'missing'),
    );

    await page.locator('.status-line [data-status="missing"]').waitFor();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('.status-line [data-status="paused"]').waitFor();
    expect((await api.getJob(id)).status).toBe('paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    expect((await api.getJob(id)).status).not.toBe('paused');
    expect(await page.locator('.status-line [data-status="paused"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
    await overview.page.context().close();
  });

  it('edits a job, showing the API validation error next to the field', async () => {
    const job = await api.createJob({ name: 'Log rotation', schedule: '0 4 * * *', grace_time: 30 });
    const { page, errors } = await open(`/jobs/${job.id}/edit`);
    const grace = page.getByLabel('Grace time');
    await grace.fill('soon');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('#job-grace_time-error').waitFor();
    expect(await grace.getAttribute('aria-invalid')).toBe('true');
    expect((await api.getJob(job.id!)).grace_seconds).toBe(1800);

    await grace.fill('45m');
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(new RegExp(`#/jobs/${job.id}$`));
    const saved = await api.getJob(job.id!);
    expect(saved).toMatchObject({ grace_seconds: 2700, timezone: 'Europe/Berlin' });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("shows a crontab line that matches the job's interval, or says that cron cannot express it", async () => {
    const everyTwoHours = await api.createJob({ name: 'Two-hourly sync', schedule: 'every 2h', grace_time: 10 });
    const { page } = await open(`/jobs/${everyTwoHours.id}`);
    await page.locator('#ping-url').waitFor();
    const crontab = page.locator('pre[aria-labelledby="snippet-crontab"]');
    expect(await crontab.textContent()).toMatch(/^0 \*\/2 \* \* \* \/path\/to\/job\.sh && curl /);

    const odd = await api.createJob({ name: 'Odd interval', schedule: 'every 45m', grace_time: 10 });
    await page.goto(`${sandbox.url}/?refresh=1#/jobs/${odd.id}`);
    await page.getByRole('heading', { name: 'Odd interval', level: 1 }).waitFor();
    expect(await crontab.textContent()).toContain('"every 45m" has no exact cron form');
    await page.context().close();
  });

  it('deletes a job only after confirmation', async () => {
    const job = await api.createJob({ name: 'Temporary', schedule: '0 5 * * *', grace_time: 10 });
    const { page } = await open(`/jobs/${job.id}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await api.getJob(job.id!)).id).toBe(job.id);

    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete job' }).click();
    await page.waitForURL(/#\/$/);
    await expect(api.getJob(job.id!)).rejects.toMatchObject({ status: 404 });
    await page.context().close();
  });

  it('creates, tests and deletes a webhook channel', async () => {
    const receiver = await startReceiver();
    try {
      const { page, errors } = await open('/channels');
      await page.getByRole('button', { name: 'New channel' }).click();
      const form = page.getByRole('form', { name: 'New channel' });
      await form.getByLabel('Kind').selectOption('webhook');
      await form.getByLabel('Name').fill('Ops webhook');
      await form.getByLabel('URL').fill(receiver.url);
      await form.getByRole('button', { name: 'Create channel' }).click();
      const card = page.locator('li.channel', { hasText: 'Ops webhook' });
      await card.waitFor();

      await card.getByRole('button', { name: 'Send test' }).click();
      await card.locator('.test-result').waitFor({ timeout: 15_000 });
      expect(await card.locator('.test-result').textContent()).toMatch(/delivered/);
      expect(receiver.received.some((request) => request.method === 'POST' && request.url === '/hook')).toBe(true);

      await card.getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete channel' }).click();
      await card.waitFor({ state: 'detached' });
      expect((await api.listChannels()).channels.some((channel) => channel.name === 'Ops webhook')).toBe(false);
      expect(errors).toEqual([]);
      await page.context().close();
    } finally {
      await receiver.close();
    }
  });

  it('offers the on-call kinds with their own fields, and creates a PagerDuty channel with a chosen severity', async () => {
    const { page, errors } = await open('/channels');
    await page.getByRole('button', { name: 'New channel' }).click();
    const form = page.getByRole('form', { name: 'New channel' });
    // The kinds come from GET /api/channel-kinds: read the list once it has arrived.
    await form.getByLabel('Kind').locator('option', { hasText: 'PagerDuty' }).waitFor({ state: 'attached' });
    const kinds = await form.getByLabel('Kind').locator('option').allTextContents();
    expect(kinds).toEqual(expect.arrayContaining(['PagerDuty', 'Opsgenie', 'Microsoft Teams', 'Telegram', 'Pushover']));
    await form.getByLabel('Kind').selectOption('opsgenie');
    expect(await form.getByLabel('Instance').inputValue()).toBe('us');
    await form.getByLabel('Kind').selectOption('pagerduty');
    await form.getByLabel('Name').fill('Ops pager');
    await form.getByLabel('Integration key').fill('e93facc04764012d7bfb002500d5d1a6');
    await form.getByLabel('Severity of down alerts').selectOption('warning');
    await form.getByRole('button', { name: 'Create channel' }).click();
    const card = page.locator('li.channel', { hasText: 'Ops pager' });
    await card.waitFor();
    expect(await card.textContent()).toContain('PagerDuty');
    const created = (await api.listChannels()).channels.find((channel) => channel.name === 'Ops pager')!;
    expect(created.settings).toEqual({ routing_key: '••••d1a6', severity: 'warning' });
    await api.deleteChannel(created.id);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('creates a key shown once, and revokes it', async () => {
    const { page, errors } = await open('/keys');
    await page.getByLabel('Name').fill('wall screen');
    await page.getByLabel('Role').selectOption('read-only');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = (await page.locator('#created-key').textContent()) ?? '';
    expect(shown).toMatch(/^csk_/);
    expect((await new ApiClient(shown, sandbox.url).me()).key.role).toBe('read-only');

    await page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.locator('#created-key').count()).toBe(0);
    await page.getByRole('button', { name: 'Revoke wall screen' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await page.getByRole('button', { name: 'Revoke wall screen' }).waitFor({ state: 'detached' });
    await expect(new ApiClient(shown, sandbox.url).me()).rejects.toMatchObject({ status: 401 });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('hides every write action from a read-only key', async () => {
    const { key } = await api.createKey('read-only viewer', 'read-only');
    const [job] = (await api.listJobs({ q: 'Invoice run' })).jobs as [Job];
    const WRITE_ACTIONS = /^(new job|edit|pause|resume|delete|new channel|send test|revoke|create .*|copy.*)$/i;
    const writeControls = (page: Page) =>
      page
        .locator('main button, main a, header a')
        .evaluateAll(
          (elements, pattern) =>
            elements
              .map((element) => (element.getAttribute('aria-label') ?? element.textContent ?? '').trim())
              .filter((name) => new RegExp(pattern, 'i').test(name)),
          WRITE_ACTIONS.source,
        );

    const { page, errors } = await openDashboard(browser, sandbox.url, { key, path: '/' });
    await page.locator('[data-testid="read-only"]').waitFor();
    // Read-only keys never learn the job id (it pings): rows and links name the job by unique key.
    await page.locator(`tr[data-job-id="${job.unique_key}"]`).waitFor();
    expect(await page.content()).not.toContain(job.id!);
    expect(await writeControls(page)).toEqual([]);
    expect(await page.getByRole('link', { name: 'Keys' }).count()).toBe(0);

    await page.locator(`tr[data-job-id="${job.unique_key}"] a.job-link`).click();
    await page.waitForURL(new RegExp(`#/jobs/${job.unique_key}$`));
    await page.getByRole('heading', { name: job.name, level: 1 }).waitFor();
    await page.locator('table.pings').waitFor();
    expect(await writeControls(page)).toEqual([]);
    expect(await page.locator('#ping-url').count()).toBe(0);
    expect(await page.content()).not.toContain(job.id!);

    await page.goto(`${sandbox.url}/?refresh=1#/channels`);
    await page.getByRole('heading', { name: 'Alert channels' }).waitFor();
    expect(await writeControls(page)).toEqual([]);

    await page.goto(`${sandbox.url}/?refresh=1#/jobs/new`);
    await page.getByRole('heading', { name: 'Read-only key' }).waitFor();
    expect(await page.getByRole('button', { name: 'Create job' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('screenshots and small screens', () => {
  let backup: Job;

  beforeAll(async () => {
    backup = await api.createJob({
      name: 'Database backup',
      description: 'pg_dump of the main database, uploaded to S3.',
      schedule: '0 3 * * *',
      timezone: 'Europe/Berlin',
      grace_time: 30,
      tags: ['prod', 'backups'],
    });
    const url = backup.ping_url ?? '';
    for (const [index, ms] of [120, 340, 200, 260, 180, 400].entries()) {
      const rid = crypto.randomUUID();
      await ping(`${url}/start?rid=${rid}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      const failed = index === 3;
      await ping(`${url}/${failed ? 1 : 0}?rid=${rid}`, {
        method: 'POST',
        body: failed ? 'pg_dump: error: connection to server lost\n' : `dumped 1,52${index} tables\nupload ok\n`,
      });
    }
    const mailer = await api.createJob({
      name: 'Report mailer',
      schedule: '0 8 * * 1',
      grace_time: 60,
      tags: ['reports'],
    });
    await ping(mailer.ping_url ?? '');
    await api.pauseJob(mailer.id!);
    const cleanup = await api.createJob({
      name: 'Thumbnail cleanup',
      schedule: '*/15 * * * *',
      grace_time: 5,
      tags: ['media'],
    });
    await ping(`${cleanup.ping_url}/fail`, { method: 'POST', body: 'rm: cannot remove: Permission denied' });
  });

  it('keeps screenshots of the overview and a job page, loading nothing from another origin', async () => {
    // The real refresh interval, so the screenshots show what users see.
    const { page, errors, requests } = await open('/', { height: 860, refresh: 10 });
    await page.locator(`tr[data-job-id="${backup.id}"]`).waitFor();
    await page.locator(`tr[data-job-id="${backup.id}"] .strip .tick`).first().waitFor();
    await page.screenshot({ path: new URL('overview.png', SCREENSHOTS).pathname });

    await page.goto(`${sandbox.url}/?refresh=10#/jobs/${backup.id}`);
    await page.locator('.chart svg rect').first().waitFor();
    await page.locator('table.pings details').first().locator('summary').click();
    await page.screenshot({ path: new URL('job.png', SCREENSHOTS).pathname, fullPage: true });
    expect(requests.filter((url) => !url.startsWith(`${sandbox.url}/`))).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('filters by tag and sorts the page by status, worst first', async () => {
    const { page, errors } = await open('/');
    await page.locator(`tr[data-job-id="${backup.id}"]`).waitFor();
    await page.getByLabel('Sort this page by').selectOption('status');
    await page.waitForURL(/sort=status/);
    const order = await page
      .locator('table.jobs tbody tr')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-status')));
    const rank = ['failed', 'missing', 'late', 'new', 'healthy', 'paused'];
    expect(order.length).toBeGreaterThan(3);
    expect([...order].sort((a, b) => rank.indexOf(a ?? '') - rank.indexOf(b ?? ''))).toEqual(order);

    await page.getByLabel('Tag', { exact: true }).selectOption('backups');
    await page.waitForFunction(() => document.querySelectorAll('table.jobs tbody tr').length === 1);
    expect(await page.locator('table.jobs .job-link').textContent()).toBe('Database backup');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('fits a 375 px wide phone screen, in dark mode too', async () => {
    const { page, errors } = await open('/', { width: 375, height: 800, colorScheme: 'dark' });
    await page.locator(`tr[data-job-id="${backup.id}"]`).waitFor();
    expect(await overflowsHorizontally(page)).toBe(false);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe('rgb(246, 247, 249)');
    await page.screenshot({ path: new URL('overview-phone-dark.png', SCREENSHOTS).pathname });

    await page.goto(`${sandbox.url}/?refresh=1#/jobs/${backup.id}`);
    await page.locator('table.pings').waitFor();
    expect(await overflowsHorizontally(page)).toBe(false);
    await page.goto(`${sandbox.url}/?refresh=1#/jobs/new`);
    await page.getByLabel('Schedule').waitFor();
    expect(await overflowsHorizontally(page)).toBe(false);
    expect(await unnamedControls(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('says so when the API cannot be reached, and keeps showing the last data', async () => {
    const { page } = await open('/');
    await page.locator(`tr[data-job-id="${backup.id}"]`).waitFor();
    await sandbox.stop();
    stopped = true;
    const banner = page.locator('.freshness[data-state="error"]');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toMatch(/cannot be reached/);
    expect(await page.locator(`tr[data-job-id="${backup.id}"]`).count()).toBe(1);
    await page.context().close();
  });
});
