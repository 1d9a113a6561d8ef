/**
 * Helpers for batch reads: the rows of one query handed back in the order of the keys asked
 * for, as a DataLoader wants them.
 */

/** Every key's rows, in key order; a key without rows gets an empty list. */
export function groupedBy<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const groups = new Map<K, V[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key)!);
}

/** Every key's row, in key order; undefined where there is none. */
export function oneBy<K, V>(
  keys: readonly K[],
  rows: V[],
  keyOf: (row: V) => K,
): (V | undefined)[] {
  const found = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => found.get(key));
}
