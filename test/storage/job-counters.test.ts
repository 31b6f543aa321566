import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { JobCounters } from '../../shared/storage/job-counters';
import { keys, shardOf } from '../../shared/storage/keys';
import { freshTable, STORES } from '../support/stores';

/** The document client, counting the `UpdateItem` calls that reach the store (and failing some on demand). */
function countingUpdates(documents: DynamoDBDocumentClient) {
  const seen = { updates: 0, failNext: 0 };
  const client = {
    send: async (command: unknown) => {
      if (command instanceof UpdateCommand) {
        seen.updates += 1;
        if (seen.failNext > 0) {
          seen.failNext -= 1;
          throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
        }
      }
      return documents.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, seen };
}

describe.each(STORES)('job counters on %s', (store) => {
  it('commit concurrent changes to one counter item in groups, every change counted once', async () => {
    const { documents, tableName } = await freshTable(store);
    const { client, seen } = countingUpdates(documents);
    const counters = new JobCounters(client, tableName);
    const jobs = Array.from({ length: 40 }, (_, i) => `job-${i}`);
    // Forty jobs tagged at once, as a mass outage's flips land on a project's few counter items.
    await Promise.all(jobs.map((id) => counters.record('p-1', id, undefined, { tags: ['nightly'] })));
    const item = await documents.send(new GetCommand({ TableName: tableName, Key: keys.jobTagCounts('p-1') }));
    expect(item.Item?.['tag#nightly']).toBe(40);
    // The first change goes out alone; the others gathered while it was on its way.
    expect(seen.updates).toBeLessThan(jobs.length);
    expect(item.Item?.changes).toBe(seen.updates);
  });

  it('fail every caller of a group whose write failed, and write nothing of it', async () => {
    const { documents, tableName } = await freshTable(store);
    const { client, seen } = countingUpdates(documents);
    const counters = new JobCounters(client, tableName);
    seen.failNext = 1;
    const outcomes = await Promise.allSettled(
      ['a', 'b', 'c'].map((id) => counters.record('p-1', id, undefined, { tags: ['db'] })),
    );
    const failed = outcomes.filter((outcome) => outcome.status === 'rejected').length;
    expect(failed).toBeGreaterThan(0);
    const item = await documents.send(new GetCommand({ TableName: tableName, Key: keys.jobTagCounts('p-1') }));
    // Exactly the callers told of success are counted.
    expect(item.Item?.['tag#db'] ?? 0).toBe(3 - failed);
    // A later change is not held back by the failed group.
    await counters.record('p-1', 'd', undefined, { tags: ['db'] });
    const after = await documents.send(new GetCommand({ TableName: tableName, Key: keys.jobTagCounts('p-1') }));
    expect(after.Item?.['tag#db']).toBe(4 - failed);
  });
  it('record many jobs’ changes with one write per counter item touched, summed', async () => {
    const { documents, tableName } = await freshTable(store);
    const { client, seen } = countingUpdates(documents);
    const counters = new JobCounters(client, tableName);
    const jobs = Array.from({ length: 60 }, (_, i) => `job-${i}`);
    const shards = new Set(jobs.map(shardOf));
    await counters.recordMany(
      jobs.map((jobId) => ({ projectId: 'p-1', jobId, before: { status: 'healthy' }, after: { status: 'missing' } })),
    );
    expect(seen.updates).toBe(shards.size);
    for (const shard of shards) {
      const inShard = jobs.filter((id) => shardOf(id) === shard).length;
      const item = await documents.send(new GetCommand({ TableName: tableName, Key: keys.jobCounts('p-1', shard) }));
      expect(item.Item).toMatchObject({ 'status#missing': inShard, 'status#healthy': -inShard, changes: 1 });
    }
  });
});
