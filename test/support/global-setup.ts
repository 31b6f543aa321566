// Filled in by the storage work: starts DynamoDB Local and dynalite once for the whole run.
export default async function setup(): Promise<() => Promise<void>> {
  return async () => {};
}
