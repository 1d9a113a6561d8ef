import { createBrowserRouter, redirect } from 'react-router';
import { RouteError, NotFound } from './components/RouteError';
import { Booting, Shell, ShellError, shellLoader } from './components/Shell';
import { ApiKeysPage, apiKeysLoader } from './pages/admin/ApiKeys';
import { ContextPage, contextLoader } from './pages/admin/Context';
import { ContextsPage, contextsLoader } from './pages/admin/Contexts';
import { IntegrationsPage, integrationsLoader } from './pages/admin/Integrations';
import { PoliciesPage, policiesLoader } from './pages/admin/Policies';
import { PolicyPage, policyLoader } from './pages/admin/Policy';
import { RunPage, runLoader } from './pages/run/RunPage';
import { SignInPage, signInLoader } from './pages/SignIn';
import { StackPage, stackLoader } from './pages/Stack';
import { StacksPage, stacksLoader } from './pages/Stacks';

/**
 * The console's pages at their real URLs (the server answers each with the same HTML page).
 * Every page loads its data before it shows; a page's failure shows inside the shell.
 */
export const router = createBrowserRouter([
  {
    path: '/signin',
    loader: signInLoader,
    Component: SignInPage,
    ErrorBoundary: ShellError,
    HydrateFallback: Booting,
  },
  {
    id: 'shell',
    path: '/',
    loader: shellLoader,
    // Who is signed in changes only by signing in or out, which leave the shell.
    shouldRevalidate: () => false,
    Component: Shell,
    ErrorBoundary: ShellError,
    HydrateFallback: Booting,
    children: [
      {
        ErrorBoundary: RouteError,
        children: [
          { index: true, loader: stacksLoader, Component: StacksPage },
          { path: 'stack/:stackId', loader: stackLoader, Component: StackPage },
          { path: 'stack/:stackId/run/:runId', loader: runLoader, Component: RunPage },
          { path: 'admin', loader: () => redirect('/admin/integrations') },
          {
            path: 'admin/integrations',
            loader: integrationsLoader,
            Component: IntegrationsPage,
          },
          { path: 'admin/api-keys', loader: apiKeysLoader, Component: ApiKeysPage },
          { path: 'admin/policies', loader: policiesLoader, Component: PoliciesPage },
          { path: 'admin/policies/:policyId', loader: policyLoader, Component: PolicyPage },
          { path: 'admin/contexts', loader: contextsLoader, Component: ContextsPage },
          { path: 'admin/contexts/:contextId', loader: contextLoader, Component: ContextPage },
          { path: '*', Component: NotFound },
        ],
      },
    ],
  },
]);
