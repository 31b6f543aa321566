import type { VendorApi } from '../receiver';
import { codePoints, jsonAnswer } from './answers';

/**
 * Pushover's `POST /1/messages.json` with form parameters: 200 `{status: 1, request}`, or 400
 * `{status: 0, errors: [...]}` naming the parameter (invalid token or user, blank or too long
 * message, bad priority, emergency without retry/expire).
 */
export function pushoverApi(token: string, user: string) {
  const messages: URLSearchParams[] = [];
  const api: VendorApi = (request) => {
    const refuse = (field: string, error: string) =>
      jsonAnswer(400, { [field]: 'invalid', errors: [error], status: 0, request: 'req-1' });
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
    return jsonAnswer(200, {
      status: 1,
      request: `req-${messages.length}`,
      ...(priority === 2 ? { receipt: 'r1' } : {}),
    });
  };
  return { api, messages };
}
