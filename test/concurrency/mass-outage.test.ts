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
import { LEASE_MS } from '../../shared/app/outbox';
import { parseJobCreate } from '../../shared/app/job-input';
import { readSettings } from '../../shared/config';
import { MINUTE, SECOND } from '../../shared/domain/durations';
import { countsOf } from '../../shared/storage/job-counters';
import { allShards, keys, shardOf } from '../../shared/storage/keys';
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
/** What SNS took, as `jobId event` (the job's outage, its recovery), in order. */
let events: string[];
const eventOf = (input: PublishCommandInput) => {
  const message = JSON.parse(input.Message!) as AlertMessage;
  return `${message.job.id} ${message.event}`;
};
const noticeIdOf = (input: PublishCommandInput) => (JSON.parse(input.Message!) as AlertMessage).notice.id;
const jobIdOf = (input: PublishCommandInput) => (JSON.parse(input.Message!) as AlertMessage).job.id;

beforeEach(() => {
  sns.reset();
  taken = [];
  names = [];
  events = [];
  failing = new Set();
  sns.on(PublishCommand).callsFake((input: PublishCommandInput) => {
    checkSnsPublish(input);
    if (failing.has(jobIdOf(input))) {
      throw Object.assign(new Error('internal'), { name: 'InternalError', $fault: 'server', $metadata: {} });
    }
    taken.push(noticeIdOf(input));
    events.push(eventOf(input));
    return { MessageId: `m-${taken.length}` };
  });
  sns.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => {
    const { output, accepted } = checkSnsPublishBatch(input, (entry) =>
      failing.has(jobIdOf(entry)) ? { Code: 'InternalError', SenderFault: false } : undefined,
    );
    taken.push(...accepted.map(noticeIdOf));
    events.push(...accepted.map(eventOf));
    names.push(...accepted.map((entry) => (JSON.parse(entry.Message!) as AlertMessage).job.name));
    return output;
  });
});

let closeStore: (() => void) | undefined;
afterEach(() => closeStore?.());

/**
 * One store write of a sweep, in the order the store received them (a count write once the store
 * has answered it, with what it added to `status#missing` on the counter item of `shard`).
 */
type Write =
  | { readonly kind: 'flip' | 'tidy-up'; readonly jobId: string }
  | { readonly kind: 'count'; readonly shard: string; readonly missing: number };

/** What the store-call recorder does to a sweep's writes, set by a test before it sweeps. */
interface SweepHooks {
  /** Runs before the flip of a job reaches the store (a racing ping). */
  before?: (jobId: string) => Promise<void>;
  /** Whether the flip's write, once landed, has its answer lost (a network fault). */
  loseAnswer?: (jobId: string) => boolean;
  /** Runs once, before the sweep's first tidy-up write reaches the store (racing publishers). */
  beforeTidyUp?: () => Promise<void>;
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
  const hooks: SweepHooks = {};
  const counterShards = new Map(allShards().map((shard) => [keys.jobCounts('outage', shard).pk, shard]));
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
      const flip = input.Item?.sk === 'STATE' && input.Item.status === 'missing';
      if (flip) {
        await hooks.before?.(jobId);
        writes.push({ kind: 'flip', jobId });
      }
      const tidyUp =
        String(input.Item?.sk ?? '').startsWith('FLIP#') ||
        Boolean(input.UpdateExpression?.startsWith('REMOVE #pending.#notice'));
      const racing = tidyUp ? hooks.beforeTidyUp : undefined;
      hooks.beforeTidyUp = tidyUp ? undefined : hooks.beforeTidyUp;
      await racing?.();
      if (String(input.Item?.sk ?? '').startsWith('FLIP#')) {
        if (failHistoryOf.delete(jobId)) throw new Error('the process died before the flip was recorded');
        writes.push({ kind: 'tidy-up', jobId });
      }
      if (input.UpdateExpression?.startsWith('REMOVE #pending.#notice')) writes.push({ kind: 'tidy-up', jobId });
      const answer = await next(args);
      const shard = counterShards.get(String(input.Key?.pk));
      if (shard !== undefined && input.UpdateExpression?.startsWith('ADD')) {
        const names =
          (args.input as { ExpressionAttributeNames?: Record<string, string> }).ExpressionAttributeNames ?? {};
        const name = Object.keys(names).find((alias) => names[alias] === 'status#missing');
        writes.push({ kind: 'count', shard, missing: name ? Number(values?.[name.replace('#', ':')] ?? 0) : 0 });
      }
      if (flip && hooks.loseAnswer?.(jobId)) {
        throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError', $metadata: {} });
      }
      return answer;
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
  return { services, ids, missingFlips, writes, failHistoryOf, reads, hooks };
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

  /** The project's counts as stored, and as a tally of its jobs' states says they should be. */
  async function countsAndTruth(services: Awaited<ReturnType<typeof outage>>['services'], ids: readonly string[]) {
    const states = await services.jobRepository.getStates(ids);
    return {
      stored: (await services.jobRepository.counts('outage'))?.statuses,
      truth: countsOf(states.map((state) => ({ status: state.status }))).statuses,
    };
  }

