import { SESClient } from '@aws-sdk/client-ses';
import { SNSClient } from '@aws-sdk/client-sns';
import type { AlertTransports } from '../alerts/channel';
import type { Settings } from '../config';
import { SesMailer } from '../adapters/ses-mailer';
import { SnsTopicPublisher } from '../adapters/sns-topic-publisher';

/**
 * How alerts leave on AWS: e-mail through SES from the verified sender (none without one), users'
 * topics through SNS in the topic's own region. HTTP channels use Node's fetch. `instrument` sees
 * every client made here (the tests' call recorder); by default it changes nothing.
 */
export function awsAlertTransports(
  settings: Settings,
  instrument: <C extends SESClient | SNSClient>(client: C) => C = (client) => client,
): Partial<AlertTransports> {
  return {
    ...(settings.ALERT_EMAIL_FROM
      ? { mailer: new SesMailer(instrument(new SESClient({})), settings.ALERT_EMAIL_FROM) }
      : {}),
    topics: new SnsTopicPublisher((region) => instrument(new SNSClient({ region }))),
  };
}
