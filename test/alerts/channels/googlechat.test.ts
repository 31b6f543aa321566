import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { googleChatChannel } from '../../../shared/alerts/channels/googlechat';
import { renderAlert } from '../../../shared/alerts/render';
import { alertMessage, transports } from '../support/fixtures';
import { httpKindContract } from '../support/http-kind-contract';
import { recoveryMessage } from '../support/recovery';
import { startReceiver, type Receiver } from '../support/receiver';
import { googleChatApi } from '../support/vendors/googlechat';

httpKindContract('googlechat', (url) => ({ url }), {
  path: '/hook?messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD',
  vendor: googleChatApi,
});

interface Widget {
  textParagraph?: { text: string };
  decoratedText?: { topLabel: string; text: string };
  buttonList?: { buttons: { text: string; onClick: { openLink: { url: string } } }[] };
}
interface ChatMessage {
  text?: string;
  fallbackText: string;
  thread: { threadKey: string };
  cardsV2: { cardId: string; card: { header: { title: string }; sections: { widgets: Widget[] }[] } }[];
}

describe('google chat channel', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver(undefined, googleChatApi);
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('posts a card in the job’s thread, keeping the webhook’s key and token, with every text HTML-escaped', async () => {
    const url = `${receiver.url}/v1/spaces/AAA/messages?key=k&token=t`;
    const alert = renderAlert(alertMessage({}, { name: '<users/all> <b>x</b> & co' }), { lastOutput: 'a < b' });
    expect(await googleChatChannel.send(alert, { url }, transports())).toBe('HTTP 200');
    const request = receiver.requests[0]!;
    const query = new URL(request.path, 'http://x').searchParams;
    expect(Object.fromEntries(query)).toEqual({
      key: 'k',
      token: 't',
      messageReplyOption: 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD',
    });
    const message = receiver.json<ChatMessage>(0);
    // No `text`: Chat would read <users/all> in it as a mention of everyone.
    expect(message.text).toBeUndefined();
    expect(message.fallbackText).toBe('MISSING | <users/all> <b>x</b> & co');
    expect(message.thread).toEqual({ threadKey: 'job-1' });
    const widgets = message.cardsV2[0]!.card.sections[0]!.widgets;
    expect(widgets[0]!.textParagraph!.text).toContain('&lt;users/all&gt; &lt;b&gt;x&lt;/b&gt; &amp; co is missing.');
    expect(widgets.some((w) => w.decoratedText?.text === 'a &lt; b')).toBe(true);
    expect(widgets.at(-1)!.buttonList!.buttons[0]!.onClick.openLink.url).toBe(
      'https://cronsentry.example.com/#/jobs/job-1',
    );
  });

  it('answers a recovery in the same thread as the alert', async () => {
    const up = recoveryMessage();
    await googleChatChannel.send(renderAlert(alertMessage()), { url: receiver.url }, transports());
    await googleChatChannel.send(renderAlert(up), { url: receiver.url }, transports());
    expect(receiver.json<ChatMessage>(1).thread).toEqual(receiver.json<ChatMessage>(0).thread);
  });
});
