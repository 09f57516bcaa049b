export { startSyncroSandbox, SYNCRO_SANDBOX_DEFAULTS, DEFAULT_VARIANTS, matchSyncroPath } from './server.js';
export { ISSUE_TYPES, syncroTime } from './seed-data.js';
export { SYNCRO_FAULT_TYPES, SYNCRO_PERMISSIONS } from './types.js';
export type {
  SyncroSandbox, SyncroSandboxOptions, SyncroSandboxControl, SyncroVariants, SyncroSandboxToken, SyncroPermission, SyncroSandboxData,
  SyncroSandboxStats, FaultSpec, Fault, CustomerInput, TicketInput,
} from './types.js';
