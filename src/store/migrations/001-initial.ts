import { type Kysely, sql } from 'kysely';
import { createKeyedTable, createTableWithKey, integerNotNull, syncStamp, textNotNull, textNullable } from './columns.js';

/* Portable: only text, integer, double precision; timestamps as ISO text; booleans as 0/1. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await createKeyedTable(db, 'workspaces').$call(textNotNull('name', 'created_at')).execute();

  await createKeyedTable(db, 'users')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .$call(textNotNull('email', 'name', 'role', 'password_hash', 'created_at'))
    .execute();
  await db.schema.createIndex('users_email').unique().on('users').column('email').execute();

  // A user's credential (session, API token): deleted with the user.
  const credential = (name: string) =>
    createKeyedTable(db, name)
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .$call(textNotNull('workspace_id'));
  await credential('sessions').$call(textNotNull('csrf_token', 'created_at', 'expires_at')).execute();
  await credential('api_tokens').$call(textNotNull('name', 'token_hash', 'created_at')).$call(textNullable('last_used_at')).execute();
  await db.schema.createIndex('api_tokens_hash').unique().on('api_tokens').column('token_hash').execute();

  await createKeyedTable(db, 'login_attempts', 'key')
    .$call(integerNotNull('failures')).$call(textNotNull('window_start')).$call(textNullable('locked_until'))
    .execute();

  await createTableWithKey(db, 'integrations', ['workspace_id', 'kind'])
    .$call(textNotNull('workspace_id', 'kind', 'settings_json'))
    .$call(textNullable('secrets_enc'))
    .$call(integerNotNull('configured'))
    .$call(textNotNull('state_json', 'created_at', 'updated_at'))
    .execute();

  await createKeyedTable(db, 'sync_runs')
    .$call(textNotNull('workspace_id', 'integration', 'mode', 'status'))
    .$call(textNullable('started_at', 'finished_at'))
    .$call(textNotNull('created_at', 'progress_json'))
    .$call(textNullable('error_json'))
    .$call(textNotNull('events_json'))
    .$call(integerNotNull('request_count'))
    .$call(textNullable('heartbeat_at'))
    .execute();
  await db.schema.createIndex('sync_runs_by_integration').on('sync_runs').columns(['workspace_id', 'integration', 'created_at']).execute();

  // A synced record's table: keyed by workspace and vendor id (PSA records by workspace, PSA kind and id).
  const synced = (name: string) =>
    createTableWithKey(db, name, ['workspace_id', 'id']).$call(textNotNull('workspace_id', 'id')).$call(syncStamp);
  const psaSynced = (name: string) =>
    createTableWithKey(db, name, ['workspace_id', 'kind', 'id']).$call(textNotNull('workspace_id', 'kind', 'id')).$call(syncStamp);

  await synced('itg_organizations')
    .$call(textNotNull('name'))
    .$call(textNullable('status_id', 'status_name', 'type_id', 'type_name'))
    .$call(integerNotNull('primary_org'))
    .$call(textNullable('short_name', 'psa_id', 'created_at', 'updated_at'))
    .execute();
  for (const t of ['itg_statuses', 'itg_types']) {
    await synced(t).$call(textNotNull('name')).execute();
  }
  await synced('itg_configurations')
    .$call(textNotNull('organization_id', 'name'))
    .$call(textNullable('hostname', 'type_name', 'serial_number', 'asset_tag', 'manufacturer_name', 'model_name', 'warranty_expires_at'))
    .$call(integerNotNull('archived'))
    .$call(textNullable('updated_at'))
    .execute();
  await db.schema.createIndex('itg_configurations_org').on('itg_configurations').columns(['workspace_id', 'organization_id']).execute();
  await synced('itg_domains')
    .$call(textNotNull('organization_id', 'name'))
    .$call(textNullable('registrar_name', 'expires_on', 'updated_at'))
    .execute();
  await db.schema.createIndex('itg_domains_org').on('itg_domains').columns(['workspace_id', 'organization_id']).execute();

  await psaSynced('psa_companies')
    .$call(textNotNull('name'))
    .$call(integerNotNull('inactive'))
    .$call(textNullable('website', 'domain', 'phone', 'updated_at'))
    .execute();
  await psaSynced('psa_sites').$call(textNotNull('company_id', 'name')).$call(integerNotNull('inactive')).execute();
  await psaSynced('psa_ticket_types').$call(textNotNull('name')).$call(integerNotNull('is_opportunity', 'inactive')).execute();
  await psaSynced('psa_tickets')
    .$call(textNotNull('company_id', 'summary', 'status'))
    .$call(integerNotNull('closed'))
    .$call(textNullable('type_id', 'type_name', 'opened_at', 'closed_at', 'updated_at'))
    .execute();
  await db.schema.createIndex('psa_tickets_company').on('psa_tickets').columns(['workspace_id', 'kind', 'company_id', 'opened_at']).execute();

  await createTableWithKey(db, 'company_links', ['workspace_id', 'kind', 'itglue_id'])
    .$call(textNotNull('workspace_id', 'kind', 'itglue_id', 'psa_id', 'source'))
    .$call(textNullable('rule', 'created_by'))
    .$call(textNotNull('created_at'))
    .execute();
  await createTableWithKey(db, 'link_feedback', ['workspace_id', 'kind', 'itglue_id', 'psa_id'])
    .$call(textNotNull('workspace_id', 'kind', 'itglue_id', 'psa_id', 'verdict'))
    .$call(textNullable('itglue_name', 'created_by'))
    .$call(textNotNull('created_at'))
    .execute();

  await createKeyedTable(db, 'opportunities')
    .$call(textNotNull('workspace_id', 'company_id', 'title'))
    .$call(textNullable('description'))
    .addColumn('value', 'double precision')
    .$call(textNullable('ticket_type_id'))
    .$call(textNotNull('status'))
    .$call(textNullable('psa_kind', 'psa_ticket_id', 'error_json', 'created_by'))
    .$call(textNotNull('created_at'))
    .$call(textNullable('exported_at'))
    .execute();

  await createKeyedTable(db, 'notifications')
    .$call(textNotNull('workspace_id'))
    .$call(textNullable('user_id'))
    .$call(textNotNull('kind', 'message', 'created_at'))
    .$call(integerNotNull('read'))
    .execute();

  await createKeyedTable(db, 'mail_log')
    .$call(textNotNull('workspace_id', 'to_addr', 'subject', 'body', 'status'))
    .$call(textNullable('error'))
    .$call(textNotNull('created_at'))
    .execute();
  void sql;
}
