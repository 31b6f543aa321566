import type { VendorApi } from '../receiver';
import { isString, jsonAnswer, jsonBody } from './answers';

const ELEMENTS = new Set(['TextBlock', 'RichTextBlock', 'FactSet', 'ColumnSet', 'Container', 'Image']);

/**
 * A Teams Workflows webhook ("When a Teams webhook request is received"): it takes the message
 * envelope with Adaptive Card attachments and answers 202; anything else 400, and over 28 KB 413.
 */
export const teamsWorkflowApi: VendorApi = (request) => {
  const refuse = (message: string) => jsonAnswer(400, { error: { code: 'InvalidRequestContent', message } });
  if (Buffer.byteLength(request.body) > 28 * 1024) return jsonAnswer(413, { error: { code: 'MessageTooLarge' } });
  const message = jsonBody(request);
  if (!message || message.type !== 'message') return refuse('the body must be a message');
  const attachments = message.attachments;
  if (!Array.isArray(attachments) || attachments.length === 0) return refuse('attachments are required');
  for (const attachment of attachments as Record<string, unknown>[]) {
    if (attachment.contentType !== 'application/vnd.microsoft.card.adaptive') return refuse('not an Adaptive Card');
    const card = attachment.content as Record<string, unknown> | undefined;
    if (card?.type !== 'AdaptiveCard' || !isString(card.version) || !Array.isArray(card.body))
      return refuse('invalid card');
    for (const element of card.body as Record<string, unknown>[]) {
      if (!ELEMENTS.has(element.type as string)) return refuse(`unknown element ${String(element.type)}`);
      if (element.type === 'RichTextBlock') {
        const inlines = element.inlines;
        if (!Array.isArray(inlines) || inlines.some((run) => run?.type !== 'TextRun' || !isString(run.text))) {
          return refuse('RichTextBlock inlines must be TextRuns');
        }
      }
    }
    const actions = card.actions;
    if (
      actions !== undefined &&
      (!Array.isArray(actions) || actions.some((a) => a?.type !== 'Action.OpenUrl' || !isString(a.url)))
    ) {
      return refuse('invalid actions');
    }
  }
  return { status: 202 };
};
