import type { AwsSource } from '../../domain/aws-events/source';

/** The job that watches one AWS resource, as the claim item holds it. */
export interface AwsSourceClaim {
  readonly matchKey: string;
  readonly jobId: string;
  readonly projectId: string;
  /** The job's source, so that judging an event (ECS essential containers) needs no second read. */
  readonly source: AwsSource;
}

export interface ClaimReadCost {
  /** Read capacity the lookup consumed, when the store reports it (DynamoDB Local and AWS do). */
  readonly readUnits?: number;
}

/** Which job watches which AWS resource. Implemented by shared/storage/aws-source-repository.ts. */
export interface AwsSourceStore {
  /** Takes the key for the job (again, if it holds it already); false when another job holds it. */
  claim(claim: AwsSourceClaim): Promise<boolean>;
  release(matchKey: string, jobId: string): Promise<void>;
  /** The first claim among the candidate keys, if any. */
  find(matchKeys: readonly string[]): Promise<{ claim?: AwsSourceClaim } & ClaimReadCost>;
}
