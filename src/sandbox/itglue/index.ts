export {
  startItGlueSandbox, DEFAULT_BEHAVIOUR, JSON_API, ITGLUE_FAULT_TYPES,
  type Fault, type FaultSpec, type ItGlueFaultType, type ItGlueSandbox, type ItGlueSandboxBehaviour, type ItGlueSandboxControl, type ItGlueSandboxOptionsPatch,
  type ItGlueSandboxTruth, type StartItGlueSandboxOptions,
} from './server.js';
export {
  PRIMARY_ORGANIZATION_ID, STATUS_IDS, TYPE_IDS, CONFIG_STATUSES, buildStore,
  type ItgStore, type ItgOrganizationRecord, type ItgConfigurationRecord, type ItgDomainRecord, type ItgContactRecord, type ItgNamedRecord,
} from './store.js';
export type { OrganizationInput, OrganizationPatch, ConfigurationInput, ConfigurationPatch, DomainInput, DomainPatch, NamedInput, NamedPatch } from './mutations.js';
