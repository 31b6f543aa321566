import type { RenderedAlert } from '../../render';

/**
 * The JSON every machine receiver gets (webhooks, users' SNS topics): the alerts topic's message
 * (`event`, `notice`, `job`, `dashboardUrl`) plus the readable subject and text, the end of the
 * last output, and `test` for test messages. One parser serves the alerts topic and webhooks.
 */
export function alertPayload(alert: RenderedAlert) {
  return {
    ...alert.message,
    subject: alert.subject,
    text: alert.text,
    lastOutput: alert.output ?? null,
    test: alert.test,
  };
}
