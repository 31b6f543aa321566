/** How long to wait between attempts: `baseMs` before the second, doubling, never over `maxMs`. */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
  /**
   * Wait a random time up to the delay instead ("full jitter"): writers that collided on one item
   * then do not collide again in lockstep.
   */
  readonly jitter?: boolean;
}

/** The wait after failed attempt number `failures` (1 after the first failure). */
export function backoffDelay(policy: BackoffPolicy, failures: number, random: () => number = Math.random): number {
  const delay = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failures - 1));
  return policy.jitter ? random() * delay : delay;
}
