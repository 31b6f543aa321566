import { describe, expect, it } from 'vitest';
import { Checker } from '../../shared/app/checker';
import { MINUTE } from '../../shared/domain/durations';
import { servicesFor, silentLogger, successPing } from '../support/services';
import { STORES, type StoreName } from '../support/stores';
import { parseJobCreate } from '../../shared/app/job-input';

const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);
const ROUNDS = 8;

/**
 * Two checkers and a ping racing on the same due job, for real, against each store. The
 * conditional write on the version is what must make exactly one of them win each decision.
 */
/** A fresh store with a minutely job that pinged at T0 (so it is due at T0 + 2 min), and a second checker. */
async function minutelyJobWithTwoCheckers(store: StoreName) {
  const context = await servicesFor(store);
  const { services, principal } = context;
  const { state } = await services.jobs.create(
    principal,
    parseJobCreate({ name: 'race', schedule: 'every 1m', grace_time: 1 }),
    T0,
  );
  await services.pings.record(successPing(state.id), T0);
  const second = new Checker(services.jobRepository, services.outbox, silentLogger);
  return { ...context, state, second };
}

describe.each(STORES)('races on %s', (store) => {
  it('two sweeps racing on a due job record exactly one missing flip', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const { services, bus, state, second } = await minutelyJobWithTwoCheckers(store);
      const deadline = T0 + 2 * MINUTE;
      const reports = await Promise.all([services.checker.sweep(deadline), second.sweep(deadline)]);

      expect(reports.reduce((sum, r) => sum + r.flipped, 0)).toBe(1);
      const flips = (await services.history.listFlips(state.id, 10)).items.filter((f) => f.to === 'missing');
      expect(flips).toHaveLength(1);
      expect(bus.messages.filter((m) => m.event === 'down')).toHaveLength(1);
    }
  });

  it('two sweeps and a ping racing leave one consistent story: at most one miss, always followed by its recovery', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const { services, bus, state, second } = await minutelyJobWithTwoCheckers(store);
      const ping = successPing(state.id);
      const deadline = T0 + 2 * MINUTE;
      await Promise.all([
        services.checker.sweep(deadline),
        second.sweep(deadline),
        services.pings.record(ping, deadline),
      ]);

      const flips = (await services.history.listFlips(state.id, 10)).items.reverse().map((f) => `${f.from}->${f.to}`);
      const final = await services.jobRepository.getState(state.id);
      expect(final?.status).toBe('healthy');
      expect(final?.pending).toEqual([]);
      // Either the ping came first (no miss at all) or a checker did (one miss, then one recovery).
      expect([['new->healthy'], ['new->healthy', 'healthy->missing', 'missing->healthy']]).toContainEqual(flips);
      const events = bus.messages.map((m) => m.event);
      expect(events).toEqual(flips.length === 1 ? [] : ['down', 'up']);
    }
  });
});
