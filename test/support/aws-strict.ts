import {
  PublishBatchCommand,
  PublishCommand,
  SNSClient,
  type PublishBatchCommandInput,
  type PublishBatchCommandOutput,
  type PublishCommandInput,
} from '@aws-sdk/client-sns';
import { SESClient, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * Fakes of SNS and SES that refuse what AWS refuses, so a test fails where AWS would. Each rule
 * cites where AWS states it. The SDK is mocked below its serializer, so the fakes also throw the
 * `URIError` the real SDK throws on text that is not Unicode (a lone surrogate), before any request.
 */

/** An AWS client fault as the SDK raises it (400, `$fault: client`). */
export function awsRefusal(name: string, message: string) {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL = /\p{Cc}/u;

function assertEncodable(value: unknown, path = 'input'): void {
  if (typeof value === 'string') {
    // The query protocol (SNS, SES v1) URI-encodes every value: encodeURIComponent throws on these.
    if (LONE_SURROGATE.test(value)) throw new URIError(`URI malformed (${path})`);
    return;
  }
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const [key, inner] of Object.entries(value)) assertEncodable(inner, `${path}.${key}`);
  }
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** SNS Publish: the rules of the API reference (Publish, MessageAttributeValue) and the SNS quotas. */
export function checkSnsPublish(input: PublishCommandInput): void {
  assertEncodable(input);
  const invalid = (message: string) => awsRefusal('InvalidParameterException', `Invalid parameter: ${message}`);
  if (!input.TopicArn && !input.TargetArn && !input.PhoneNumber)
    throw invalid('TopicArn or TargetArn Reason: no value');
  if (!input.Message) throw invalid('Message Reason: Empty message');
  if (input.Subject !== undefined) {
    // "Subjects must be ASCII text that begins with a letter, number, or punctuation mark; must
    // not include line breaks or control characters; and must be less than 100 characters long."
    if (input.Subject.length === 0 || input.Subject.length >= 100) throw invalid('Subject Reason: length');
    if (!/^[\x21-\x7e][\x20-\x7e]*$/.test(input.Subject)) throw invalid('Subject Reason: must be ASCII text');
  }
  let size = bytes(input.Message);
  const attributes = Object.entries(input.MessageAttributes ?? {});
  if (attributes.length > 10) throw invalid('MessageAttributes Reason: more than 10');
  for (const [name, value] of attributes) {
    const where = `MessageAttributes.${name}`;
    if (
      !/^[A-Za-z0-9_.-]{1,256}$/.test(name) ||
      /^(aws|amazon)\./i.test(name) ||
      name.startsWith('.') ||
      name.endsWith('.') ||
      name.includes('..')
    ) {
      throw invalid(`${where} Reason: invalid name`);
    }
    const type = value.DataType ?? '';
    size += bytes(name) + bytes(type);
    if (type === 'String' || type.startsWith('String.')) {
      if (!value.StringValue) throw invalid(`${where} Reason: String value must not be empty`);
      size += bytes(value.StringValue);
    }
    if (type === 'String.Array') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value.StringValue ?? '');
      } catch {
        parsed = undefined;
      }
      const scalar = (item: unknown) => item === null || ['string', 'number', 'boolean'].includes(typeof item);
      if (!Array.isArray(parsed) || !parsed.every(scalar)) {
        throw invalid(`${where} Reason: String.Array must be a JSON array of strings, numbers, booleans or nulls`);
      }
    } else if (type === 'Number') {
      if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.StringValue ?? ''))
        throw invalid(`${where} Reason: not a number`);
    } else if (type === 'Binary') {
      if (!value.BinaryValue) throw invalid(`${where} Reason: Binary value missing`);
      size += value.BinaryValue.length;
    } else if (type !== 'String' && !type.startsWith('String.')) {
      throw invalid(`${where} Reason: unknown DataType ${type}`);
    }
  }
  // "messages must be UTF-8 encoded strings and at most 256 KB in size (262,144 bytes)", attributes included.
  if (size > 262_144) throw invalid('Message too long');
}

/** An entry of a PublishBatch request as one Publish of it: what the per-entry rules apply to. */
export function entryAsPublish(
  input: PublishBatchCommandInput,
  entry: NonNullable<PublishBatchCommandInput['PublishBatchRequestEntries']>[number],
): PublishCommandInput {
  const { Id: _id, ...fields } = entry;
  return { TopicArn: input.TopicArn, ...fields };
}

/**
 * SNS PublishBatch (API reference, PublishBatch and its errors): a request of 1 to 10 entries with
 * distinct ids (alphanumerics, `-` and `_`, up to 80 characters) and at most 256 KB of messages in
 * all is answered entry by entry; each entry is held to Publish's rules and, when it breaks one, is
 * listed as `Failed` (a sender fault) while the others go out. `refuse` lets a test fail an entry
 * the way SNS may (its code and whose fault it was); the accepted entries are returned.
 */
