import { TransportError } from '../app/alert-ports';

/** AWS error names that mean "slow down" or "try later", whatever their fault field says. */
const TRANSIENT_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'Throttled',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestTimeout',
  'RequestTimeoutException',
  'ServiceUnavailable',
  'InternalError',
  'InternalFailure',
  'KMSThrottlingException',
]);

/**
 * What users are told, by AWS error name. AWS's own messages name the role's ARN, the account id
 * and the resource ("User: arn:aws:sts::111122223333:assumed-role/… is not authorized to perform
 * SNS:Publish on resource …"); those belong in the function's log, never in a tenant's channel.
 */
const CODE_BY_NAME: Readonly<Record<string, string>> = {
  AuthorizationError: 'not_authorized',
  AuthorizationErrorException: 'not_authorized',
  AccessDenied: 'not_authorized',
  AccessDeniedException: 'not_authorized',
  KMSAccessDeniedException: 'not_authorized',
  InvalidClientTokenId: 'not_authorized',
  UnrecognizedClientException: 'not_authorized',
  NotFound: 'not_found',
  NotFoundException: 'not_found',
  ResourceNotFoundException: 'not_found',
  InvalidParameter: 'invalid_request',
  InvalidParameterException: 'invalid_request',
  InvalidParameterValue: 'invalid_request',
  ValidationError: 'invalid_request',
  MessageRejected: 'rejected',
  MailFromDomainNotVerifiedException: 'rejected',
  EndpointDisabled: 'disabled',
  EndpointDisabledException: 'disabled',
  KMSDisabledException: 'disabled',
};

/**
 * Translates an AWS SDK error into the channels' TransportError at the adapter: a client fault
 * (unknown topic, missing permission, rejected message) is permanent, anything else (throttling,
 * server faults, network) may pass on a later try. The message is `SNS: not_authorized` and the
 * like; the SDK error stays the `cause`, for the logs.
 */
export function awsTransportError(error: unknown, what: string): TransportError {
  const details = error as { name?: string; $fault?: string; $metadata?: { httpStatusCode?: number } };
  const name = details?.name ?? 'Error';
  const status = details?.$metadata?.httpStatusCode;
  const transient = TRANSIENT_NAMES.has(name) || details?.$fault !== 'client' || status === 429 || (status ?? 0) >= 500;
  const code =
    CODE_BY_NAME[name] ??
    (transient ? (status === 429 || /throttl/i.test(name) ? 'throttled' : 'unavailable') : 'rejected');
  return new TransportError(`${what}: ${code}`, !transient, { cause: error });
}
