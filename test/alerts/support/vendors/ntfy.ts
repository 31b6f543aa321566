import type { VendorApi } from '../receiver';
import { isString, jsonAnswer, jsonBody } from './answers';

/**
 * An ntfy server's JSON publish (`POST` of `{topic, message, …}` to the root URL): 200 with the
 * message; its error JSON (`{code, http, error}`) for a bad topic, priority or tags, a message
 * over 4096 bytes, or a wrong or missing access token on a protected server.
 */
export function ntfyApi(options: { root?: string; token?: string } = {}) {
  const published: Record<string, unknown>[] = [];
  const error = (http: number, code: number, message: string) => jsonAnswer(http, { code, http, error: message });
  const api: VendorApi = (request) => {
    if (new URL(request.path, 'http://ntfy.invalid').pathname !== (options.root ?? '/')) {
      return error(404, 40401, 'page not found');
    }
    if (options.token) {
      const auth = request.headers.authorization;
      if (!auth) return error(403, 40301, 'forbidden');
      if (auth !== `Bearer ${options.token}`) return error(401, 40101, 'unauthorized');
    }
    const message = jsonBody(request);
    if (!message) return error(400, 40017, 'invalid request: request body must be message JSON');
    if (!isString(message.topic) || !/^[-_A-Za-z0-9]{1,64}$/.test(message.topic))
      return error(400, 40009, 'invalid topic');
    const priority = message.priority;
    if (
      priority !== undefined &&
      !(Number.isInteger(priority) && (priority as number) >= 1 && (priority as number) <= 5)
    ) {
      return error(400, 40007, 'invalid priority');
    }
    if (message.tags !== undefined && (!Array.isArray(message.tags) || message.tags.some((tag) => !isString(tag)))) {
      return error(400, 40017, 'invalid tags');
    }
    if (message.message !== undefined && (!isString(message.message) || Buffer.byteLength(message.message) > 4096)) {
      return error(413, 41301, 'message too large');
    }
    const actions = message.actions;
    if (
      actions !== undefined &&
      (!Array.isArray(actions) || actions.some((a) => a?.action !== 'view' || !isString(a.label) || !isString(a.url)))
    ) {
      return error(400, 40018, 'invalid action');
    }
    published.push(message);
    return jsonAnswer(200, { id: `m${published.length}`, time: 0, expires: 0, event: 'message', ...message });
  };
  return { api, published };
}
