import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { ensureTable, localDynamoClient } from '../../sandbox/local-store';
import { createDocumentClient } from '../../shared/storage/document-client';

/** The two local stores every storage and handler test runs against: one contract, both stores. */
export const STORES = ['DynamoDB Local', 'dynalite'] as const;
export type StoreName = (typeof STORES)[number];

export function endpointOf(store: StoreName): string {
  return store === 'DynamoDB Local' ? inject('dynamoLocalEndpoint') : inject('dynaliteEndpoint');
}

/** A fresh table (unique name) in the given store, so test files never see each other's data. */
export async function freshTable(store: StoreName) {
  const client = localDynamoClient(endpointOf(store));
  const tableName = `test-${randomUUID()}`;
  await ensureTable(client, tableName);
  return { client, documents: createDocumentClient(client), tableName };
}
