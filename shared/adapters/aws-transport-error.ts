import { TransportError } from '../alerts/channel';

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
 * Translates an AWS SDK error into the channels' TransportError at the adapter: a client fault
 * (unknown topic, missing permission, rejected message) is permanent, anything else (throttling,
 * server faults, network) may pass on a later try.
 */
export function awsTransportError(error: unknown, what: string): TransportError {
  const details = error as {
    name?: string;
    message?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = details?.name ?? 'Error';
  const status = details?.$metadata?.httpStatusCode;
  const transient = TRANSIENT_NAMES.has(name) || details?.$fault !== 'client' || status === 429 || (status ?? 0) >= 500;
  return new TransportError(`${what}: ${name}${details?.message ? `: ${details.message}` : ''}`, !transient, {
    cause: error,
  });
}
