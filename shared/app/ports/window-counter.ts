/** What a fixed-window counter limits. */
export type WindowOwner = { readonly pingKey: string } | { readonly projectId: string };

/** Fixed-window rate counters. Implemented by shared/storage/window-counter-repository.ts. */
export interface WindowCounter {
  /** Counts one event in the window `window` of `owner`; true when it was within `limit`. */
  countInWindow(owner: WindowOwner, window: string, limit: number, expiresAtMs: number): Promise<boolean>;
}
