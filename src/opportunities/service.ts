/**
 * Opportunities: create, edit and delete drafts, list them, offer the ticket types a company may use, and export
 * each one exactly once to the PSA the company is linked to, as a ticket of an opportunity type.
 *
 * Vendor-free: the PSA is whichever supplemental integration the workspace links against; its definition says
 * whether export is on and which types are opportunity types, its connector's `psa` actions do the requests.
 *
 * Exactly once (docs/architecture.md, "Exporting an opportunity"):
 * 1. one create at a time per PSA account (a lock: in-process, and a PostgreSQL advisory lock across processes);
 * 2. the outbox row is written ('sending', with the idempotency key) before the PSA is asked;
 * 3. the key goes into the ticket as a marker;
 * 4. after an ambiguous failure (timeout, reset, 5xx: the PSA may have created it) the ticket is looked up by the
 *    marker; found → exported; else the row stays 'in_doubt' and the next export looks again before posting.
 */
import type { CreatedTicket } from '../connectors/contract.js';
import { isConnectorError } from '../connectors/http/errors.js';
import type { IntegrationDefinition, PsaActions, StoredSettings } from '../integrations/definition.js';
import { definitionOf } from '../integrations/registry.js';
import type { IntegrationService } from '../integrations/service.js';
import { AppError, notFound } from '../server/errors.js';
import type { Opportunity, OpportunityType, OpportunityTypesResponse } from '../shared/wire.js';
import type { AuditInput } from '../store/repos/audit.js';
import type { Repos } from '../store/repos/index.js';
import type { OpportunityFilter, OpportunityPatch, OpportunityRow, OpportunityStatus, OpportunityValues } from '../store/repos/opportunities.js';

export interface Actor {
  id: string;
  email: string;
}

