/** What PostgreSQL's refusals mean, for the stores that turn them into Gantry's errors. */

/**
 * What `write` answers; `refusal()` is thrown instead when PostgreSQL refuses the write for a
 * foreign key (SQLSTATE 23503), such as deleting a row others name or naming one that is gone.
 */
export async function onForeignKeyViolation<T>(
  write: () => Promise<T>,
  refusal: () => Error,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (foreignKeyViolation(error)) throw refusal();
    throw error;
  }
}

function foreignKeyViolation(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if ((cause as { code?: unknown }).code === '23503') return true;
  }
  return false;
}
