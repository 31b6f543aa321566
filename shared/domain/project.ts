/** A project: the unit that owns jobs, channels and API keys. */
export interface Project {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  /** Opens slug pings (`/api/ping/{pingKey}/{slug}`); absent on projects made before slug pings. */
  readonly pingKey?: string;
  /** Whether a slug ping with `?create=1` may register a job it does not know. Off by default. */
  readonly createOnPing?: boolean;
}
