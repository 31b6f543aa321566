import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { teamsChannel } from '../../../shared/alerts/channels/teams';
import { renderAlert } from '../../../shared/alerts/render';
import { T0, alertMessage, transports } from '../support/fixtures';
import { httpKindContract } from '../support/http-kind-contract';
import { recoveryMessage } from '../support/recovery';
import { startReceiver, type Receiver } from '../support/receiver';
import { teamsWorkflowApi } from '../support/vendors/teams';

httpKindContract('teams', (url) => ({ url }), { vendor: teamsWorkflowApi });

interface Run {
  type: string;
  text: string;
  weight?: string;
  color?: string;
  fontType?: string;
}
interface Card {
  type: string;
  version: string;
  body: { type: string; inlines: Run[] }[];
  actions?: { type: string; title: string; url: string }[];
}

describe('teams channel', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver(undefined, teamsWorkflowApi);
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('posts the Workflows envelope with an Adaptive Card whose texts are never read as Markdown', async () => {
    const url = `${receiver.url}/workflows/abc/triggers/manual/paths/invoke?sig=secret`;
    const name = '**Backup** [click](https://evil.example) {{DATE(2024-01-01T00:00:00Z)}}';
    const alert = renderAlert(alertMessage({}, { name }), { lastOutput: '# not a heading' });
    expect(await teamsChannel.send(alert, { url }, transports())).toBe('HTTP 202');
    const message = receiver.json<{ type: string; attachments: { contentType: string; content: Card }[] }>(0);
    expect(message.type).toBe('message');
    expect(message.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = message.attachments[0]!.content;
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    const runs = card.body.flatMap((block) => block.inlines);
    // Every text is a TextRun (plain text in Adaptive Cards), so the job name is shown as written.
    expect(card.body.every((block) => block.type === 'RichTextBlock')).toBe(true);
    expect(runs[0]).toMatchObject({ text: `MISSING | ${name}`, weight: 'Bolder', color: 'Attention' });
    expect(runs.some((run) => run.text === '# not a heading' && run.fontType === 'Monospace')).toBe(true);
    expect(card.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Open in CronSentry', url: 'https://cronsentry.example.com/#/jobs/job-1' },
    ]);
  });

  it('colours a recovery green', async () => {
    const up = recoveryMessage();
    await teamsChannel.send(renderAlert(up, { downSince: T0 }), { url: receiver.url }, transports());
    const card = receiver.json<{ attachments: { content: Card }[] }>(0).attachments[0]!.content;
    expect(card.body[0]!.inlines[0]).toMatchObject({ text: 'RECOVERED | Database Backup', color: 'Good' });
  });
});
