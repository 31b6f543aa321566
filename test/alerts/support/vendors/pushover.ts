import type { VendorApi } from '../receiver';
import { codePoints, jsonAnswer } from './answers';

/** An emergency message as Pushover keeps it: repeating until acknowledged, expired or cancelled. */
export interface Emergency {
  readonly receipt: string;
  readonly tags: readonly string[];
  cancelled: boolean;
}

const CANCEL_BY_TAG = /^\/1\/receipts\/cancel_by_tag\/([^/]+)\.json$/;

/**
 * Pushover's `POST /1/messages.json` with form parameters: 200 `{status: 1, request}` (and a
 * `receipt` for an emergency message), or 400 `{status: 0, errors: [...]}` naming the parameter
 * (invalid token or user, blank or too long message, bad priority, emergency without
 * retry/expire). And the Receipts API's `POST /1/receipts/cancel_by_tag/(tag).json` with the
 * application `token`: stops every emergency message sent with that tag, answering
 * `{status: 1, canceled: n}`.
 */
export function pushoverApi(token: string, user: string) {
  const messages: URLSearchParams[] = [];
  const emergencies: Emergency[] = [];
  /** Every request in order, by path: shows that a cancel came before the recovery. */
  const calls: string[] = [];
  const api: VendorApi = (request) => {
    const refuse = (field: string, error: string) =>
      jsonAnswer(400, { [field]: 'invalid', errors: [error], status: 0, request: 'req-1' });
    calls.push(request.path);
    const cancel = CANCEL_BY_TAG.exec(request.path);
    if (cancel) {
      const form = new URLSearchParams(request.body);
      if (form.get('token') !== token) return refuse('token', 'application token is invalid');
      const tag = decodeURIComponent(cancel[1]!);
      const stopped = emergencies.filter((e) => !e.cancelled && e.tags.includes(tag));
      stopped.forEach((e) => (e.cancelled = true));
      return jsonAnswer(200, { status: 1, canceled: stopped.length, request: `req-cancel-${calls.length}` });
    }
    if (request.path !== '/1/messages.json') return jsonAnswer(404, { status: 0, errors: ['not found'] });
    if (request.headers['content-type'] !== 'application/x-www-form-urlencoded')
      return refuse('token', 'application token is invalid');
    const form = new URLSearchParams(request.body);
    if (form.get('token') !== token)
      return refuse('token', 'application token is invalid, see https://pushover.net/api');
    if (form.get('user') !== user)
      return refuse('user', 'user identifier is not a valid user, group, or subscribed user key');
    const message = form.get('message') ?? '';
    if (message.trim() === '') return refuse('message', 'message cannot be blank');
    if (codePoints(message) > 1024) return refuse('message', 'message is too long (1024 characters at most)');
    if (codePoints(form.get('title') ?? '') > 250) return refuse('title', 'title is too long (250 characters at most)');
    if (codePoints(form.get('url') ?? '') > 512) return refuse('url', 'url is too long');
    if (codePoints(form.get('url_title') ?? '') > 100) return refuse('url_title', 'url_title is too long');
    const priority = Number(form.get('priority') ?? '0');
    if (!Number.isInteger(priority) || priority < -2 || priority > 2) return refuse('priority', 'priority is invalid');
    if (priority === 2) {
      const retry = Number(form.get('retry'));
      const expire = Number(form.get('expire'));
      if (!(retry >= 30)) return refuse('retry', 'retry is invalid (at least 30 seconds)');
      if (!(expire > 0 && expire <= 10_800)) return refuse('expire', 'expire is invalid (at most 10800 seconds)');
    }
    messages.push(form);
    const receipt = `r${String(messages.length).padStart(29, '0')}`;
    if (priority === 2) {
      const tags = (form.get('tags') ?? '').split(',').filter((tag) => tag !== '');
      emergencies.push({ receipt, tags, cancelled: false });
    }
    return jsonAnswer(200, {
      status: 1,
      request: `req-${messages.length}`,
      ...(priority === 2 ? { receipt } : {}),
    });
  };
  return { api, messages, emergencies, calls };
}
