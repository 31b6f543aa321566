import type { VendorApi } from '../receiver';
import { codePoints, isString, jsonAnswer, jsonBody } from './answers';

const SEVERITIES = ['critical', 'error', 'warning', 'info'];

/**
 * PagerDuty's Events API v2 (`POST /v2/enqueue`): the checks and answers it documents (202 with
 * the dedup key; 400 "Event object is invalid" with the errors). It keeps the alerts it holds, so a
 * test can see a trigger open one and a resolve close it.
 */
export function pagerDutyApi() {
  const alerts = new Map<string, 'triggered' | 'resolved'>();
  const api: VendorApi = (request) => {
    if (request.method !== 'POST' || request.path !== '/v2/enqueue') return jsonAnswer(404, { message: 'Not Found' });
    const event = jsonBody(request);
    if (!event)
      return jsonAnswer(400, { status: 'invalid event', message: 'Event object is invalid', errors: ['Invalid JSON'] });
    const errors: string[] = [];
    if (!isString(event.routing_key) || event.routing_key.length !== 32) {
      errors.push("Length of 'routing_key' is incorrect (should be 32 characters)");
    }
    const action = event.event_action;
    if (action !== 'trigger' && action !== 'acknowledge' && action !== 'resolve')
      errors.push("'event_action' is invalid");
    const dedupKey = event.dedup_key;
    if (dedupKey !== undefined && (!isString(dedupKey) || dedupKey.length > 255)) errors.push("'dedup_key' is invalid");
    if (action !== 'trigger' && !isString(dedupKey)) errors.push("'dedup_key' is required for acknowledge and resolve");
    if (action === 'trigger') {
      const payload = event.payload as Record<string, unknown> | undefined;
      if (!payload || typeof payload !== 'object') errors.push("'payload' is missing or invalid");
      else {
        if (!isString(payload.summary) || payload.summary === '' || codePoints(payload.summary) > 1024) {
          errors.push("'payload.summary' is missing or longer than 1024 characters");
        }
        if (!isString(payload.source) || payload.source === '') errors.push("'payload.source' is missing");
        if (!SEVERITIES.includes(payload.severity as string)) errors.push("'payload.severity' is invalid");
        if (payload.timestamp !== undefined && Number.isNaN(Date.parse(String(payload.timestamp)))) {
          errors.push("'payload.timestamp' is invalid");
        }
      }
      const links = event.links;
      if (links !== undefined && (!Array.isArray(links) || links.some((link) => !isString(link?.href)))) {
        errors.push("'links' is invalid");
      }
    }
    if (errors.length) return jsonAnswer(400, { status: 'invalid event', message: 'Event object is invalid', errors });
    const key = isString(dedupKey) ? dedupKey : `generated-${alerts.size + 1}`;
    if (action === 'trigger') alerts.set(key, 'triggered');
    if (action === 'resolve' && alerts.has(key)) alerts.set(key, 'resolved');
    return jsonAnswer(202, { status: 'success', message: 'Event processed', dedup_key: key });
  };
  return { api, alerts };
}
