import type { Generated } from 'kysely';

/**
 * Table types. Portable across SQLite and PostgreSQL: timestamps are ISO-8601 text,
 * booleans are integers 0/1, ids are text. Every tenant table carries workspace_id.
 */
export interface WorkspaceTable { id: string; name: string; created_at: string }

export interface UserTable {
  id: string; workspace_id: string; email: string; name: string; role: 'admin' | 'member';
  password_hash: string; created_at: string;
  /** 0/1: a disabled user cannot sign in; their sessions and tokens stop working. */
  disabled: Generated<number>; last_login_at: string | null;
}
export interface SessionTable {
  id: string /* sha256 of the cookie value */; user_id: string; workspace_id: string; csrf_token: string;
  created_at: string; expires_at: string;
}
export interface ApiTokenTable {
  id: string; user_id: string; workspace_id: string; name: string; token_hash: string; created_at: string;
  last_used_at: string | null; expires_at: string | null;
}
/** Login throttle counters, one row per key (`ip:…`, `user:…`, `user:…@ip:…`). */
export interface LoginAttemptTable { key: string; failures: number; last_failure_at: string; blocked_until: string | null }
/** One row (id 1) once first-run setup is done. */
export interface SetupStateTable { id: number; done_at: string }

export interface IntegrationTable {
  workspace_id: string; kind: string;
  settings_json: string; /* no secrets */
  secrets_enc: string | null; /* vault ciphertext of a JSON object */
  configured: number; state_json: string; /* per-stream watermarks and checkpoints */
  created_at: string; updated_at: string;
}

export interface SyncRunTable {
  id: string; workspace_id: string; integration: string; mode: 'initial' | 'incremental' | 'full';
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'partial';
  started_at: string | null; finished_at: string | null; created_at: string;
  progress_json: string; error_json: string | null; events_json: string; /* retries, rate limits, notes */
  request_count: number; heartbeat_at: string | null;
  /** Migration 006: the process running it (null while queued), starts so far, the streams' checkpoints. */
  owner: string | null; attempt: number; checkpoint_json: string | null;
}

interface Synced { workspace_id: string; id: string; last_seen_run: string | null; synced_at: string }

export interface ItgOrganizationTable extends Synced {
  name: string; status_id: string | null; status_name: string | null; type_id: string | null; type_name: string | null;
  primary_org: number; short_name: string | null; psa_id: string | null; created_at: string | null; updated_at: string | null;
}
export interface ItgNamedTable extends Synced { name: string }
export interface ItgConfigurationTable extends Synced {
  organization_id: string; name: string; hostname: string | null; type_name: string | null; serial_number: string | null;
  asset_tag: string | null; manufacturer_name: string | null; model_name: string | null; warranty_expires_at: string | null;
  archived: number; updated_at: string | null;
  /** Migration 009 (lifecycle): `YYYY-MM-DD` dates and the operating system. */
  purchased_at: string | null; installed_at: string | null; operating_system_name: string | null;
}
export interface ItgDomainTable extends Synced {
  organization_id: string; name: string; registrar_name: string | null; expires_on: string | null; updated_at: string | null;
}

/** Lifecycle policies of one scope: the workspace's (`company_id` '') or a company's overrides (migration 009). */
export interface LifecyclePolicyTable { workspace_id: string; company_id: string; policies_json: string; updated_at: string; updated_by: string | null }

interface PsaSynced extends Synced { kind: string }
export interface PsaCompanyTable extends PsaSynced {
  name: string; inactive: number; website: string | null; domain: string | null; phone: string | null; updated_at: string | null;
}
export interface PsaSiteTable extends PsaSynced { company_id: string; name: string; inactive: number }
export interface PsaTicketTypeTable extends PsaSynced {
  name: string; is_opportunity: number; inactive: number;
  /** The vendor's classification of the type (migration 005). */
  category: string | null;
}
/** Which ticket types a PSA company (`id`) may use: all, or those listed (migration 005). */
export interface PsaTicketTypeRuleTable extends PsaSynced { allow_all: number; type_ids_json: string; source: 'sync' | 'live' }
export interface PsaTicketTable extends PsaSynced {
  company_id: string; summary: string; status: string; closed: number; type_id: string | null; type_name: string | null;
  opened_at: string | null; closed_at: string | null; updated_at: string | null;
}

export interface CompanyLinkTable {
  workspace_id: string; kind: string; itglue_id: string; psa_id: string; source: 'manual' | 'automap'; rule: string | null;
  created_by: string | null; created_at: string;
}
export interface LinkFeedbackTable {
  workspace_id: string; kind: string; itglue_id: string; psa_id: string; verdict: 'rejected' | 'confirmed';
  itglue_name: string | null; created_by: string | null; created_at: string;
}

