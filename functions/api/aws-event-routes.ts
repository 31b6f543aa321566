import { requireWrite } from '../../shared/app/access';
import { parseAwsEventsBody } from '../../shared/app/aws-event-input';
import type { AwsEventsService } from '../../shared/app/aws-events-service';
import { json, jsonBody } from '../http/responses';
import type { Route } from './route';

/**
 * `POST /api/aws-events`: the same EventBridge envelopes the events function receives, for the
 * sandbox and for tests. A key acts for its own project: an event reaches only that project's jobs.
 */
export function awsEventRoutes(events: AwsEventsService): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/aws-events',
      handle: async ({ principal, event, now }) => {
        requireWrite(principal);
        const envelopes = parseAwsEventsBody(jsonBody(event));
        const results = [];
        // In order: a start and its finish in one batch must pair.
        for (const envelope of envelopes) {
          const result = await events.handle(envelope, now, { projectId: principal.projectId });
          results.push({ outcome: result.outcome, job_id: result.jobId ?? null, signal: result.signal ?? null });
        }
        return json(200, { results });
      },
    },
  ];
}
