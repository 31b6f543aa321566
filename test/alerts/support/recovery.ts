import { T0, alertMessage } from './fixtures';

/** The recovery that follows `alertMessage()`'s missing flip: what resolves or closes an incident. */
export function recoveryMessage(at = T0 + 3_600_000) {
  return alertMessage({
    event: 'up',
    notice: { ...alertMessage().notice, id: 'job-1:8', from: 'missing', to: 'healthy', at },
  });
}
