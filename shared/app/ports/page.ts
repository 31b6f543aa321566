/** One page of a listing; `nextCursor` is opaque to everyone but the store that made it. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}
