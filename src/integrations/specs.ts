import { z } from 'zod';
import { unusableTextReason, usableText } from '../validation/text.js';

export type IntegrationKind = 'itglue' | 'halo' | 'syncro';
export const INTEGRATION_KINDS = ['itglue', 'halo', 'syncro'] as const;
export const ROLE: Record<IntegrationKind, 'primary' | 'supplemental'> = { itglue: 'primary', halo: 'supplemental', syncro: 'supplemental' };

/** An integration URL: https only, unless ALLOW_INSECURE_HTTP. No credentials, query or fragment. */
export function integrationUrl(allowInsecure: boolean) {
  return z
    .string()
    .trim()
    .min(1, 'is required')
    .superRefine((v, ctx) => {
      const unusable = unusableTextReason(v);
      if (unusable !== null) return ctx.addIssue({ code: 'custom', message: unusable });
      let u: URL;
      try {
        u = new URL(v);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not a valid URL (e.g. https://acme.halopsa.com/api)' });
        return;
      }
      if (u.protocol === 'http:' && !allowInsecure) {
        ctx.addIssue({ code: 'custom', message: 'must use https:// (set ALLOW_INSECURE_HTTP=1 to allow http:// for sandboxes)' });
      } else if (u.protocol !== 'http:' && u.protocol !== 'https:') {
        ctx.addIssue({ code: 'custom', message: 'must be an https:// URL' });
      }
      if (u.username !== '' || u.password !== '') ctx.addIssue({ code: 'custom', message: 'must not contain credentials' });
      if (u.search !== '' || u.hash !== '') ctx.addIssue({ code: 'custom', message: 'must not contain a query or fragment' });
    })
    .transform((v) => v.replace(/\/+$/, ''));
}

const secret = usableText(z.string().trim().min(1, 'must not be empty').max(4096));
const rateLimit = z.number().int().min(1).max(100000);

export function itglueBody(allowInsecure: boolean) {
  return z.object({
    baseUrl: integrationUrl(allowInsecure),
    apiKey: secret.optional(),
    activeStatusNames: z.array(z.string().trim().min(1).max(100)).min(1).max(50).optional(),
    rateLimitPer5Min: rateLimit.optional(),
  });
}

export function haloBody(allowInsecure: boolean) {
  return z.object({
    resourceServerUrl: integrationUrl(allowInsecure),
    authorizationServerUrl: integrationUrl(allowInsecure),
    tenant: z.string().trim().max(200).nullable().optional(),
    clientId: z.string().trim().min(1, 'is required').max(500),
    clientSecret: secret.optional(),
    pullTickets: z.boolean(),
    opportunityExport: z.boolean(),
    rateLimitPer5Min: rateLimit.optional(),
  });
}

export type ItglueBody = z.infer<ReturnType<typeof itglueBody>>;
export type HaloBody = z.infer<ReturnType<typeof haloBody>>;

export interface ItglueSettings {
  baseUrl: string;
  activeStatusNames: string[];
  rateLimitPer5Min: number;
}
export interface HaloSettings {
  resourceServerUrl: string;
  authorizationServerUrl: string;
  tenant: string | null;
  clientId: string;
  pullTickets: boolean;
  opportunityExport: boolean;
  rateLimitPer5Min: number;
}
export type Settings = ItglueSettings | HaloSettings;

/** The public view of settings: no secrets, only whether one is stored. */
export const settingsView = z.record(z.string(), z.unknown());
