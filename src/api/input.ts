/**
 * Whether a parsed JSON value holds a NUL character in any string, key or value. PostgreSQL
 * keeps none in text or jsonb, so such input is refused as bad rather than failing on storage.
 */
export function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => key.includes('\0') || containsNul(item));
  }
  return false;
}
