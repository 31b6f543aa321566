/**
 * The one definition of CronSentry's table: the CDK stack (infra/) and the local setup
 * (sandbox, tests, benchmarks) both build from it, so keys and indexes cannot drift apart.
 * Plain data on purpose: no SDK or CDK types, each side maps it to its own.
 */

export type AttributeType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  /** KEYS_ONLY: updating a non-key attribute of an indexed item then costs no index write. */
  readonly projection: 'KEYS_ONLY';
}

export interface TableDefinition {
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  /** Epoch seconds after which DynamoDB may delete the item (ping log, deliveries). */
  readonly timeToLiveAttribute: string;
  readonly indexes: readonly IndexDefinition[];
}

/**
 * Sparse indexes are sharded over a few partition values so that no single index partition takes
 * every write; a sweep queries each shard. Changing this number needs a migration of the index keys.
 */
export const INDEX_SHARDS = 4;

export const DUE_INDEX = 'due';
export const OUTBOX_INDEX = 'outbox';
export const STATUS_INDEX = 'status';

export const TABLE_DEFINITION: TableDefinition = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  timeToLiveAttribute: 'expiresAt',
  indexes: [
    // Jobs that can go wrong, by the time the checker must look at them (an early bound).
    {
      name: DUE_INDEX,
      partitionKey: { name: 'dueShard', type: 'S' },
      sortKey: { name: 'dueAt', type: 'N' },
      projection: 'KEYS_ONLY',
    },
    // Jobs with notices not yet handed to the alert bus, by when the oldest was written.
    {
      name: OUTBOX_INDEX,
      partitionKey: { name: 'outboxShard', type: 'S' },
      sortKey: { name: 'outboxAt', type: 'N' },
      projection: 'KEYS_ONLY',
    },
    // A project's jobs by stored status (and shard), in job-id order: status filters read this, not
    // every job. The key moves only when the status does, so a ping that keeps it writes no index item.
    {
      name: STATUS_INDEX,
      partitionKey: { name: 'statusKey', type: 'S' },
      sortKey: { name: 'pk', type: 'S' },
      projection: 'KEYS_ONLY',
    },
  ],
};

/** The CreateTable input for local stores (DynamoDB Local, dynalite); AWS gets the table from CDK. */
export function createTableInput(tableName: string) {
  const attributes = new Map<string, AttributeType>();
  for (const key of [TABLE_DEFINITION.partitionKey, TABLE_DEFINITION.sortKey]) attributes.set(key.name, key.type);
  for (const index of TABLE_DEFINITION.indexes) {
    attributes.set(index.partitionKey.name, index.partitionKey.type);
    attributes.set(index.sortKey.name, index.sortKey.type);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: [
      { AttributeName: TABLE_DEFINITION.partitionKey.name, KeyType: 'HASH' as const },
      { AttributeName: TABLE_DEFINITION.sortKey.name, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: TABLE_DEFINITION.indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey.name, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: index.projection },
    })),
  };
}
