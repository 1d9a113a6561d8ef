import type { Stack } from '../api/schema.generated';

/** Why a stack may not start runs now: locked, disabled, being deleted. */
export function StackMarks({
  stack,
}: {
  stack: Pick<Stack, 'lockedBy' | 'isDisabled' | 'deleting'>;
}) {
  if (!stack.lockedBy && !stack.isDisabled && !stack.deleting) return null;
  return (
    <ul className="marks" aria-label="Marks">
      {stack.lockedBy && (
        <li className="mark mark-locked">
          <span aria-hidden="true">🔒 </span>Locked by {stack.lockedBy}
        </li>
      )}
      {stack.isDisabled && <li className="mark mark-disabled">Disabled</li>}
      {stack.deleting && <li className="mark mark-deleting">Being deleted</li>}
    </ul>
  );
}
