/**
 * PARALLEL_GATEWAY — converging: each arriving token is a join-token row; the gateway is activated
 * once every incoming flow has one (Execution.takeFlow). Diverging: takes all outgoing flows.
 */
import { passThrough, type ElementBehavior } from "./behavior.js";

export const parallelGatewayBehavior: ElementBehavior = passThrough;
