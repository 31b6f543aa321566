import type { AlertTransports } from '../channel';

/**
 * The URL of a hosted vendor's fixed API (PagerDuty, Opsgenie, Telegram, Pushover). Users cannot
 * change it: those vendors cannot be self-hosted. Only tests point its origin at a local fake of
 * the API, through `AlertTransports.vendorOrigins`.
 */
export function vendorUrl(transports: AlertTransports, url: string): string {
  const parsed = new URL(url);
  const local = transports.vendorOrigins?.[parsed.origin];
  return local === undefined ? url : `${local.replace(/\/$/, '')}${parsed.pathname}${parsed.search}`;
}
