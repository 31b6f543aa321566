import { STATUSES } from '../../../shared/domain/job';
import type { Status } from '../api/types';

export { STATUSES };

/** Words and a shape for each status: colour is never the only signal. */
export const STATUS_INFO: Record<Status, { label: string; icon: string; rank: number }> = {
  failed: { label: 'Failed', icon: '✕', rank: 0 },
  overrunning: { label: 'Overrunning', icon: '⧗', rank: 1 },
  missing: { label: 'Missing', icon: '!', rank: 2 },
  failing: { label: 'Failing', icon: '△', rank: 3 },
  late: { label: 'Late', icon: '◔', rank: 4 },
  new: { label: 'New', icon: '○', rank: 5 },
  healthy: { label: 'Healthy', icon: '✓', rank: 6 },
  paused: { label: 'Paused', icon: '‖', rank: 7 },
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
