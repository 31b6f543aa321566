import type { VendorApi } from '../receiver';
import { codePoints, isString, jsonAnswer, jsonBody } from './answers';

const PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5'];

/**
 * Opsgenie's Alert API: `GenieKey` auth, create (`POST /v2/alerts`) with its documented limits and
 * close (`POST /v2/alerts/{identifier}/close?identifierType=alias`). Both answer 202 "Request will
 * be processed"; a wrong key 401; a body it cannot take 422 with the errors. Keeps alerts by alias.
 */
export function opsgenieApi(apiKey: string) {
  const alerts = new Map<string, { status: 'open' | 'closed'; count: number; body: Record<string, unknown> }>();
  const accepted = () => jsonAnswer(202, { result: 'Request will be processed', took: 0.01, requestId: 'req-1' });
  const unprocessable = (errors: Record<string, string>) =>
    jsonAnswer(422, {
      message: 'Request body is not processable. Please check the errors.',
      errors,
      took: 0,
      requestId: 'req-1',
    });
  const api: VendorApi = (request) => {
    if (request.headers.authorization !== `GenieKey ${apiKey}`) {
      return jsonAnswer(401, { message: 'Could not authenticate', took: 0, requestId: 'req-1' });
    }
    const url = new URL(request.path, 'http://opsgenie.invalid');
    const body = jsonBody(request);
    if (request.method !== 'POST' || !body) return unprocessable({ body: 'must be a JSON object' });
    if (url.pathname === '/v2/alerts') {
      const errors: Record<string, string> = {};
      if (!isString(body.message) || body.message.trim() === '') errors.message = 'Message can not be empty.';
      else if (codePoints(body.message) > 130) errors.message = 'Message can not be longer than 130 characters.';
      if (body.alias !== undefined && (!isString(body.alias) || codePoints(body.alias) > 512))
        errors.alias = 'Alias is invalid.';
      if (body.description !== undefined && (!isString(body.description) || codePoints(body.description) > 15_000)) {
        errors.description = 'Description can not be longer than 15000 characters.';
      }
      const tags = body.tags;
      if (
        tags !== undefined &&
        (!Array.isArray(tags) || tags.length > 20 || tags.some((t) => !isString(t) || codePoints(t) > 50))
      ) {
        errors.tags = 'Tags are invalid.';
      }
      if (body.entity !== undefined && (!isString(body.entity) || codePoints(body.entity) > 512))
        errors.entity = 'Entity is invalid.';
      if (body.source !== undefined && (!isString(body.source) || codePoints(body.source) > 100))
        errors.source = 'Source is invalid.';
      if (body.priority !== undefined && !PRIORITIES.includes(body.priority as string))
        errors.priority = 'Priority is invalid.';
      const details = body.details as Record<string, unknown> | undefined;
      if (details !== undefined && (typeof details !== 'object' || Object.values(details).some((v) => !isString(v)))) {
        errors.details = 'Details must be a map of strings.';
      } else if (details && JSON.stringify(details).length > 8000) errors.details = 'Details exceed 8000 characters.';
      if (Object.keys(errors).length) return unprocessable(errors);
      const alias = isString(body.alias) ? body.alias : String(body.message);
      const open = alerts.get(alias);
      // One open alert per alias: a second create only counts up (Opsgenie's de-duplication).
      if (open?.status === 'open') open.count += 1;
      else alerts.set(alias, { status: 'open', count: 1, body });
      return accepted();
    }
    const close = /^\/v2\/alerts\/([^/]+)\/close$/.exec(url.pathname);
    if (close) {
      if (url.searchParams.get('identifierType') !== 'alias')
        return unprocessable({ identifierType: 'expected alias here' });
      if (body.note !== undefined && (!isString(body.note) || codePoints(body.note) > 25_000))
        return unprocessable({ note: 'Note is invalid.' });
      const alert = alerts.get(decodeURIComponent(close[1]!));
      if (alert) alert.status = 'closed';
      return accepted(); // asynchronous: accepted even when no such alert is open
    }
    return jsonAnswer(404, { message: 'Not Found', took: 0, requestId: 'req-1' });
  };
  return { api, alerts };
}