/** One saved change set of links, for undo (migration 007). */
export interface LinkSaveTable {
  id: string; workspace_id: string; kind: string; created_by: string | null; created_at: string; seq: number; changes: number;
  previous_json: string; confirmed_json: string; undone_at: string | null;
}

export interface OpportunityTable {
  id: string; workspace_id: string; company_id: string; title: string; description: string | null; value: number | null;
  ticket_type_id: string | null; status: 'draft' | 'exported' | 'failed'; psa_kind: string | null;
  psa_ticket_id: string | null; error_json: string | null; created_by: string | null; created_at: string; exported_at: string | null;
  /** Migration 005. */
  close_date: string | null; probability: number | null; psa_company_id: string | null; psa_ticket_number: string | null;
  psa_ticket_url: string | null; updated_at: string;
}

/**
 * The export outbox (migration 005): written before the PSA is asked to create the ticket. `state`: 'sending' (a
 * request is or was under way: a ticket may exist), 'in_doubt' (it failed ambiguously and no ticket was found yet),
 * 'failed' (the PSA certainly created nothing), 'done'.
 */
export interface OpportunityExportTable {
  opportunity_id: string; workspace_id: string; kind: string; idempotency_key: string; psa_company_id: string;
  state: 'sending' | 'in_doubt' | 'failed' | 'done'; attempts: number; psa_ticket_id: string | null; error_json: string | null;
  created_at: string; updated_at: string;
}

/** Who did what, when (migration 005). `details_json` never holds a secret. */
export interface AuditEventTable {
  id: string; workspace_id: string; at: string; actor_id: string | null; actor_email: string | null; action: string; target: string;
  details_json: string;
}

export interface NotificationTable {
  id: string; workspace_id: string; user_id: string | null; kind: string; message: string; created_at: string; read: number;
  /** Web UI path of the page that fixes the problem (e.g. `/integrations/<kind>`), or null. */
  link: string | null;
}

/** Per integration: the current failure streak, the pause of scheduled runs, when its initial data was complete. */
export interface SyncAlertTable {
  workspace_id: string; kind: string;
  /** Failed or partial runs in a row; 0 once a run succeeds. */
  failure_streak: number;
  failing_since: string | null;
  last_error_json: string | null; /* {code, message} of the last failed or partial run */
  /** When admins were told about the current streak (null: not yet, or no streak). */
  alerted_at: string | null;
  /** Scheduled runs stop after the vendor rejected the credentials, until the settings are saved again. */
  paused_at: string | null;
  pause_json: string | null; /* {code, message} */
  /** When the integration's initial data was complete (the initial-sync notice went out). */
  initial_done_at: string | null;
  updated_at: string;
}

export interface OutboxMailTable {
  id: string; workspace_id: string; to_addr: string; subject: string; body: string; status: 'sent' | 'logged' | 'failed';
  error: string | null; created_at: string;
}

/** One request of a vendor account's shared rolling window (epoch ms of the database clock; released_ms null while in flight). */
export interface RateLimitSlotTable { id: string; account: string; priority: string; granted_ms: number | string; released_ms: number | string | null }
/** One scheduler round claimed by one process. */
export interface ScheduleClaimTable { name: string; slot: number | string; claimed_at: string }
export interface InstanceMetaTable { key: string; value: string; updated_at: string }

export interface Database {
  workspaces: WorkspaceTable;
  users: UserTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  login_attempts: LoginAttemptTable;
  setup_state: SetupStateTable;
  integrations: IntegrationTable;
  sync_runs: SyncRunTable;
  itg_organizations: ItgOrganizationTable;
  itg_statuses: ItgNamedTable;
  itg_types: ItgNamedTable;
  itg_configurations: ItgConfigurationTable;
  itg_domains: ItgDomainTable;
  lifecycle_policies: LifecyclePolicyTable;
  psa_companies: PsaCompanyTable;
  psa_sites: PsaSiteTable;
  psa_ticket_types: PsaTicketTypeTable;
  psa_ticket_type_rules: PsaTicketTypeRuleTable;
  psa_tickets: PsaTicketTable;
  company_links: CompanyLinkTable;
  link_feedback: LinkFeedbackTable;
  link_saves: LinkSaveTable;
  opportunities: OpportunityTable;
  opportunity_exports: OpportunityExportTable;
  audit_events: AuditEventTable;
  notifications: NotificationTable;
  sync_alerts: SyncAlertTable;
  mail_log: OutboxMailTable;
  rate_limit_slots: RateLimitSlotTable;
  schedule_claims: ScheduleClaimTable;
  instance_meta: InstanceMetaTable;
}
