/**
 * Issue 14 §4: many jobs missing at once are flipped by one sweep and published in batches
 * (PublishBatch, 10 a request, through a fake that refuses what SNS refuses), for real against
 * each store. Every job still gets exactly one flip and its alert reaches the topic exactly once,
 * also when SNS fails some entries of a batch or two checkers race over the same jobs.
 */
import {
  PublishBatchCommand,
  PublishCommand,
  SNSClient,
  type PublishBatchCommandInput,
  type PublishCommandInput,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SnsAlertBus } from '../../shared/adapters/sns-alert-bus';
import type { AlertMessage } from '../../shared/app/alert-bus';
import { Checker } from '../../shared/app/checker';
import { parseJobCreate } from '../../shared/app/job-input';
import { readSettings } from '../../shared/config';
import { MINUTE, SECOND } from '../../shared/domain/durations';
import { createServices } from '../../shared/wiring/services';
import { checkSnsPublish, checkSnsPublishBatch } from '../support/aws-strict';
import { silentLogger, successPing } from '../support/services';
import { STORES, freshTable, type StoreName } from '../support/stores';

const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);
const DEADLINE = T0 + 2 * MINUTE; // every 1m, grace 1 min, pinged at T0
const JOBS = 25;
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:cronsentry-alerts';
const sns = mockClient(SNSClient);
/** Jobs are made one by one over real stores: on a loaded 2-core machine that alone can take 30 s. */
const SLOW = 120_000;

/** Notice ids SNS took, in order, and the jobs whose entries it fails (as a server fault, worth a retry). */
let taken: string[];
let failing: Set<string>;
/** The job names the batched messages carried (read from the profiles, 100 a BatchGetItem). */
let names: string[];
const noticeIdOf = (input: PublishCommandInput) => (JSON.parse(input.Message!) as AlertMessage).notice.id;
const jobIdOf = (input: PublishCommandInput) => (JSON.parse(input.Message!) as AlertMessage).job.id;

beforeEach(() => {
  sns.reset();
  taken = [];
  names = [];
  failing = new Set();
  sns.on(PublishCommand).callsFake((input: PublishCommandInput) => {
    checkSnsPublish(input);
    if (failing.has(jobIdOf(input))) {
      throw Object.assign(new Error('internal'), { name: 'InternalError', $fault: 'server', $metadata: {} });
    }
    taken.push(noticeIdOf(input));
    return { MessageId: `m-${taken.length}` };
  });
  sns.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => {
    const { output, accepted } = checkSnsPublishBatch(input, (entry) =>
      failing.has(jobIdOf(entry)) ? { Code: 'InternalError', SenderFault: false } : undefined,
    );
    taken.push(...accepted.map(noticeIdOf));
    names.push(...accepted.map((entry) => (JSON.parse(entry.Message!) as AlertMessage).job.name));
    return output;
  });
});

let closeStore: (() => void) | undefined;
afterEach(() => closeStore?.());

/** One store write of a sweep, in the order the store received them. */
interface Write {
  readonly kind: 'flip' | 'tidy-up';
  readonly jobId: string;
}

/** Real services over a fresh table, the alerts topic behind the strict fake, and `jobs` minutely jobs pinged at T0. */
async function outage(store: StoreName, jobs = JOBS) {
  const table = await freshTable(store);
  // Every flip (a state written missing) and every tidy-up (a flip's history record, a notice
  // taken out of the outbox) in the order they reach the store; `failHistoryOf` fails a job's
  // first history record, as a crash after its publish would leave it.
  const writes: Write[] = [];
  const failHistoryOf = new Set<string>();
  const reads = { maintenance: 0 };
  table.documents.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as {
        Item?: Record<string, unknown>;
        Key?: Record<string, unknown>;
        UpdateExpression?: string;
      };
      const values = (args.input as { ExpressionAttributeValues?: Record<string, unknown> }).ExpressionAttributeValues;
      if (values?.[':prefix'] === 'MAINTENANCE#') reads.maintenance += 1;
      const jobId = String(input.Item?.pk ?? input.Key?.pk ?? '').replace(/^JOB#/, '');
      if (input.Item?.sk === 'STATE' && input.Item.status === 'missing') writes.push({ kind: 'flip', jobId });
      if (String(input.Item?.sk ?? '').startsWith('FLIP#')) {
        if (failHistoryOf.delete(jobId)) throw new Error('the process died before the flip was recorded');
        writes.push({ kind: 'tidy-up', jobId });
      }
      if (input.UpdateExpression?.startsWith('REMOVE #pending.#notice')) writes.push({ kind: 'tidy-up', jobId });
      return next(args);
    },
    { step: 'initialize', name: 'recordSweepWrites' },
  );
  closeStore = () => table.client.destroy();
  const services = createServices({
    documents: table.documents,
    settings: readSettings({ TABLE_NAME: table.tableName, CRONSENTRY_MIN_SECONDS: '60' }),
    bus: new SnsAlertBus(new SNSClient({ region: 'eu-west-1' }), TOPIC),
    logger: silentLogger,
    publicUrl: 'https://cronsentry.example',
  });
  const principal = { projectId: 'outage', keyId: 'key', role: 'read-write' as const };
  await services.access.ensureProject(principal.projectId, 'Outage', T0);
  const ids: string[] = [];
  for (let i = 0; i < jobs; i += 1) {
    const { state } = await services.jobs.create(
      principal,
      parseJobCreate({ name: `job ${i}`, schedule: 'every 1m', grace_time: 1 }),
      T0,
    );
    await services.pings.record(successPing(state.id), T0);
    ids.push(state.id);
  }
  const missingFlips = async (id: string) =>
    (await services.history.listFlips(id, 10)).items.filter((flip) => flip.to === 'missing');
  return { services, ids, missingFlips, writes, failHistoryOf, reads };
}

