import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

/**
 * Pieces of statements written by hand (a whole write in one statement, with CTEs), that read
 * and write rows as the ORM does: values encoded by their columns, rows decoded by them.
 */

/**
 * `values` of `table` as an insert's column list and a select list of typed parameters, for
 * `insert into t (columns) select values from …`.
 */
export function insertSelect<T extends PgTable>(
  table: T,
  values: Partial<T['$inferInsert']>,
): { columns: SQL; values: SQL } {
  const columns = getTableColumns(table);
  const given = Object.entries(values).map(([key, value]) => {
    const column = columns[key];
    if (!column) throw new Error(`writing a row: the table has no column "${key}"`);
    return { column, value };
  });
  return {
    columns: sql.join(
      given.map(({ column }) => sql.identifier(column.name)),
      sql`, `,
    ),
    values: sql.join(
      given.map(
        ({ column, value }) => sql`${sql.param(value, column)}::${sql.raw(column.getSQLType())}`,
      ),
      sql`, `,
    ),
  };
}

/**
 * A row of `table` as a statement's `returning *` gives it (keys are column names), decoded as
 * the ORM's own select would. Keys that are not the table's columns are left out.
 */
export function rowOf<T extends PgTable>(
  table: T,
  raw: Record<string, unknown>,
): T['$inferSelect'] {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row;
}
