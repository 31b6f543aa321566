import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium); playwright never downloads a browser here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `The browser tests need Debian's Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (.ci/run does this)`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface OpenOptions {
  /** Signs in by putting the key where the dashboard keeps it for the tab. */
  key?: string;
  path?: string;
  width?: number;
  height?: number;
  colorScheme?: 'light' | 'dark';
  /** Seconds between the dashboard's refreshes (default 1, so tests never wait the real 10 s). */
  refresh?: number;
}

/**
 * A fresh browser context on the dashboard, by default with `?refresh=1` (a refresh every second).
 * Page errors and every requested URL are collected: a test can assert the app threw nothing
 * and fetched nothing from another origin (no CDN, no web fonts).
 */
export async function openDashboard(
  browser: Browser,
  baseUrl: string,
  options: OpenOptions = {},
): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.colorScheme ?? 'light',
    timezoneId: 'UTC',
    locale: 'en-GB',
  });
  if (options.key) {
    await context.addInitScript((key: string) => window.sessionStorage.setItem('cronsentry.key', key), options.key);
  }
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(`${baseUrl}/?refresh=${options.refresh ?? 1}#${options.path ?? '/'}`);
  return { page, errors, requests };
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local HTTP server standing in for a webhook receiver; it records every request. */
export async function startReceiver(): Promise<{
  url: string;
  received: ReceivedRequest[];
  close: () => Promise<void>;
}> {
  const received: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
