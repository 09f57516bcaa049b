export { startHaloSandbox, HALO_SANDBOX_DEFAULTS, DEFAULT_BEHAVIOUR } from './server.js';
export { HALO_FAULT_TYPES, rateLimitMessage } from './faults.js';
export { DATE_SENTINEL, parseHaloDate } from './format.js';
export { TYPE_IDS } from './seed-data.js';
export type {
  HaloSandbox, HaloSandboxOptions, HaloSandboxControl, HaloSandboxBehaviour, HaloSandboxApp, HaloSandboxData, HaloSandboxStats,
  FaultSpec, FaultType, Fault, RequestLogEntry, TicketInput, TicketPatch, ClientInput,
} from './types.js';
