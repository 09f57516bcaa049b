import type { ColumnDataType, CreateTableBuilder, Kysely } from 'kysely';

/*
 * Column builders shared by the migrations (not a migration itself: db.ts lists the migrations it runs).
 * They only shorten the Kysely calls: the DDL they produce is what the spelled-out `addColumn` calls produced, so
 * databases migrated before they existed and fresh ones end with the same schema. Use them with `$call`.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Table = CreateTableBuilder<string, any>;

function columns(type: ColumnDataType, notNull: boolean) {
  return (...names: string[]) => (t: Table): Table =>
    names.reduce((acc, name) => (notNull ? acc.addColumn(name, type, (c) => c.notNull()) : acc.addColumn(name, type)), t);
}

/** Each of `names`, in order, as `text not null`. */
export const textNotNull = columns('text', true);
/** Each of `names`, in order, as nullable `text`. */
export const textNullable = columns('text', false);
/** Each of `names`, in order, as `integer not null`. */
export const integerNotNull = columns('integer', true);

/** `create table name (key text primary key, …)`: the key is the first column. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createKeyedTable(db: Kysely<any>, name: string, key = 'id'): Table {
  return db.schema.createTable(name).addColumn(key, 'text', (c) => c.primaryKey());
}

/**
 * `create table name (…, constraint name_pk primary key (key))`. Kysely writes constraints after all the columns,
 * so the caller adds the columns afterwards.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createTableWithKey(db: Kysely<any>, name: string, key: string[]): Table {
  return (db.schema.createTable(name) as Table).addPrimaryKeyConstraint(`${name}_pk`, key);
}

/** A synced vendor record's bookkeeping: the last sync run that saw it and when it was written. */
export const syncStamp = (t: Table): Table => t.$call(textNullable('last_seen_run')).$call(textNotNull('synced_at'));