export function checkSnsPublishBatch(
  input: PublishBatchCommandInput,
  refuse: (entry: PublishCommandInput) => { Code: string; SenderFault: boolean } | undefined = () => undefined,
): { output: Pick<PublishBatchCommandOutput, 'Successful' | 'Failed'>; accepted: PublishCommandInput[] } {
  assertEncodable(input);
  const entries = input.PublishBatchRequestEntries ?? [];
  if (!input.TopicArn) throw awsRefusal('InvalidParameterException', 'Invalid parameter: TopicArn');
  if (entries.length === 0)
    throw awsRefusal('EmptyBatchRequestException', 'The batch request does not contain any entries');
  if (entries.length > 10) throw awsRefusal('TooManyEntriesInBatchRequestException', 'more than 10 entries');
  const ids = entries.map((entry) => entry.Id ?? '');
  if (ids.some((id) => !/^[A-Za-z0-9_-]{1,80}$/.test(id))) throw awsRefusal('InvalidBatchEntryIdException', 'bad id');
  if (new Set(ids).size !== ids.length) throw awsRefusal('BatchEntryIdsNotDistinctException', 'ids not distinct');
  const total = entries.reduce((sum, entry) => {
    let size = bytes(entry.Message ?? '');
    for (const [name, value] of Object.entries(entry.MessageAttributes ?? {})) {
      size += bytes(name) + bytes(value.DataType ?? '') + bytes(value.StringValue ?? '');
    }
    return sum + size;
  }, 0);
  // "The total aggregate size of all messages in a single PublishBatch request can't exceed 262,144 bytes."
  if (total > 262_144) throw awsRefusal('BatchRequestTooLongException', 'The batch request is too long');
  const output: {
    Successful: { Id: string; MessageId: string }[];
    Failed: NonNullable<PublishBatchCommandOutput['Failed']>;
  } = { Successful: [], Failed: [] };
  const accepted: PublishCommandInput[] = [];
  for (const entry of entries) {
    const single = entryAsPublish(input, entry);
    let failure: { Code: string; SenderFault: boolean; Message?: string } | undefined = refuse(single);
    if (!failure) {
      try {
        checkSnsPublish(single);
      } catch (error) {
        failure = { Code: (error as Error).name, SenderFault: true, Message: (error as Error).message };
      }
    }
    if (failure) output.Failed.push({ Id: entry.Id, ...failure });
    else {
      accepted.push(single);
      output.Successful.push({ Id: entry.Id!, MessageId: `sns-batch-${entry.Id}` });
    }
  }
  return { output, accepted };
}

/** An address SES takes: 7-bit ASCII (no SMTPUTF8), `local@domain.tld`, optionally `Name <…>` with an ASCII name. */
function sesAddressProblem(address: string): string | undefined {
  if (!/^[\x20-\x7e]+$/.test(address)) return 'addresses must be 7-bit ASCII (Punycode the domain)';
  const bare = /<([^<>]+)>$/.exec(address)?.[1] ?? address;
  return /^[^\s@<>()",;:]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(bare) ? undefined : `invalid address ${address}`;
}

/** SES SendEmail: the rules of the API reference (SendEmail, Destination, Content) and the SES quotas. */
export function checkSesSendEmail(input: SendEmailCommandInput): void {
  assertEncodable(input);
  const invalid = (message: string) => awsRefusal('InvalidParameterValue', message);
  const source = sesAddressProblem(input.Source ?? '');
  if (source) throw invalid(`Source: ${source}`);
  const recipients = [
    ...(input.Destination?.ToAddresses ?? []),
    ...(input.Destination?.CcAddresses ?? []),
    ...(input.Destination?.BccAddresses ?? []),
  ];
  if (recipients.length === 0) throw invalid('Destination: at least one recipient');
  if (recipients.length > 50) throw invalid('Destination: at most 50 recipients');
  for (const address of recipients) {
    const problem = sesAddressProblem(address);
    if (problem) throw invalid(`Destination: ${problem}`);
  }
  const subject = input.Message?.Subject?.Data;
  if (!subject) throw invalid('Message.Subject: required');
  // A header is one line: a CR or LF would be header injection, which SES refuses.
  if (CONTROL.test(subject)) throw awsRefusal('MessageRejected', 'Subject: control characters in a header');
  const body = input.Message?.Body;
  if (!body?.Text?.Data && !body?.Html?.Data) throw invalid('Message.Body: text or HTML required');
  // "The maximum message size is 10 MB."
  if (bytes(subject) + bytes(body.Text?.Data ?? '') + bytes(body.Html?.Data ?? '') > 10 * 1024 * 1024) {
    throw awsRefusal('MessageRejected', 'Message too large');
  }
}

/**
 * Mocks every SNSClient and SESClient with the strict fakes; returns the mocks (to read calls) and
 * the inputs they accepted.
 */
export function strictAwsFakes() {
  const sns = mockClient(SNSClient);
  const ses = mockClient(SESClient);
  const published: PublishCommandInput[] = [];
  const mailed: SendEmailCommandInput[] = [];
  const install = () => {
    sns.reset();
    ses.reset();
    published.length = 0;
    mailed.length = 0;
    sns.on(PublishCommand).callsFake((input: PublishCommandInput) => {
      checkSnsPublish(input);
      published.push(input);
      return { MessageId: `sns-${published.length}` };
    });
    sns.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => {
      const { output, accepted } = checkSnsPublishBatch(input);
      published.push(...accepted);
      return output;
    });
    ses.on(SendEmailCommand).callsFake((input: SendEmailCommandInput) => {
      checkSesSendEmail(input);
      mailed.push(input);
      return { MessageId: `ses-${mailed.length}` };
    });
  };
  install();
  return { sns, ses, published, mailed, reset: install };
}
