/** What PostgreSQL's refusals mean, for the stores that turn them into Gantry's errors. */

/** Whether PostgreSQL refused a statement for a foreign key (SQLSTATE 23503). */
export function foreignKeyViolation(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if ((cause as { code?: unknown }).code === '23503') return true;
  }
  return false;
}