  it(
    "counts a sweep's changes into missing before its first flip, one count write per counter item touched",
    async () => {
      const jobs = 130;
      const { services, ids, writes } = await outage(store, jobs);
      await services.jobRepository.recount('outage', T0);
      writes.length = 0;

      const report = await services.checker.sweep(DEADLINE);
      expect(report.flipped).toBe(jobs);
      const counts = writes.filter((write) => write.kind === 'count');
      // One grouped write per counter item (the project's status items, one per shard its jobs fall in),
      // not one group per batch of flips.
      const shards = new Set(ids.map(shardOf));
      expect(counts).toHaveLength(shards.size);
      expect(new Set(counts.map((write) => write.shard))).toEqual(shards);
      // Every flip's count change had reached the store (its write answered) before the flip was sent.
      const added = new Map<string, number>();
      const flipped = new Map<string, number>();
      for (const write of writes) {
        if (write.kind === 'count') added.set(write.shard, (added.get(write.shard) ?? 0) + write.missing);
        if (write.kind !== 'flip') continue;
        const shard = shardOf(write.jobId);
        flipped.set(shard, (flipped.get(shard) ?? 0) + 1);
        expect(added.get(shard) ?? 0).toBeGreaterThanOrEqual(flipped.get(shard)!);
      }
      expect(writes.filter((write) => write.kind === 'flip')).toHaveLength(jobs);
      const { stored, truth } = await countsAndTruth(services, ids);
      expect(stored).toEqual(truth);
      expect(stored).toMatchObject({ missing: jobs, healthy: 0 });
    },
    SLOW,
  );

  it(
    'a flip lost to a ping that came in after the sweep counted it takes its count back: exact counts, one alert per flip',
    async () => {
      const { services, ids, hooks, missingFlips } = await outage(store);
      await services.jobRepository.recount('outage', T0);
      const pinged = ids[3]!;
      hooks.before = async (jobId) => {
        if (jobId !== pinged) return;
        // The sweep counted this job missing already; the ping wins the race to its state.
        await services.pings.record(successPing(pinged), DEADLINE);
      };

      const report = await services.checker.sweep(DEADLINE);
      expect(report).toMatchObject({ flipped: JOBS - 1, lostRaces: 1 });
      expect((await services.jobRepository.getState(pinged))?.status).toBe('healthy');
      expect(await missingFlips(pinged)).toHaveLength(0);
      expect(taken).toHaveLength(JOBS - 1);
      expect(new Set(taken).size).toBe(JOBS - 1);
      const { stored, truth } = await countsAndTruth(services, ids);
      expect(stored).toEqual(truth);
      expect(stored).toMatchObject({ missing: JOBS - 1, healthy: 1 });
    },
    SLOW,
  );

  it(
    'a sweep stopped by a failed flip takes back the counts of the flips it never wrote',
    async () => {
      const jobs = 130;
      const { services, ids, hooks, writes } = await outage(store, jobs);
      await services.jobRepository.recount('outage', T0);
      writes.length = 0;
      // The tenth flip lands but its answer is lost: the sweep stops, with flips left unwritten
      // (48 are under way at most, 130 to make).
      let seen = 0;
      hooks.loseAnswer = () => (seen += 1) === 10;

      await expect(services.checker.sweep(DEADLINE)).rejects.toThrow('socket hang up');
      const flips = writes.filter((write) => write.kind === 'flip').length;
      expect(flips).toBeLessThan(jobs);
      const { stored, truth } = await countsAndTruth(services, ids);
      expect(truth.missing).toBe(flips);
      expect(stored).toEqual(truth);
    },
    SLOW,
  );
  describe.each([
    { lease: 'as long as the invocation (the default)', sweepLeaseMs: undefined, twice: false },
    { lease: 'of 30 s (the control: the race is real)', sweepLeaseMs: LEASE_MS, twice: true },
  ])("a sweep's publish lease $lease, its drain outliving 30 s", ({ sweepLeaseMs, twice }) => {
    it(
      twice
        ? 'expires mid-drain: a racing ping and invocation take it over and publish notices again'
        : 'is kept: a racing ping and invocation leave every notice to it, each published once',
      async () => {
        const { services, ids, hooks } = await outage(store);
        const checker = new Checker(
          services.jobRepository,
          services.outbox,
          silentLogger,
          sweepLeaseMs ? { sweepLeaseMs } : {},
        );
        const racer = new Checker(services.jobRepository, services.outbox, silentLogger);
        const pinged = ids[0]!;
        // The drain's tidy-up starts after a single publish's lease (30 s) would have run out.
        const later = DEADLINE + LEASE_MS + SECOND;
        let republished = -1;
        hooks.beforeTidyUp = async () => {
          await services.pings.record(successPing(pinged), later);
          republished = (await racer.sweep(later)).republished;
        };

        expect((await checker.sweep(DEADLINE)).flipped).toBe(JOBS);
        expect(republished).toBeGreaterThanOrEqual(0); // the racers ran, in the middle of the drain
        if (twice) {
          expect(taken.length).toBeGreaterThan(new Set(taken).size);
          return;
        }
        expect(republished).toBe(0);
        // One message per notice: every job's outage once, the pinged job's recovery once, after it.
        expect(taken).toHaveLength(new Set(taken).size);
        expect(taken).toHaveLength(JOBS + 1);
        const outageEvent = events.find((event) => event.startsWith(`${ids[1]} `))!.split(' ')[1];
        for (const id of ids.slice(1))
          expect(events.filter((event) => event.startsWith(`${id} `))).toEqual([`${id} ${outageEvent}`]);
        const ofPinged = events.filter((event) => event.startsWith(`${pinged} `));
        expect(ofPinged).toHaveLength(2);
        expect(ofPinged[0]).toBe(`${pinged} ${outageEvent}`);
        expect(ofPinged[1]).not.toBe(`${pinged} ${outageEvent}`);
        for (const id of ids) {
          const state = await services.jobRepository.getState(id);
          expect(state?.pending).toEqual([]);
          expect(state?.publishLeaseUntil).toBeUndefined();
        }
        expect((await services.jobRepository.getState(pinged))?.status).toBe('healthy');
      },
      SLOW,
    );
  });
});
