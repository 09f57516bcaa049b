// Lifecycle endpoints (docs/lifecycle.md). Wire types from src/shared/wire.ts.
import { request } from './api.js';
import type {
  CompanyLifecyclePoliciesResponse,
  LifecycleDevicesResponse,
  LifecycleForecastResponse,
  LifecyclePoliciesResponse,
  LifecyclePolicyInput,
  LifecycleStatus,
  LifecycleTypesResponse,
} from '../../src/shared/wire.js';

export const LIFECYCLE_KEY = ['lifecycle'] as const;

export interface DeviceFilter {
  companyId?: string | null;
  status?: LifecycleStatus | null;
  type?: string | null;
  q?: string | null;
}

/** `?companyId=…&status=…&type=…&q=…` (empty values left out) plus extra parameters. */
export function deviceQuery(filter: DeviceFilter, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (typeof v === 'string' && v.trim() !== '') p.set(k, v.trim());
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  const s = p.toString();
  return s === '' ? '' : `?${s}`;
}

const enc = encodeURIComponent;

export const lifecycleApi = {
  devices: (filter: DeviceFilter, cursor: string | null, limit = 100) =>
    request<LifecycleDevicesResponse>('GET', `/api/lifecycle/devices${deviceQuery(filter, { limit: String(limit), ...(cursor !== null ? { cursor } : {}) })}`),
  csvUrl: (filter: DeviceFilter) => `/api/lifecycle/devices${deviceQuery(filter, { format: 'csv' })}`,
  forecast: (quarters: number, companyId: string | null) =>
    request<LifecycleForecastResponse>('GET', `/api/lifecycle/forecast${deviceQuery({ companyId }, { quarters: String(quarters) })}`),
  types: () => request<LifecycleTypesResponse>('GET', '/api/lifecycle/types'),
  policies: () => request<LifecyclePoliciesResponse>('GET', '/api/lifecycle/policies'),
  savePolicies: (policies: LifecyclePolicyInput[]) => request<LifecyclePoliciesResponse>('PUT', '/api/lifecycle/policies', { policies }),
  companyPolicies: (companyId: string) => request<CompanyLifecyclePoliciesResponse>('GET', `/api/companies/${enc(companyId)}/lifecycle-policies`),
  saveCompanyPolicies: (companyId: string, policies: LifecyclePolicyInput[]) =>
    request<CompanyLifecyclePoliciesResponse>('PUT', `/api/companies/${enc(companyId)}/lifecycle-policies`, { policies }),
};
