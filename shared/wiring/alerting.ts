import type { Core } from './core';
import { alertingDepsOf, createDelivery, type AlertingDeps } from './delivery';
import { ChannelService } from '../alerts/channel-service';
import { DeliveryLog } from '../alerts/delivery-log';

export type Alerting = ReturnType<typeof createAlerting>;

/** The alerts feature wired once per process: the delivery (./delivery.ts), the delivery log and the channel use cases. */
export function createAlerting(deps: AlertingDeps) {
  const delivery = createDelivery(deps);
  return {
    ...delivery,
    deliveryLog: new DeliveryLog(delivery.deliveries),
    channels: new ChannelService(
      delivery.channelRepository,
      deps.jobs,
      delivery.notifier,
      deps.rules,
      delivery.transports.destinations,
    ),
  };
}

/** The alerts feature over the core's stores, with this deployment's transports and channel rules. */
export function createAlertingFor(core: Core) {
  return createAlerting(alertingDepsOf(core));
}
