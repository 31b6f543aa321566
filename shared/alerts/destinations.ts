import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where alert HTTP requests may go. A channel URL is chosen by whoever holds a read-write key, and
 * the notifier runs inside the operator's network (a Lambda next to its Runtime API on
 * 127.0.0.1:9001, a laptop next to its router), so only public unicast addresses are reachable
 * unless the operator says otherwise.
 */
export interface DestinationPolicy {
  /** RFC 1918, unique-local (fc00::/7) and carrier-grade NAT (100.64/10): the operator's own network. */
  readonly allowPrivate?: boolean;
  /** 127/8 and ::1: only for a sandbox started by the tests, whose receivers listen there. */
  readonly allowLoopback?: boolean;
  /** DNS; tests inject a fake one. Defaults to the system resolver (getaddrinfo). */
  readonly resolve?: Resolver;
}

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** What an address is, as far as alert delivery cares. */
export type AddressClass = 'public' | 'private' | 'loopback' | 'forbidden';

/** Addresses no setting opens: cloud metadata services that also live in "private" ranges. */
const ALWAYS_FORBIDDEN = [ipaddr.parseCIDR('fd00:ec2::254/128')];

/**
 * Classifies one IP address. Everything that is not plain unicast is forbidden: link-local
 * (169.254.169.254, the metadata service), 0.0.0.0/8, multicast, broadcast, documentation and
 * reserved ranges, and every IPv6 form that embeds or translates to an IPv4 address (NAT64, 6to4,
 * Teredo, the deprecated `::a.b.c.d`), whose IPv4 part would be reached without being checked.
 * IPv4-mapped addresses (`::ffff:127.0.0.1`) are judged as the IPv4 address they carry.
 */
export function classifyAddress(text: string): AddressClass {
  if (!ipaddr.isValid(text)) return 'forbidden';
  let address = ipaddr.parse(text);
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) address = v6.toIPv4Address();
    else if (ALWAYS_FORBIDDEN.some((range) => v6.match(range))) return 'forbidden';
  }
  const range = address.range();
  if (range === 'loopback') return 'loopback';
  if (range === 'private' || range === 'carrierGradeNat' || range === 'uniqueLocal') return 'private';
  if (range !== 'unicast') return 'forbidden';
  // ipaddr.js calls the deprecated IPv4-compatible form (`::7f00:1`) plain unicast.
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).parts.slice(0, 6).every((part) => part === 0)) {
    return 'forbidden';
  }
  return 'public';
}

export function isAllowedAddress(address: string, policy: DestinationPolicy): boolean {
  const kind = classifyAddress(address);
  return (
    kind === 'public' ||
    (kind === 'private' && policy.allowPrivate === true) ||
    (kind === 'loopback' && !!policy.allowLoopback)
  );
}

/** Why a destination cannot be used: each is also the code stored with a failed delivery. */
export type DestinationProblem = 'invalid_url' | 'credentials_in_url' | 'blocked_address' | 'dns_failed';

export class DestinationError extends Error {
  constructor(readonly code: DestinationProblem) {
    super(code);
    this.name = 'DestinationError';
  }
}

/**
 * Parses a channel URL and refuses what can never be delivered to: other schemes, and
 * `user:pass@` (credentials that would be stored and shown as part of the URL). The WHATWG parser
 * already turns `2130706433`, `0x7f.1`, `0177.0.0.1` and `127.1` into `127.0.0.1`.
 */
export function parseDestinationUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new DestinationError('invalid_url');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '') {
    throw new DestinationError('invalid_url');
  }
  if (url.username !== '' || url.password !== '') throw new DestinationError('credentials_in_url');
  return url;
}

/** The host of a parsed URL without IPv6 brackets. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/**
 * The one address a request to `url` may connect to: the literal itself, or the first address the
 * name resolves to. Every resolved address must be allowed, not only the first: a name that also
 * resolves to 127.0.0.1 is refused, whichever answer would have been used. The caller connects to
 * exactly this address, so a second, different DNS answer (rebinding) is never asked for.
 */
export async function resolveDestination(url: URL, policy: DestinationPolicy): Promise<ResolvedAddress> {
  const host = bareHost(url);
  const literal = isIP(host);
  if (literal) {
    if (!isAllowedAddress(host, policy)) throw new DestinationError('blocked_address');
    return { address: host, family: literal === 6 ? 6 : 4 };
  }
  let addresses: readonly ResolvedAddress[];
  try {
    addresses = await (policy.resolve ?? systemResolver)(host);
  } catch {
    throw new DestinationError('dns_failed');
  }
  if (addresses.length === 0) throw new DestinationError('dns_failed');
  if (!addresses.every((entry) => isAllowedAddress(entry.address, policy))) {
    throw new DestinationError('blocked_address');
  }
  return addresses[0]!;
}

/** How long a save waits for DNS before accepting the URL anyway (the send checks again). */
const SAVE_LOOKUP_TIMEOUT_MS = 2_000;

/**
 * The check when a channel is saved: the same rules as at send time, so a URL that can never be
 * delivered to is refused with a 400 at once. A name that does not resolve (yet) is accepted: DNS
 * may be set up later, and every send resolves and checks again (DNS can change).
 */
export async function checkDestinationOnSave(
  text: string,
  policy: DestinationPolicy,
): Promise<DestinationProblem | undefined> {
  let url: URL;
  try {
    url = parseDestinationUrl(text);
  } catch (error) {
    return (error as DestinationError).code;
  }
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), SAVE_LOOKUP_TIMEOUT_MS);
  });
  try {
    await Promise.race([resolveDestination(url, policy), gaveUp]);
    return undefined;
  } catch (error) {
    const code = (error as DestinationError).code;
    return code === 'dns_failed' ? undefined : code;
  } finally {
    clearTimeout(timer);
  }
}

/** What each refusal means, for the 400 a save answers. */
export const DESTINATION_MESSAGES: Record<DestinationProblem, string> = {
  invalid_url: 'must be an http:// or https:// URL',
  credentials_in_url: 'must not contain a user name or password (user:pass@); use the channel settings for secrets',
  blocked_address:
    'points at a loopback, link-local, private or reserved address; alerts go only to public addresses (see docs/security.md)',
  dns_failed: 'the host name does not resolve',
};