export interface OpportunityServiceDeps {
  repos: Repos;
  integrations: IntegrationService;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

export type { OpportunityValues };

/** The list is shown whole (with totals over all of it); this many rows at most. */
export const LIST_LIMIT = 5000;

const STATUSES: OpportunityStatus[] = ['draft', 'exported', 'failed'];

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The ticket's details: the description's paragraphs, then who created it where. */
export function detailsHtml(row: OpportunityRow, actor: Actor): string {
  const paragraphs = (row.description ?? '')
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p>${escapeHtml(p).replace(/\r?\n/g, '<br>')}</p>`);
  const facts: string[] = [];
  if (row.value !== null) facts.push(`Estimated value: ${row.value.toLocaleString('en-US', { maximumFractionDigits: 2 })}`);
  if (row.probability !== null) facts.push(`Probability: ${row.probability}%`);
  if (row.close_date !== null) facts.push(`Expected close: ${row.close_date}`);
  if (facts.length > 0) paragraphs.push(`<p>${escapeHtml(facts.join(' · '))}</p>`);
  paragraphs.push(`<p>Created in Crosswalk by ${escapeHtml(actor.email)}.</p>`);
  return paragraphs.join('');
}

function parseError(json: string | null): { code: string; message: string } | null {
  if (json === null) return null;
  try {
    const e = JSON.parse(json) as { code?: unknown; message?: unknown };
    return typeof e.code === 'string' && typeof e.message === 'string' ? { code: e.code, message: e.message } : null;
  } catch {
    return null;
  }
}

/**
 * A create that certainly made no ticket: the PSA refused it (kind `config`: 400, 401, 403, 404), limited it (429),
 * or was never reached. Anything else (timeouts, resets, 5xx, a reply without an id) may have made one.
 */
function certainlyNotCreated(err: unknown): boolean {
  if (!isConnectorError(err)) return false;
  return err.kind === 'config' || err.kind === 'rate_limited' || err.code === 'unreachable' || err.code === 'tls_error';
}

function userMessageOf(err: unknown): string {
  if (isConnectorError(err)) return err.userMessage;
  if (err instanceof AppError) return err.message;
  return 'An unexpected error occurred.';
}

export function createOpportunityService(deps: OpportunityServiceDeps) {
  const { repos, integrations } = deps;
  const log = deps.log ?? (() => {});

  async function audit(workspaceId: string, e: AuditInput): Promise<void> {
    try {
      await repos.audit.record(workspaceId, e);
    } catch (err) {
      log('audit event not recorded', { action: e.action, err: String(err) });
    }
  }

  /** The PSA the workspace links against, with its definition and settings (null settings: never configured). */
  async function currentPsa(workspaceId: string): Promise<{ kind: string; def: IntegrationDefinition; settings: StoredSettings | null; configured: boolean } | null> {
    const kind = await integrations.currentPsaKind(workspaceId);
    const def = kind === null ? undefined : definitionOf(kind);
    if (kind === null || def === undefined) return null;
    const row = await repos.integrations.get(workspaceId, kind);
    return { kind, def, settings: row === null ? null : (JSON.parse(row.settings_json) as StoredSettings), configured: row?.configured === 1 };
  }

  async function companyOrThrow(workspaceId: string, companyId: string): Promise<void> {
    if (!(await repos.companies.exists(workspaceId, companyId))) throw notFound('Company');
  }

  /** The linked PSA company of a primary company; 409 company_not_linked otherwise. */
  async function linkOf(workspaceId: string, companyId: string) {
    const psa = await currentPsa(workspaceId);
    const link = psa === null ? null : await repos.typeRules.linkOf(workspaceId, psa.kind, companyId);
    if (psa === null || link === null) {
      throw new AppError(409, 'company_not_linked', 'This company is not linked to a PSA company: an administrator can link it on Link Companies.');
    }
    return { ...psa, psaId: link.psaId, psaName: link.psaName };
  }

  function actionsError(err: unknown, displayName: string): AppError {
    if (err instanceof AppError) return err;
    return new AppError(502, 'psa_unavailable', `${displayName} could not be asked: ${userMessageOf(err)}`);
  }

  async function psaActions(workspaceId: string, kind: string): Promise<PsaActions> {
    return (await integrations.psaActions(workspaceId, kind)).actions;
  }

  /**
   * The opportunity types a company may use: the PSA's types that are opportunity types (under the current
   * settings) and active, ∩ the company's rule — synced, else (or with `refresh`) asked live and kept.
   */
  async function offeredTypes(workspaceId: string, companyId: string, opts: { refresh: boolean }): Promise<OpportunityTypesResponse> {
    const link = await linkOf(workspaceId, companyId);
    const { kind, def, settings, configured } = link;
    const exportEnabled = configured && settings !== null && def.opportunities?.exportEnabled(settings) === true;
    let rule = await repos.typeRules.rule(workspaceId, kind, link.psaId);
    let unconfiguredNote: string | null = null;
    if (opts.refresh || rule === null) {
      if (!configured) {
        if (opts.refresh) throw new AppError(409, 'integration_not_configured', `${def.displayName} is not configured: an administrator can set it up under Integrations.`);
        unconfiguredNote = `${def.displayName} is not configured, so the ticket types this customer may use are not known: an administrator can set it up under Integrations.`;
      } else {
        try {
          const types = await (await psaActions(workspaceId, kind)).allowedTicketTypes(link.psaId);
          await repos.typeRules.saveLive(workspaceId, kind, link.psaId, types);
          rule = await repos.typeRules.rule(workspaceId, kind, link.psaId);
        } catch (err) {
          throw actionsError(err, def.displayName);
        }
      }
    }
    const all = await repos.typeRules.ticketTypes(workspaceId, kind);
    const isOpportunity = (t: (typeof all)[number]): boolean =>
      (settings !== null && def.opportunities !== undefined
        ? def.opportunities.isOpportunityType({ id: t.id, name: t.name, category: t.category }, settings)
        : false) || (t.category === null && t.is_opportunity === 1);
    const allowed = (id: string): boolean => rule !== null && (rule.allowAll || rule.typeIds.includes(id));
    const types: OpportunityType[] = all.filter((t) => t.inactive === 0 && isOpportunity(t) && allowed(t.id)).map((t) => ({ id: t.id, name: t.name }));
    const help = unconfiguredNote
      ?? (types.length === 0 ? (def.opportunities?.noTypesHelp ?? 'Allow an opportunity ticket type for this customer in the PSA, then refresh.') : null)
      ?? (exportEnabled ? null : (def.opportunities?.disabledHelp ?? 'Exporting opportunities is turned off for this PSA.'));
    return {
      types,
      psa: { kind, companyId: link.psaId, companyName: link.psaName },
      source: rule?.source ?? null,
      checkedAt: rule?.at ?? null,
      exportEnabled,
      help,
    };
  }

  async function typeNames(workspaceId: string, rows: OpportunityRow[]): Promise<Map<string, string>> {
    const kind = await integrations.currentPsaKind(workspaceId);
    const kinds = new Set<string>(rows.map((r) => r.psa_kind).filter((k): k is string => k !== null));
    if (kind !== null) kinds.add(kind);
    const out = new Map<string, string>();
    for (const k of kinds) {
      for (const t of await repos.typeRules.ticketTypes(workspaceId, k)) out.set(`${k}\u0000${t.id}`, t.name);
    }
    // Rows not exported yet show the current PSA's names.
    if (kind !== null) for (const t of await repos.typeRules.ticketTypes(workspaceId, kind)) out.set(`\u0000${t.id}`, t.name);
    return out;
  }

  function toWire(row: OpportunityRow, names: Map<string, string>): Opportunity {
    const typeName = row.ticket_type_id === null ? null
      : (names.get(`${row.psa_kind ?? ''}\u0000${row.ticket_type_id}`) ?? names.get(`\u0000${row.ticket_type_id}`) ?? null);
    return {
      id: row.id,
      companyId: row.company_id,
      title: row.title,
      description: row.description,
      value: row.value === null ? null : Number(row.value),
      ticketTypeId: row.ticket_type_id,
      closeDate: row.close_date,
      probability: row.probability === null ? null : Number(row.probability),
      status: row.status,
      psa: row.status === 'exported' && row.psa_kind !== null && row.psa_ticket_id !== null
        ? {
            kind: row.psa_kind,
            ticketId: row.psa_ticket_id,
            ...(row.psa_ticket_number !== null ? { ticketNumber: row.psa_ticket_number } : {}),
            ...(row.psa_ticket_url !== null ? { url: row.psa_ticket_url } : {}),
          }
        : null,
      error: row.status === 'failed' ? parseError(row.error_json) : null,
      createdAt: row.created_at,
      exportedAt: row.exported_at,
      companyName: row.company_name,
      ticketTypeName: typeName,
      createdBy: row.created_by !== null && row.created_by_email !== null ? { id: row.created_by, email: row.created_by_email } : null,
      updatedAt: row.updated_at,
    };
  }

  async function wire(workspaceId: string, row: OpportunityRow): Promise<Opportunity> {
    return toWire(row, await typeNames(workspaceId, [row]));
  }

  /** A ticket type the company may not use → 422 with the allowed ones. Unknown rules (PSA unreachable) pass: export checks again. */
  async function checkType(workspaceId: string, companyId: string, ticketTypeId: string | null): Promise<void> {
    if (ticketTypeId === null) return;
    let offered: OpportunityTypesResponse;
    try {
      offered = await offeredTypes(workspaceId, companyId, { refresh: false });
    } catch (err) {
      // Not linked or the PSA unreachable: the draft is kept; exporting checks the type again.
      if (err instanceof AppError && (err.code === 'company_not_linked' || err.code === 'psa_unavailable')) return;
      throw err;
    }
    if (offered.source === null) return;
    if (!offered.types.some((t) => t.id === ticketTypeId)) throw typeNotAllowed(ticketTypeId, offered);
  }

  function typeNotAllowed(ticketTypeId: string | null, offered: OpportunityTypesResponse): AppError {
    const message = ticketTypeId === null
      ? (offered.types.length === 0 ? `This customer may use no opportunity ticket type. ${offered.help ?? ''}`.trim() : 'Choose one of the opportunity ticket types this customer may use.')
      : `This customer may not use ticket type ${ticketTypeId} for opportunities${offered.types.length === 0 ? '' : `; allowed: ${offered.types.map((t) => t.name).join(', ')}`}.`;
    return new AppError(422, 'ticket_type_not_allowed', message, { allowed: offered.types, ...(offered.types.length === 0 && offered.help !== null ? { help: offered.help } : {}) });
  }

  async function create(workspaceId: string, actor: Actor, input: { companyId: string } & OpportunityValues): Promise<Opportunity> {
    if (!(await repos.companies.exists(workspaceId, input.companyId))) {
      throw new AppError(400, 'invalid_request', `Invalid request: unknown company ${input.companyId}`, { issues: [{ path: 'body.companyId', message: `unknown company ${input.companyId}` }] });
    }
    await checkType(workspaceId, input.companyId, input.ticketTypeId);
    const row = await repos.opportunities.create({ workspaceId, createdBy: actor.id, ...input });
    await audit(workspaceId, { actor, action: 'opportunity.created', target: `opportunity:${row.id}`, details: { title: row.title, companyId: row.company_id, companyName: row.company_name, value: row.value } });
    return wire(workspaceId, row);
  }

  async function get(workspaceId: string, id: string): Promise<Opportunity> {
    const row = await repos.opportunities.get(workspaceId, id);
    if (row === null) throw notFound('Opportunity');
    return wire(workspaceId, row);
  }

  function refusal(r: 'exported' | 'in_doubt', verb: string): AppError {
    return r === 'exported'
      ? new AppError(409, 'opportunity_exported', `This opportunity was exported to the PSA; it can no longer be ${verb}.`)
      : new AppError(409, 'export_in_doubt', `The last export of this opportunity may have created a ticket that was not found yet: export it again first (it looks for that ticket before creating one).`);
  }

  async function update(workspaceId: string, actor: Actor, id: string, patch: Partial<OpportunityValues>): Promise<Opportunity> {
    const current = await repos.opportunities.get(workspaceId, id);
    if (current === null) throw notFound('Opportunity');
    if (current.status === 'exported') throw refusal('exported', 'changed');
    if (patch.ticketTypeId !== undefined && patch.ticketTypeId !== current.ticket_type_id) await checkType(workspaceId, current.company_id, patch.ticketTypeId);
    const set: OpportunityPatch = {};
    if (patch.title !== undefined) set.title = patch.title;
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.value !== undefined) set.value = patch.value;
    if (patch.ticketTypeId !== undefined) set.ticket_type_id = patch.ticketTypeId;
    if (patch.closeDate !== undefined) set.close_date = patch.closeDate;
    if (patch.probability !== undefined) set.probability = patch.probability;
    const r = await repos.opportunities.update(workspaceId, id, set);
    if (r === 'not_found') throw notFound('Opportunity');
    if (r === 'exported' || r === 'in_doubt') throw refusal(r, 'changed');
    await audit(workspaceId, { actor, action: 'opportunity.updated', target: `opportunity:${id}`, details: { title: r.title, changed: Object.keys(patch).filter((k) => patch[k as keyof OpportunityValues] !== undefined) } });
    return wire(workspaceId, r);
  }

  async function remove(workspaceId: string, actor: Actor, id: string): Promise<void> {
    const current = await repos.opportunities.get(workspaceId, id);
    const r = await repos.opportunities.remove(workspaceId, id);
    if (r === 'not_found') throw notFound('Opportunity');
    if (r === 'exported' || r === 'in_doubt') throw refusal(r, 'deleted');
    await audit(workspaceId, { actor, action: 'opportunity.deleted', target: `opportunity:${id}`, details: { title: current?.title ?? null, companyId: current?.company_id ?? null } });
  }

  async function list(workspaceId: string, filter: OpportunityFilter) {
    const rows = await repos.opportunities.list(workspaceId, filter, LIST_LIMIT);
    const names = await typeNames(workspaceId, rows);
    const totals = await repos.opportunities.totals(workspaceId, filter);
    const by = (s: OpportunityStatus) => {
      const t = totals.find((x) => x.status === s);
      return { count: t?.count ?? 0, value: t?.value ?? 0 };
    };
    const all = STATUSES.map(by).reduce((a, b) => ({ count: a.count + b.count, value: a.value + b.value }), { count: 0, value: 0 });
    return { opportunities: rows.map((r) => toWire(r, names)), totals: { draft: by('draft'), exported: by('exported'), failed: by('failed'), all } };
  }

  /** Export one opportunity (see the header). Returns it exported; throws the contract's errors. */
  async function exportOne(workspaceId: string, actor: Actor, id: string): Promise<Opportunity> {
    const row = await repos.opportunities.get(workspaceId, id);
    if (row === null) throw notFound('Opportunity');
    if (row.status === 'exported') return wire(workspaceId, row);
    const link = await linkOf(workspaceId, row.company_id);
    const { kind, def, settings, configured } = link;
    if (!configured || settings === null || def.opportunities?.exportEnabled(settings) !== true) {
      throw new AppError(409, 'opportunity_export_disabled', configured
        ? `Exporting opportunities to ${def.displayName} is turned off. ${def.opportunities?.disabledHelp ?? ''}`.trim()
        : `${def.displayName} is not configured: an administrator can set it up under Integrations.`);
    }
    const opp = row;

    const fail = async (code: string, message: string, status: number): Promise<never> => {
      await repos.opportunities.markFailed(workspaceId, id, { code, message });
      await audit(workspaceId, { actor, action: 'opportunity.export_failed', target: `opportunity:${id}`, details: { title: opp.title, companyId: opp.company_id, kind, code, message } });
      throw new AppError(status, code, message);
    };

    let offered: OpportunityTypesResponse;
    try {
      offered = await offeredTypes(workspaceId, row.company_id, { refresh: false });
    } catch (err) {
      if (err instanceof AppError && err.code === 'psa_unavailable') return fail('psa_unavailable', err.message, 502);
      throw err;
    }
    const typeId = row.ticket_type_id ?? (offered.types.length === 1 ? offered.types[0]!.id : null);
    if (typeId === null || !offered.types.some((t) => t.id === typeId)) throw typeNotAllowed(row.ticket_type_id, offered);

    return repos.opportunities.withLock(`psa-create:${workspaceId}:${kind}`, async () => {
      // Another request may have exported (or deleted) it while this one waited.
      const current = await repos.opportunities.get(workspaceId, id);
      if (current === null) throw notFound('Opportunity');
      if (current.status === 'exported') return wire(workspaceId, current);

      let actions: PsaActions;
      try {
        actions = await psaActions(workspaceId, kind);
      } catch (err) {
        throw actionsError(err, def.displayName);
      }

      const done = async (psaCompanyId: string, t: CreatedTicket, recovered: boolean): Promise<Opportunity> => {
        const exported = await repos.opportunities.markExported(workspaceId, id, {
          kind, psaCompanyId, ticketId: t.ticketId, ticketNumber: t.ticketNumber ?? null, url: t.url ?? null,
        });
        await audit(workspaceId, {
          actor, action: 'opportunity.exported', target: `opportunity:${id}`,
          details: {
            title: current.title, companyId: current.company_id, companyName: current.company_name,
            psa: {
              kind, companyId: psaCompanyId, ticketId: t.ticketId,
              ...(t.ticketNumber !== undefined ? { ticketNumber: t.ticketNumber } : {}), ...(t.url !== undefined ? { url: t.url } : {}),
            },
            ...(recovered ? { foundByMarker: true } : {}),
          },
        });
        return wire(workspaceId, exported);
      };
      const lookup = async (psaCompanyId: string, key: string): Promise<string | null> => actions.findTicketByMarker(psaCompanyId, key);

      // A previous attempt may have created the ticket: look for its marker before creating another.
      const prior = await repos.opportunities.outbox(id);
      if (prior !== null && prior.kind === kind && (prior.state === 'sending' || prior.state === 'in_doubt')) {
        let found: string | null;
        try {
          found = await lookup(prior.psa_company_id, prior.idempotency_key);
        } catch (err) {
          const message = `${def.displayName} could not be searched for the ticket an earlier export may have created: ${userMessageOf(err)} Nothing was created; export again later.`;
          await repos.opportunities.settleAttempt(id, 'in_doubt', { code: 'psa_unavailable', message });
          return fail('psa_unavailable', message, 502);
        }
        if (found !== null) return done(prior.psa_company_id, actions.ticketRef(found), true);
      }

      // The outbox row before the request: from here on a ticket may exist.
      const attempt = await repos.opportunities.beginAttempt({ workspaceId, opportunityId: id, kind, psaCompanyId: link.psaId });
      try {
        const t = await actions.createOpportunityTicket({
          companyId: link.psaId,
          ticketTypeId: typeId,
          summary: current.title,
          detailsHtml: detailsHtml(current, actor),
          value: current.value === null ? null : Number(current.value),
          probability: current.probability === null ? null : Number(current.probability),
          closeDate: current.close_date,
          marker: attempt.idempotency_key,
        });
        return done(link.psaId, t, false);
      } catch (err) {
        log('opportunity export failed', { opportunityId: id, err: isConnectorError(err) ? err.toJSON() : String(err) });
        if (certainlyNotCreated(err)) {
          const refused = isConnectorError(err) && err.kind === 'config' && err.code === 'http_error';
          const code = refused ? 'psa_rejected' : 'psa_unavailable';
          const message = refused
            ? `${def.displayName} refused the ticket: ${userMessageOf(err)}`
            : `${def.displayName} could not create the ticket: ${userMessageOf(err)}`;
          await repos.opportunities.settleAttempt(id, 'failed', { code, message });
          return fail(code, message, refused ? 422 : 502);
        }
        // Ambiguous: the PSA may have created it. Look now; else the next export looks again first.
        let found: string | null = null;
        try {
          found = await lookup(link.psaId, attempt.idempotency_key);
        } catch (lookupErr) {
          log('marker lookup failed', { opportunityId: id, err: String(lookupErr) });
        }
        if (found !== null) return done(link.psaId, actions.ticketRef(found), true);
        const message = `${def.displayName} did not confirm the ticket: ${userMessageOf(err)} If it was created after all, exporting again finds it instead of creating another.`;
        await repos.opportunities.settleAttempt(id, 'in_doubt', { code: 'psa_unavailable', message });
        return fail('psa_unavailable', message, 502);
      }
    });
  }

  /** Export several, one after another; each id's outcome (errors in the envelope's shape). */
  async function exportMany(workspaceId: string, actor: Actor, ids: string[]) {
    const results: { id: string; ok: boolean; opportunity: Opportunity | null; error: { code: string; message: string; details?: Record<string, unknown> } | null }[] = [];
    for (const id of ids) {
      try {
        results.push({ id, ok: true, opportunity: await exportOne(workspaceId, actor, id), error: null });
      } catch (err) {
        const e = err instanceof AppError ? err : new AppError(500, 'internal_error', 'An unexpected error occurred.');
        if (!(err instanceof AppError)) log('bulk export: unexpected error', { opportunityId: id, err: String(err) });
        const row = await repos.opportunities.get(workspaceId, id);
        results.push({
          id, ok: false, opportunity: row === null ? null : await wire(workspaceId, row),
          error: { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) },
        });
      }
    }
    return { results };
  }

  /** GET /api/companies/:id/opportunity-types: 404 for an unknown company, then as `offeredTypes`. */
  async function typesFor(workspaceId: string, companyId: string, opts: { refresh: boolean }): Promise<OpportunityTypesResponse> {
    await companyOrThrow(workspaceId, companyId);
    return offeredTypes(workspaceId, companyId, opts);
  }

  return { create, get, update, remove, list, typesFor, exportOne, exportMany };
}

export type OpportunityService = ReturnType<typeof createOpportunityService>;
