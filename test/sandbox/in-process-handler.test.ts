import { ListTablesCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable, localDynamoClient, startDynalite, type RunningDynalite } from '../../sandbox/local-store';
import { createDocumentClient } from '../../shared/storage/document-client';

const TABLE = 'in-process';

describe("the sandbox's in-process transport to dynalite", () => {
  let store: RunningDynalite;
  let client: DynamoDBClient;
  let overTcp: DynamoDBClient;

  beforeAll(async () => {
    store = await startDynalite({ requireSecret: true });
    client = localDynamoClient(store.endpoint, store.credentials, store.inProcess);
    overTcp = localDynamoClient(store.endpoint, store.credentials);
    await ensureTable(client, TABLE);
  });

  afterAll(async () => {
    client.destroy();
    overTcp.destroy();
    await store.close();
  });

  it('reaches the same store as a client over TCP: one written, the other reads it', async () => {
    const documents = createDocumentClient(client);
    const item = { pk: 'JOB#a', sk: 'STATE', status: 'healthy', n: 3, tags: ['x', 'y'] };
    await documents.send(new PutCommand({ TableName: TABLE, Item: item }));
    const read = await createDocumentClient(overTcp).send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'JOB#a', sk: 'STATE' }, ConsistentRead: true }),
    );
    expect(read.Item).toEqual(item);
    expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([TABLE]);
  });

  it("maps dynalite's errors to the SDK's named exceptions, as over HTTP", async () => {
    const documents = createDocumentClient(client);
    await documents.send(new PutCommand({ TableName: TABLE, Item: { pk: 'JOB#b', sk: 'STATE', v: 1 } }));
    await expect(
      documents.send(
        new PutCommand({
          TableName: TABLE,
          Item: { pk: 'JOB#b', sk: 'STATE', v: 2 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException', $metadata: { httpStatusCode: 400 } });
    await expect(
      documents.send(new GetCommand({ TableName: 'no-such-table', Key: { pk: 'a', sk: 'b' } })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const kept = await documents.send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'JOB#b', sk: 'STATE' }, ConsistentRead: true }),
    );
    expect(kept.Item?.v).toBe(1);
  });

  it('pages a query with the same keys and order as over TCP', async () => {
    const documents = createDocumentClient(client);
    for (let i = 0; i < 5; i += 1) {
      await documents.send(new PutCommand({ TableName: TABLE, Item: { pk: 'LOG#c', sk: `P#${i}`, i } }));
    }
    const query = (over: DynamoDBClient, start?: Record<string, unknown>) =>
      createDocumentClient(over).send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'LOG#c' },
          ScanIndexForward: false,
          Limit: 2,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
    const first = await query(client);
    expect(first.Items?.map((item) => item.i)).toEqual([4, 3]);
    const second = await query(client, first.LastEvaluatedKey);
    expect(second.Items?.map((item) => item.i)).toEqual([2, 1]);
    expect((await query(overTcp, first.LastEvaluatedKey)).Items).toEqual(second.Items);
  });
});
