/**
 * A PostgreSQL dialect whose introspection sees only the connection's own schema (`current_schema()`).
 *
 * Kysely's Migrator asks the introspector whether its tables exist. Kysely's own PostgreSQL introspector
 * reads every schema of the database and resolves each by name (`has_schema_privilege(nspname, …)`,
 * `pg_get_serial_sequence(…)`): when another process drops a schema while that query runs (other apps
 * sharing the database, parallel test runs cleaning up), the query fails with "schema … does not exist"
 * and the migration with it. Reading only our schema, by oid, has no such race and does less work.
 */
import { PostgresDialect, sql, type DatabaseIntrospector, type DatabaseMetadata, type DatabaseMetadataOptions, type Kysely, type SchemaMetadata, type TableMetadata } from 'kysely';

interface ColumnRow {
  schema: string;
  table: string;
  table_type: string;
  column: string | null;
  not_null: boolean | null;
  has_default: boolean | null;
  type: string | null;
  type_schema: string | null;
}

class CurrentSchemaIntrospector implements DatabaseIntrospector {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  constructor(private readonly db: Kysely<any>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const r = await sql<{ name: string }>`SELECT nspname AS name FROM pg_catalog.pg_namespace`.execute(this.db);
    return r.rows.map((row) => ({ name: row.name }));
  }

  async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    const r = await sql<ColumnRow>`
      SELECT ns.nspname AS schema, c.relname AS table, c.relkind AS table_type,
             a.attname AS column, a.attnotnull AS not_null, a.atthasdef AS has_default,
             typ.typname AS type, dtns.nspname AS type_schema
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace ns ON ns.oid = c.relnamespace
        LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        LEFT JOIN pg_catalog.pg_type typ ON typ.oid = a.atttypid
        LEFT JOIN pg_catalog.pg_namespace dtns ON dtns.oid = typ.typnamespace
       WHERE ns.nspname = current_schema() AND c.relkind IN ('r', 'v', 'p')
       ORDER BY c.relname, a.attnum`.execute(this.db);
    const tables = new Map<string, TableMetadata>();
    for (const row of r.rows) {
      if (!options.withInternalKyselyTables && (row.table === 'kysely_migration' || row.table === 'kysely_migration_lock')) continue;
      let t = tables.get(row.table);
      if (t === undefined) {
        t = { name: row.table, schema: row.schema, isView: row.table_type === 'v', columns: [] };
        tables.set(row.table, t);
      }
      if (row.column === null) continue;
      t.columns.push({
        name: row.column,
        dataType: row.type ?? '',
        ...(row.type_schema !== null ? { dataTypeSchema: row.type_schema } : {}),
        isNullable: row.not_null !== true,
        hasDefaultValue: row.has_default === true,
        // Column defaults are not read; no table of ours uses serial columns.
        isAutoIncrementing: false,
      });
    }
    return [...tables.values()];
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}

export class CurrentSchemaPostgresDialect extends PostgresDialect {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}
