import { matchKeyOf } from '../domain/aws-events/source';
import type { JobProfile } from '../domain/job';
import { ValidationError } from '../errors';
import type { AwsSourceClaim } from './ports/aws-source-store';

/** Where claims of AWS resources are kept (shared/storage/aws-source-repository.ts). */
export interface AwsSourceClaims {
  claim(claim: AwsSourceClaim): Promise<boolean>;
  release(matchKey: string, jobId: string): Promise<void>;
}

/**
 * Keeps a job's claim of its AWS resource in step with its profile. The claim is taken before the
 * profile says so and let go after, so an event never finds a claim without its job for long, and
 * a resource another job watches is refused before anything changes.
 */
export class AwsSourceWatch {
  constructor(private readonly claims?: AwsSourceClaims) {}

  async start(profile: JobProfile): Promise<void> {
    if (!profile.awsSource) return;
    if (!this.claims) throw ValidationError.of('aws_source', 'AWS event sources are not available here');
    const taken = await this.claims.claim({
      matchKey: matchKeyOf(profile.awsSource),
      jobId: profile.id,
      projectId: profile.projectId,
      source: profile.awsSource,
    });
    if (!taken) throw ValidationError.of('aws_source', 'another job already watches this AWS resource');
  }

  async stop(profile: JobProfile): Promise<void> {
    if (profile.awsSource && this.claims) await this.claims.release(matchKeyOf(profile.awsSource), profile.id);
  }

  /** Claims the new source (refusing if taken), then lets go of the old one if it is another resource. */
  async move(before: JobProfile, after: JobProfile): Promise<void> {
    const oldKey = before.awsSource && matchKeyOf(before.awsSource);
    const newKey = after.awsSource && matchKeyOf(after.awsSource);
    if (after.awsSource) await this.start(after);
    if (oldKey && oldKey !== newKey) await this.claims?.release(oldKey, before.id);
  }
}
