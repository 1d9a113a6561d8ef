import { useCallback } from 'react';
import { redirect, useLocation, useNavigate } from 'react-router';
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
  const location = useLocation();
  return useCallback(
    (error: unknown) => {
      if (!(error instanceof SessionEndedError)) return false;
      void navigate(signInPath(location.pathname + location.search), { replace: true });
      return true;
    },
    [navigate, location.pathname, location.search],
  );
}

/** A required route parameter; the router only matches the route with it. */
export function param(params: Record<string, string | undefined>, name: string): string {
  const value = params[name];
  if (value === undefined) throw new Error(`the route has no :${name}`);
  return value;
}
