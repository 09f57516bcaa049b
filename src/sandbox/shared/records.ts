/** In-memory records of the vendor sandboxes: a table of records by id, and patches that leave out what they do not set. */

/** A sandbox's records of one kind, in order, with an index by id. */
export class RecordTable<R extends { id: number }> {
  rows: R[] = [];
  private byId = new Map<number, R>();

  /** `noun` names a record in errors ("no ticket 7"). */
  constructor(private readonly noun: string) {}

  /** Replaces every record. */
  load(rows: R[]): void {
    this.rows = rows;
    this.byId = new Map(rows.map((r) => [r.id, r]));
  }

  get(id: number): R | undefined {
    return this.byId.get(id);
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  /** The record with this id; throws when there is none. */
  require(id: number): R {
    const r = this.byId.get(id);
    if (r === undefined) throw new Error(`no ${this.noun} ${id}`);
    return r;
  }

  add(row: R): R {
    this.rows.push(row);
    this.byId.set(row.id, row);
    return row;
  }

  remove(id: number): void {
    this.rows = this.rows.filter((r) => r.id !== id);
    this.byId.delete(id);
  }
}

/** Copies the `fields` that `from` sets (not undefined) onto `into`. */
export function copyDefined<R, P, K extends keyof P & keyof R>(into: R, from: P, fields: readonly K[]): void {
  for (const k of fields) if (from[k] !== undefined) (into as Record<K, unknown>)[k] = from[k];
}
