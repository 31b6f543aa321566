import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../shared/app/backoff';

describe('backoffDelay (the one backoff of writes, batch reads and deliveries)', () => {
  it('waits the base after the first failure, doubles after each further one, and never more than the cap', () => {
    const policy = { baseMs: 50, maxMs: 1000 };
    expect([1, 2, 3, 4, 5, 6, 7].map((failures) => backoffDelay(policy, failures))).toEqual([
      50, 100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('with jitter waits a random share of that delay', () => {
    const policy = { baseMs: 10, maxMs: 160, jitter: true };
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(20);
    expect(backoffDelay(policy, 9, () => 0.25)).toBe(40);
    expect(backoffDelay(policy, 1, () => 0)).toBe(0);
  });
});
