import type { VendorApi } from './receiver';
/**
 * What Slack, Discord and any JSON receiver refuse, as documented by them (Slack: Block Kit
 * reference and chat.postMessage `text`; Discord: "Embed limits"). A check returns the problem, or
 * undefined when the body would be accepted. Lengths are counted in UTF-16 units, the stricter way.
 */
export type PayloadCheck = (body: string) => string | undefined;

function parseJson(body: string): Record<string, unknown> | string {
  if (/\p{Cs}/u.test(body)) return 'body is not valid UTF-8';
  try {
    const parsed = JSON.parse(body) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : 'not an object';
  } catch {
    return 'invalid JSON';
  }
}

const within = (text: unknown, min: number, max: number) =>
  typeof text === 'string' && text.length >= min && text.length <= max;

interface SlackText {
  type?: string;
  text?: string;
}
interface SlackBlock {
  type: string;
  text?: SlackText;
  fields?: SlackText[];
  elements?: { text?: SlackText; url?: string }[];
}

export const checkSlackPayload: PayloadCheck = (body) => {
  const message = parseJson(body);
  if (typeof message === 'string') return message;
  if (!within(message.text, 1, 40_000)) return 'text: 1 to 40,000 characters';
  const blocks = (message.blocks ?? []) as SlackBlock[];
  if (blocks.length > 50) return 'blocks: at most 50';
  for (const [index, block] of blocks.entries()) {
    const where = `blocks[${index}]`;
    if (block.type === 'header' && !within(block.text?.text, 1, 150)) return `${where}: header text 1 to 150`;
    if (block.type === 'section') {
      if (!block.text && !block.fields) return `${where}: section needs text or fields`;
      if (block.text && !within(block.text.text, 1, 3_000)) return `${where}: section text 1 to 3000`;
      if ((block.fields ?? []).length > 10) return `${where}: at most 10 fields`;
      if ((block.fields ?? []).some((field) => !within(field.text, 1, 2_000))) return `${where}: field text 1 to 2000`;
    }
    for (const element of block.elements ?? []) {
      if (!within(element.text?.text, 1, 75) || (element.url !== undefined && !within(element.url, 1, 3_000))) {
        return `${where}: button text 1 to 75, url up to 3000`;
      }
    }
  }
  return undefined;
};

interface DiscordEmbed {
  title?: string;
  description?: string;
  fields?: { name: string; value: string }[];
  footer?: { text: string };
}

export const checkDiscordPayload: PayloadCheck = (body) => {
  const message = parseJson(body);
  if (typeof message === 'string') return message;
  const embeds = (message.embeds ?? []) as DiscordEmbed[];
  if (!message.content && embeds.length === 0) return 'Cannot send an empty message';
  if (embeds.length > 10) return 'embeds: at most 10';
  let total = 0;
  for (const embed of embeds) {
    if (embed.title !== undefined && !within(embed.title, 1, 256)) return 'embeds.title: 1 to 256';
    if (embed.description !== undefined && !within(embed.description, 1, 4_096)) return 'embeds.description: 1 to 4096';
    if ((embed.fields ?? []).length > 25) return 'embeds.fields: at most 25';
    for (const field of embed.fields ?? []) {
      if (!within(field.name, 1, 256) || !within(field.value, 1, 1_024))
        return 'embeds.fields: name 1-256, value 1-1024';
      total += field.name.length + field.value.length;
    }
    if (embed.footer && !within(embed.footer.text, 1, 2_048)) return 'embeds.footer.text: 1 to 2048';
    total += (embed.title ?? '').length + (embed.description ?? '').length + (embed.footer?.text ?? '').length;
  }
  return total > 6_000 ? 'embeds: more than 6000 characters in all' : undefined;
};

export const checkWebhookPayload: PayloadCheck = (body) => {
  const message = parseJson(body);
  if (typeof message === 'string') return message;
  return message.event && message.notice && message.job ? undefined : 'event, notice and job are required';
};

/** A receiver's judgement (for startReceiver): 400 with the problem, or 200. */
export function strictVendor(check: PayloadCheck): VendorApi {
  return (request) => {
    const problem = check(request.body);
    return problem ? { status: 400, body: problem } : { status: 200, body: 'ok' };
  };
}

/** Headers a message written by nodemailer for an alert may carry; anything else was injected. */
const MAIL_HEADERS = new Set([
  'content-type',
  'from',
  'to',
  'subject',
  'message-id',
  'date',
  'mime-version',
  'content-transfer-encoding',
]);

/**
 * What an SMTP server accepts without SMTPUTF8 (RFC 5322/2047): 7-bit headers, lines of at most
 * 998 characters, one Subject, and only the headers we write (a CR/LF in a name must not add any).
 */
export function checkMailMessage(raw: string): string | undefined {
  const headerBlock = raw.split(/\r?\n\r?\n/)[0] ?? '';
  if (!/^[\t\n\r\x20-\x7e]*$/.test(headerBlock)) return 'headers must be 7-bit ASCII (use encoded words)';
  if (raw.split(/\r?\n/).some((line) => line.length > 998)) return 'a line is longer than 998 characters';
  const names = headerBlock
    .split(/\r?\n/)
    .filter((line) => !/^[ \t]/.test(line))
    .map((line) => line.slice(0, line.indexOf(':')).toLowerCase());
  const unknown = names.find((name) => !MAIL_HEADERS.has(name));
  if (unknown !== undefined) return `unexpected header ${unknown}`;
  return names.filter((name) => name === 'subject').length === 1 ? undefined : 'exactly one Subject header';
}
