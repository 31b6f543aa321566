import { timingSafeEqual } from 'node:crypto';
import ipaddr from 'ipaddr.js';

/**
 * Behind CloudFront, API Gateway sees the edge's address, not the job's host. CloudFront's
 * viewer-request function for `/api/*` writes the viewer's address into VIEWER_ADDRESS_HEADER
 * (overwriting whatever the viewer sent), and the distribution's origin adds ORIGIN_SECRET_HEADER
 * with a value only the stack knows. Anyone can send both headers to the API endpoint directly,
 * but without the secret the address header is ignored, so `source_ip` cannot be forged.
 */
export const VIEWER_ADDRESS_HEADER = 'x-cronsentry-viewer-address';
export const ORIGIN_SECRET_HEADER = 'x-cronsentry-origin-secret';

/**
 * The caller's address: the viewer's, when the request carries the origin secret and a valid IP
 * address; otherwise the address API Gateway saw.
 */
export function viewerAddress(
  headers: Readonly<Record<string, string | undefined>> | undefined,
  sourceIp: string,
  originSecret: string | undefined,
): string {
  const forwarded = headers?.[VIEWER_ADDRESS_HEADER]?.trim();
  if (!originSecret || !forwarded || !sameSecret(headers?.[ORIGIN_SECRET_HEADER], originSecret)) return sourceIp;
  return ipaddr.isValid(forwarded) ? ipaddr.parse(forwarded).toString() : sourceIp;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
