import { useId, useState, type FormEvent } from 'react';
import { redirect, useLoaderData, useNavigate, type LoaderFunctionArgs } from 'react-router';
import {
  fetchConfig,
  fetchViewer,
  gitlabSignInHref,
  safeNext,
  signIn,
  type ConsoleConfig,
  type Credentials,
} from '../api/session';
import { ErrorNotice } from '../components/Notice';
import { formText } from '../components/formText';

interface SignInData {
  config: ConsoleConfig;
  next: string;
  /** Why a sign-in through GitLab came back without a session. */
  error: string | null;
}

/** Someone already signed in goes straight on to where they were going. */
export async function signInLoader({ request }: LoaderFunctionArgs): Promise<SignInData> {
  const url = new URL(request.url);
  const next = safeNext(url.searchParams.get('next'));
  const [viewer, config] = await Promise.all([fetchViewer(), fetchConfig()]);
  if (viewer) throw redirect(next);
  return { config, next, error: url.searchParams.get('error') };
}

/**
 * Signing in: with an API key, with the admin token (for setting Gantry up, before there are
 * keys), or through GitLab when its OAuth application is configured.
 */
export function SignInPage() {
  const { config, next, error: returnedError } = useLoaderData<SignInData>();
  const navigate = useNavigate();
  const [pending, setPending] = useState<Credentials['method'] | null>(null);
  const [error, setError] = useState<{ method: Credentials['method']; message: string } | null>(
    null,
  );
  const ids = useId();

  const submit = async (event: FormEvent<HTMLFormElement>, method: Credentials['method']) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => formText(form, name).trim();
    const credentials: Credentials =
      method === 'apiKey'
        ? { method, id: field('id'), secret: field('secret') }
        : { method, token: field('token') };
    setPending(method);
    setError(null);
    try {
      await signIn(credentials);
      await navigate(next, { replace: true });
    } catch (caught) {
      setError({ method, message: (caught as Error).message });
      setPending(null);
    }
  };

  return (
    <main id="main" className="signin">
      <title>Sign in · Gantry</title>
      <div className="signin-card">
        <h1>
          <span aria-hidden="true" className="brand-mark" /> Sign in to Gantry
        </h1>
        {returnedError && (
          <ErrorNotice title="GitLab did not sign you in">
            <p>{returnedError}</p>
            <p>Try again, or sign in with an API key.</p>
          </ErrorNotice>
        )}

        {config.gitlabSignIn && (
          <>
            <a className="button button-primary button-block" href={gitlabSignInHref(next)}>
              Sign in with GitLab
            </a>
            <p className="divider">
              <span>or with an API key</span>
            </p>
          </>
        )}

        <form
          className="stack-form"
          aria-labelledby={`${ids}-api-key`}
          onSubmit={(event) => void submit(event, 'apiKey')}
        >
          <h2 id={`${ids}-api-key`} className={config.gitlabSignIn ? 'visually-hidden' : ''}>
            API key
          </h2>
          <div className="field">
            <label htmlFor={`${ids}-id`}>API key ID</label>
            <input
              id={`${ids}-id`}
              name="id"
              required
              autoComplete="username"
              spellCheck={false}
              autoCapitalize="none"
            />
          </div>
          <div className="field">
            <label htmlFor={`${ids}-secret`}>API key secret</label>
            <input
              id={`${ids}-secret`}
              name="secret"
              type="password"
              required
              autoComplete="current-password"
            />
          </div>
          {error?.method === 'apiKey' && (
            <ErrorNotice title="Not signed in">
              <p>{error.message}</p>
            </ErrorNotice>
          )}
          <button className="button button-primary" type="submit" disabled={pending !== null}>
            Sign in
          </button>
          <p className="hint">
            An admin creates API keys under <strong>API keys</strong>; the secret is shown once,
            when the key is made.
          </p>
        </form>

        <details className="admin-token" open={error?.method === 'adminToken' || undefined}>
          <summary>Sign in with the admin token</summary>
          <form
            className="stack-form"
            aria-label="Admin token"
            onSubmit={(event) => void submit(event, 'adminToken')}
          >
            <p className="hint">
              For setting Gantry up: the token is <code>GANTRY_ADMIN_TOKEN</code>, or what the
              admin-token file in the data dir holds (<code>gantry all</code> names the file when it
              starts).
            </p>
            <div className="field">
              <label htmlFor={`${ids}-token`}>Admin token</label>
              <input id={`${ids}-token`} name="token" type="password" required autoComplete="off" />
            </div>
            {error?.method === 'adminToken' && (
              <ErrorNotice title="Not signed in">
                <p>{error.message}</p>
              </ErrorNotice>
            )}
            <button className="button" type="submit" disabled={pending !== null}>
              Sign in
            </button>
          </form>
        </details>
      </div>
    </main>
  );
}
