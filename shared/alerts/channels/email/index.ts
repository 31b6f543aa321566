// zod's mini API: the notifier loads every channel's schema at cold start (shared/config.ts says why).
import * as z from 'zod/mini';
import type { ChannelKind } from '../../channel';
import { TransportError } from '../../../app/alert-ports';

const settingsSchema = z.strictObject({
  addresses: z.pipe(
    z
      .array(z.pipe(z.string().check(z.trim(), z.toLowerCase()), z.email('must be an e-mail address')))
      .check(z.minLength(1, 'must name at least one address'), z.maxLength(10, 'must name at most 10 addresses')),
    z.transform((addresses: string[]) => [...new Set(addresses)]),
  ),
});
export type EmailSettings = z.infer<typeof settingsSchema>;

/** E-mail with a text and an HTML part, through the injected Mailer (SES, SMTP or the local outbox). */
export const emailChannel: ChannelKind<EmailSettings> = {
  kind: 'email',
  form: {
    label: 'E-mail',
    fields: [
      {
        name: 'addresses',
        label: 'Addresses',
        hint: 'One or more, separated by commas.',
        type: 'list',
        required: true,
      },
    ],
  },
  settingsSchema,
  secretSettings: [],
  async send(alert, settings, transports) {
    if (!transports.mailer) {
      throw new TransportError('e-mail is not configured here (set ALERT_EMAIL_FROM to a verified SES sender)', true);
    }
    const id = await transports.mailer.send({
      to: settings.addresses,
      subject: alert.subject,
      text: alert.text,
      html: alert.html,
    });
    return `sent to ${settings.addresses.length} address${settings.addresses.length === 1 ? '' : 'es'} (${id})`;
  },
};
