import type { Principal } from '../app/access';
import type { DeliveryFilter, DeliveryRecord, DeliveryStore } from '../app/ports/delivery-store';
import type { Page } from '../app/ports/page';

/** The record of what was delivered, as people read it: always inside the caller's project. */
export class DeliveryLog {
  constructor(private readonly deliveries: Pick<DeliveryStore, 'list'>) {}

  /** Deliveries of the caller's project, newest first, filtered by job and channel. */
  list(principal: Principal, filter: DeliveryFilter, limit: number, cursor?: string): Promise<Page<DeliveryRecord>> {
    return this.deliveries.list(principal.projectId, filter, limit, cursor);
  }
}
