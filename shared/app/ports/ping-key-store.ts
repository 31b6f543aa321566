/** Where a slug ping goes: one item per (ping key, slug), so resolving a slug is one read. */
export interface SlugTarget {
  readonly projectId: string;
  readonly jobId: string;
}

/** Ping keys and the slugs under them. Implemented by shared/storage/ping-key-repository.ts. */
export interface PingKeyStore {
  /** Gives the project a new ping key, slugs and all; false when another rotation won the race. */
  replacePingKey(projectId: string, previous: string | undefined, next: string): Promise<boolean>;
  /** The project a ping key opens, if any. */
  findPingKey(pingKey: string): Promise<string | undefined>;
  findSlug(pingKey: string, slug: string): Promise<SlugTarget | undefined>;
  /** Gives `slug` to the job unless another job holds it; true when the job has it. */
  claimSlug(pingKey: string, slug: string, target: SlugTarget): Promise<boolean>;
  /** Frees `slug` if (and only if) this job holds it. */
  releaseSlug(pingKey: string, slug: string, jobId: string): Promise<void>;
}
