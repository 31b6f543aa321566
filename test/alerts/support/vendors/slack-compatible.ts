import type { VendorApi } from '../receiver';
import { isString, jsonAnswer, jsonBody } from './answers';

/**
 * A Slack-compatible incoming webhook as Mattermost and Rocket.Chat implement it: Slack's payload
 * shape (`text` and/or `attachments` with `fields` of `{title, value, short}`). Mattermost answers
 * `ok` as text, Rocket.Chat `{"success":true}`; a payload with nothing to show is refused.
 */
export function slackCompatibleApi(server: 'mattermost' | 'rocketchat') {
  const posts: Record<string, unknown>[] = [];
  const api: VendorApi = (request) => {
    const refuse = (message: string) =>
      server === 'mattermost'
        ? jsonAnswer(400, { id: 'web.incoming_webhook.text.app_error', message, status_code: 400 })
        : jsonAnswer(400, { success: false, error: message });
    const payload = jsonBody(request);
    if (!payload) return refuse('Unable to parse the payload');
    const attachments = payload.attachments;
    if (attachments !== undefined) {
      if (!Array.isArray(attachments)) return refuse('attachments must be an array');
      for (const attachment of attachments as Record<string, unknown>[]) {
        const fields = attachment.fields;
        if (
          fields !== undefined &&
          (!Array.isArray(fields) ||
            fields.some((f) => !isString(f?.title) || !isString(f?.value) || typeof f?.short !== 'boolean'))
        ) {
          return refuse('Invalid attachment fields');
        }
        if (attachment.color !== undefined && !/^#[0-9a-fA-F]{6}$/.test(String(attachment.color)))
          return refuse('Invalid color');
      }
    }
    if (!(isString(payload.text) && payload.text !== '') && !(Array.isArray(attachments) && attachments.length)) {
      return refuse('No text specified');
    }
    posts.push(payload);
    return server === 'mattermost'
      ? { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' }
      : jsonAnswer(200, { success: true });
  };
  return { api, posts };
}
