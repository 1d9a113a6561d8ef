import { useCallback } from 'react';
import { redirect, useNavigate } from 'react-router';
import { SessionEndedError } from './graphql';
import { signInPath } from './session';

/**
 * Runs a page's loader. When the session has ended the person is sent to sign in, and comes
 * back to the page they asked for afterwards.
 */
export async function loadOrSignIn<T>(request: Request, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof SessionEndedError) {
      const url = new URL(request.url);
      throw redirect(signInPath(url.pathname + url.search));
    }
    throw error;
  }
}

/**
 * For errors outside loaders (buttons, polling): sends the person to sign in when the error
 * says the session ended, and says whether it did.
 */
export function useSignInOnSessionEnd(): (error: unknown) => boolean {
  const navigate = useNavigate();
  // The address is read when the error comes, so the function stays the same while the person
  // moves around, and effects that use it are not started again.
  return useCallback(
    (error: unknown) => {
      if (!(error instanceof SessionEndedError)) return false;
      const { pathname, search } = window.location;
      void navigate(signInPath(pathname + search), { replace: true });
      return true;
    },
    [navigate],
  );
}

/** A required route parameter; the router only matches the route with it. */
export function param(params: Record<string, string | undefined>, name: string): string {
  const value = params[name];
  if (value === undefined) throw new Error(`the route has no :${name}`);
  return value;
}
