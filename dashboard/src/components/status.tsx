import { STATUSES } from '../../../shared/domain/job';
import type { Status } from '../api/types';

export { STATUSES };

/** Words and a shape for each status: colour is never the only signal. */
export const STATUS_INFO: Record<Status, { label: string; icon: string; rank: number }> = {
  failed: { label: 'Failed', icon: '✕', rank: 0 },
  missing: { label: 'Missing', icon: '!', rank: 1 },
  unknown: { label: 'Unknown', icon: '?', rank: 2 },
  late: { label: 'Late', icon: '◔', rank: 2 },
  new: { label: 'New', icon: '○', rank: 3 },
  healthy: { label: 'Healthy', icon: '✓', rank: 4 },
  paused: { label: 'Paused', icon: '‖', rank: 5 },
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
