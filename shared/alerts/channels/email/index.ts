import * as z from 'zod';
import type { ChannelKind } from '../../channel';
import { TransportError } from '../../../app/alert-ports';

const settingsSchema = z
  .object({
    addresses: z
      .array(z.string().trim().toLowerCase().pipe(z.email('must be an e-mail address')))
      .min(1, 'must name at least one address')
      .max(10, 'must name at most 10 addresses')
      .transform((addresses) => [...new Set(addresses)]),
  })
  .strict();
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
