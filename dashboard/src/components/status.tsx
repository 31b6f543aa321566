import { STATUSES } from '../../../shared/domain/job';
import type { Status } from '../api/types';

export { STATUSES };

/** Words and a shape for each status: colour is never the only signal. */
export const STATUS_INFO: Record<Status, { label: string; icon: string; rank: number }> = {
  failed: { label: 'Failed', icon: '✕', rank: 0 },
  overrunning: { label: 'Overrunning', icon: '⧗', rank: 1 },
  missing: { label: 'Missing', icon: '!', rank: 2 },
  unknown: { label: 'Unknown', icon: '?', rank: 3 },
  failing: { label: 'Failing', icon: '△', rank: 4 },
  late: { label: 'Late', icon: '◔', rank: 5 },
  new: { label: 'New', icon: '○', rank: 6 },
  healthy: { label: 'Healthy', icon: '✓', rank: 7 },
  paused: { label: 'Paused', icon: '‖', rank: 8 },
};

export function StatusBadge({ status, running }: { status: Status; running?: boolean }) {
  const info = STATUS_INFO[status] ?? { label: status, icon: '?', rank: 9 };
  return (
    <span class={`badge status-${status}`} data-status={status}>
      <span class="badge-icon" aria-hidden="true">
        {info.icon}
      </span>
      {info.label}
      {running ? <span class="badge-running"> · running</span> : null}
    </span>
  );
}