describe.each(STORES)('a mass outage on %s', (store) => {
  it(
    'flips every job once in one sweep and publishes in batches; entries SNS failed stay and go out next sweep, once',
    async () => {
      const { services, ids, missingFlips } = await outage(store);
      failing = new Set(ids.slice(0, 3));

      const first = await services.checker.sweep(DEADLINE);
      expect(first.flipped).toBe(JOBS);
      expect(sns.commandCalls(PublishBatchCommand).length).toBeGreaterThanOrEqual(Math.ceil(JOBS / 10));
      expect(new Set(taken).size).toBe(JOBS - 3);
      expect(new Set(names).size).toBe(JOBS - 3);
      for (const name of names) expect(name).toMatch(/^job \d+$/);
      for (const id of ids) {
        const state = await services.jobRepository.getState(id);
        expect(state?.status).toBe('missing');
        // The failed entries' notices stay in the outbox, their failure counted, their lease released.
        if (failing.has(id))
          expect(state?.pending).toEqual([expect.objectContaining({ to: 'missing', publishFailures: 1 })]);
        else expect(state?.pending).toEqual([]);
        expect(state?.publishLeaseUntil).toBeUndefined();
      }

      failing = new Set();
      const second = await services.checker.sweep(DEADLINE + 10 * SECOND);
      expect(second).toMatchObject({ flipped: 0, republished: 3 });
      expect(taken.sort()).toEqual([...new Set(taken)].sort());
      expect(taken).toHaveLength(JOBS);
      for (const id of ids) {
        expect((await services.jobRepository.getState(id))?.pending).toEqual([]);
        expect(await missingFlips(id)).toHaveLength(1);
      }
    },
    SLOW,
  );

  it(
    'two checkers racing over the same due jobs: one flip and one alert per job',
    async () => {
      const { services, ids, missingFlips } = await outage(store);
      const second = new Checker(services.jobRepository, services.outbox, silentLogger);

      const reports = await Promise.all([services.checker.sweep(DEADLINE), second.sweep(DEADLINE)]);
      expect(reports[0].flipped + reports[1].flipped).toBe(JOBS);
      expect(taken.sort()).toEqual([...new Set(taken)].sort());
      expect(taken).toHaveLength(JOBS);
      for (const id of ids) {
        expect(await missingFlips(id)).toHaveLength(1);
        expect((await services.jobRepository.getState(id))?.pending).toEqual([]);
      }
    },
    SLOW,
  );

  it(
    'a sweep flips every job before it tidies up after any publish; a flip whose record was lost is republished and recorded once',
    async () => {
      // More than the 100 a sweep publishes together, so alerts go out while it is still flipping.
      const jobs = 130;
      const { services, ids, missingFlips, writes, failHistoryOf, reads } = await outage(store, jobs);
      const lost = ids[7]!;
      failHistoryOf.add(lost);
      await services.jobRepository.recount('outage', T0);
      writes.length = 0; // the jobs' creation, first pings and the recount had their own
      reads.maintenance = 0;

      const first = await services.checker.sweep(DEADLINE);
      expect(first.flipped).toBe(jobs);
      expect(new Set(taken).size).toBe(jobs);
      const lastFlip = writes.findLastIndex((write) => write.kind === 'flip');
      const firstTidyUp = writes.findIndex((write) => write.kind === 'tidy-up');
      expect(writes.filter((write) => write.kind === 'flip')).toHaveLength(jobs);
      expect(firstTidyUp).toBeGreaterThan(lastFlip);
      // Every flip asks for the project's maintenance windows; the jobs asking at once share one read.
      expect(reads.maintenance).toBe(1);
      expect((await services.jobRepository.counts('outage'))?.statuses).toMatchObject({ missing: jobs, healthy: 0 });
      // The job whose history record failed keeps its notice (its alert already went out) and no record.
      expect((await services.jobRepository.getState(lost))?.pending).toEqual([
        expect.objectContaining({ to: 'missing' }),
      ]);
      expect(await missingFlips(lost)).toHaveLength(0);

      const second = await services.checker.sweep(DEADLINE + 10 * SECOND);
      expect(second).toMatchObject({ flipped: 0, republished: 1 });
      // At least once on the bus (the notifier's per-channel claim makes it once per channel), and recorded once.
      expect(taken.filter((id) => id.startsWith(`${lost}:`))).toHaveLength(2);
      expect(taken).toHaveLength(jobs + 1);
      for (const id of ids) {
        expect(await missingFlips(id)).toHaveLength(1);
        expect((await services.jobRepository.getState(id))?.pending).toEqual([]);
      }
    },
    SLOW,
  );
});
