import { describe, expect, it } from 'vitest';
import { MINUTE, SECOND } from '../../shared/domain/durations';
import { INTAKE_ALERT_SUBJECT } from '../../shared/app/intake-guard';
import { createServices } from '../../shared/wiring/services';
import { readSettings } from '../../shared/config';
import { RecordingBus, silentLogger, successPing } from '../support/services';
import { STORES, freshTable } from '../support/stores';
import { parseJobCreate } from '../../shared/app/job-input';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

/**
 * The outage guard over real storage: the canary's HTTP call is replaced by one that either
 * records the ping through the real ping service (the route is up) or fails (the route is down).
 */
async function setup(store: (typeof STORES)[number]) {
  const { documents, tableName } = await freshTable(store);
  const bus = new RecordingBus();
  const operator: string[] = [];
  let routeUp = true;
  let clock = NOW;
  const services = createServices({
    documents,
    settings: readSettings({ TABLE_NAME: tableName, CRONSENTRY_MIN_SECONDS: '60' }),
    bus,
    logger: silentLogger,
    canaryUrl: 'https://cronsentry.example',
    operator: { notify: async (subject) => void operator.push(subject) },
    canary: async (url) => {
      if (!routeUp) throw new Error('connect ECONNREFUSED');
      await services.pings.record(successPing(url.split('/').pop()!), clock);
      return 200;
    },
  });
  const project = await services.access.createProject('P', NOW);
  const principal = { projectId: project.id, keyId: 'k', role: 'read-write' as const };
  const job = async (name: string) =>
    (await services.jobs.create(principal, parseJobCreate({ name, schedule: 'every 5m', grace_time: 1 }), NOW)).state
      .id;
  const sweep = (at: number) => {
    clock = at;
    return services.checker.sweep(at);
  };
  return { services, bus, operator, job, sweep, setRoute: (up: boolean) => (routeUp = up) };
}

describe.each(STORES)('the outage guard on %s', (store) => {
  it('holds missing jobs as unknown while the canary is lost, alerts the operator once, and judges them again after', async () => {
    const { services, bus, operator, job, sweep, setRoute } = await setup(store);
    const pinged = await job('pings after the outage');
    const silent = await job('never pings again');
    for (const id of [pinged, silent]) await services.pings.record(successPing(id), NOW);
    const deadline = NOW + 6 * MINUTE; // every 5 min + 1 min grace

    await sweep(NOW + MINUTE); // the canary arrives: nothing held
    expect(operator).toEqual([]);
    setRoute(false);
    await sweep(deadline);
    for (const id of [pinged, silent]) expect((await services.jobRepository.getState(id))?.status).toBe('unknown');
    expect(bus.messages.filter((message) => message.job.projectId !== 'cronsentry-system')).toEqual([]);
    expect(operator).toEqual([INTAKE_ALERT_SUBJECT]);
    await sweep(deadline + MINUTE);
    await sweep(deadline + 2 * MINUTE);
    expect(operator).toEqual([INTAKE_ALERT_SUBJECT]);
    const flips = await services.history.listFlips(silent, 5);
    expect(flips.items[0]).toMatchObject({ to: 'unknown', heldBy: 'intake' });

    setRoute(true);
    await services.pings.record(successPing(pinged), deadline + 2 * MINUTE + SECOND);
    await sweep(deadline + 3 * MINUTE);
    expect(operator).toEqual([INTAKE_ALERT_SUBJECT, "CronSentry's own ping intake has recovered"]);
    expect((await services.jobRepository.getState(pinged))?.status).toBe('healthy');
    expect((await services.jobRepository.getState(silent))?.status).toBe('missing');
    const alerts = bus.messages.map((message) => [message.job.id, message.event, message.notice.from]);
    expect(alerts).toEqual([[silent, 'down', 'unknown']]);
  });
});
