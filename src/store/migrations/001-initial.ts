import { type Kysely, sql } from 'kysely';

/* Portable: only text, integer, double precision; timestamps as ISO text; booleans as 0/1. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('workspaces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_email').unique().on('users').column('email').execute();

  await db.schema.createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('api_tokens_hash').unique().on('api_tokens').column('token_hash').execute();

  await db.schema.createTable('login_attempts')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .execute();

  await db.schema.createTable('integrations')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('settings_json', 'text', (c) => c.notNull())
    .addColumn('secrets_enc', 'text')
    .addColumn('configured', 'integer', (c) => c.notNull())
    .addColumn('state_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('integrations_pk', ['workspace_id', 'kind'])
    .execute();

  await db.schema.createTable('sync_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('integration', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('progress_json', 'text', (c) => c.notNull())
    .addColumn('error_json', 'text')
    .addColumn('events_json', 'text', (c) => c.notNull())
    .addColumn('request_count', 'integer', (c) => c.notNull())
    .addColumn('heartbeat_at', 'text')
    .execute();
  await db.schema.createIndex('sync_runs_by_integration').on('sync_runs').columns(['workspace_id', 'integration', 'created_at']).execute();

  const synced = (name: string) =>
    db.schema.createTable(name)
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('last_seen_run', 'text')
      .addColumn('synced_at', 'text', (c) => c.notNull());
  const psaSynced = (name: string) =>
    db.schema.createTable(name)
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('last_seen_run', 'text')
      .addColumn('synced_at', 'text', (c) => c.notNull());

  await synced('itg_organizations')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status_id', 'text').addColumn('status_name', 'text')
    .addColumn('type_id', 'text').addColumn('type_name', 'text')
    .addColumn('primary_org', 'integer', (c) => c.notNull())
    .addColumn('short_name', 'text').addColumn('psa_id', 'text')
    .addColumn('created_at', 'text').addColumn('updated_at', 'text')
    .addPrimaryKeyConstraint('itg_organizations_pk', ['workspace_id', 'id'])
    .execute();
  for (const t of ['itg_statuses', 'itg_types']) {
    await synced(t).addColumn('name', 'text', (c) => c.notNull()).addPrimaryKeyConstraint(`${t}_pk`, ['workspace_id', 'id']).execute();
  }
  await synced('itg_configurations')
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('hostname', 'text').addColumn('type_name', 'text').addColumn('serial_number', 'text')
    .addColumn('asset_tag', 'text').addColumn('manufacturer_name', 'text').addColumn('model_name', 'text')
    .addColumn('warranty_expires_at', 'text')
    .addColumn('archived', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text')
    .addPrimaryKeyConstraint('itg_configurations_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema.createIndex('itg_configurations_org').on('itg_configurations').columns(['workspace_id', 'organization_id']).execute();
  await synced('itg_domains')
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('registrar_name', 'text').addColumn('expires_on', 'text').addColumn('updated_at', 'text')
    .addPrimaryKeyConstraint('itg_domains_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema.createIndex('itg_domains_org').on('itg_domains').columns(['workspace_id', 'organization_id']).execute();

  await psaSynced('psa_companies')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('inactive', 'integer', (c) => c.notNull())
    .addColumn('website', 'text').addColumn('domain', 'text').addColumn('phone', 'text').addColumn('updated_at', 'text')
    .addPrimaryKeyConstraint('psa_companies_pk', ['workspace_id', 'kind', 'id'])
    .execute();
  await psaSynced('psa_sites')
    .addColumn('company_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('inactive', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('psa_sites_pk', ['workspace_id', 'kind', 'id'])
    .execute();
  await psaSynced('psa_ticket_types')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('is_opportunity', 'integer', (c) => c.notNull())
    .addColumn('inactive', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('psa_ticket_types_pk', ['workspace_id', 'kind', 'id'])
    .execute();
  await psaSynced('psa_tickets')
    .addColumn('company_id', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('closed', 'integer', (c) => c.notNull())
    .addColumn('type_id', 'text').addColumn('type_name', 'text')
    .addColumn('opened_at', 'text').addColumn('closed_at', 'text').addColumn('updated_at', 'text')
    .addPrimaryKeyConstraint('psa_tickets_pk', ['workspace_id', 'kind', 'id'])
    .execute();
  await db.schema.createIndex('psa_tickets_company').on('psa_tickets').columns(['workspace_id', 'kind', 'company_id', 'opened_at']).execute();

  await db.schema.createTable('company_links')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('itglue_id', 'text', (c) => c.notNull())
    .addColumn('psa_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('rule', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('company_links_pk', ['workspace_id', 'kind', 'itglue_id'])
    .execute();
  await db.schema.createTable('link_feedback')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('itglue_id', 'text', (c) => c.notNull())
    .addColumn('psa_id', 'text', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('itglue_name', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('link_feedback_pk', ['workspace_id', 'kind', 'itglue_id', 'psa_id'])
    .execute();

  await db.schema.createTable('opportunities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('company_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('value', 'double precision')
    .addColumn('ticket_type_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('psa_kind', 'text').addColumn('psa_ticket_id', 'text').addColumn('error_json', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('exported_at', 'text')
    .execute();

  await db.schema.createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read', 'integer', (c) => c.notNull())
    .execute();

  await db.schema.createTable('mail_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('to_addr', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  void sql;
}
