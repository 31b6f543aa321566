import type { ScheduledEvent } from 'aws-lambda';
import type { Checker } from '../../shared/app/checker';

export interface CheckerHandlerDeps {
  readonly checker: Checker;
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** How long one invocation keeps watching: the EventBridge rule's period. */
  readonly windowMs: number;
  readonly sweepEveryMs: number;
}

/** The checker Lambda: fired every minute, sweeps within the minute, returns early when idle. */
export function buildCheckerHandler(deps: CheckerHandlerDeps) {
  return async (_event: ScheduledEvent) =>
    deps.checker.runInvocation(deps.clock, deps.sleep, deps.windowMs, deps.sweepEveryMs);
}
