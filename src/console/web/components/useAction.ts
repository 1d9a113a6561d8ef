import { useCallback, useState } from 'react';
import { messageOf } from '../api/graphql';
import { useSignInOnSessionEnd } from '../api/routing';

export interface Action {
  /** The name of the action under way, if one is. */
  pending: string | null;
  /** The last action that failed, and why, as Gantry said it. */
  error: { action: string; message: string } | null;
  /** Runs `perform` as the action `name`, one at a time; true when it succeeded. */
  run(name: string, perform: () => Promise<void>): Promise<boolean>;
  clearError(): void;
}

/** A button's work: pending while it runs, its error kept to be shown beside it. */
export function useAction(): Action {
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<Action['error']>(null);
  const signInAgain = useSignInOnSessionEnd();
  const run = useCallback(
    async (name: string, perform: () => Promise<void>) => {
      setPending(name);
      setError(null);
      try {
        await perform();
        return true;
      } catch (caught) {
        if (!signInAgain(caught)) setError({ action: name, message: messageOf(caught) });
        return false;
      } finally {
        setPending(null);
      }
    },
    [signInAgain],
  );
  const clearError = useCallback(() => setError(null), []);
  return { pending, error, run, clearError };
}
