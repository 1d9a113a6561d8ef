import { useEffect, useRef, useState } from 'react';
import {
  Link,
  NavLink,
  Outlet,
  redirect,
  ScrollRestoration,
  useLoaderData,
  useLocation,
  useNavigate,
  useNavigation,
  useRouteLoaderData,
  type LoaderFunctionArgs,
} from 'react-router';
import {
  fetchConfig,
  fetchViewer,
  signInPath,
  signOut,
  type ConsoleConfig,
  type Viewer,
} from '../api/session';
import { ErrorNotice } from './Notice';
import { RouteError } from './RouteError';

export interface ShellData {
  viewer: Viewer;
  config: ConsoleConfig;
}

/** Who is signed in, and what the server offers; nobody signed in goes to sign in first. */
export async function shellLoader({ request }: LoaderFunctionArgs): Promise<ShellData> {
  const [viewer, config] = await Promise.all([fetchViewer(), fetchConfig()]);
  if (!viewer) {
    const url = new URL(request.url);
    throw redirect(signInPath(url.pathname + url.search));
  }
  return { viewer, config };
}

/** The signed-in person and the server's settings, for any page inside the shell. */
export function useShell(): ShellData {
  const data = useRouteLoaderData<ShellData>('shell');
  if (!data) throw new Error('useShell is only for pages inside the shell');
  return data;
}

const ADMIN_LINKS = [
  { to: '/admin/integrations', label: 'Integrations' },
  { to: '/admin/api-keys', label: 'API keys' },
  { to: '/admin/policies', label: 'Policies' },
  { to: '/admin/contexts', label: 'Contexts' },
];

/** Every signed-in page: the header with the navigation and the person, and the page. */
export function Shell() {
  const { viewer } = useLoaderData<ShellData>();
  const navigation = useNavigation();
  const location = useLocation();
  const navigate = useNavigate();
  const [menuOpen, setMenuOpen] = useState(false);
  const [signOutError, setSignOutError] = useState<string | null>(null);
  const main = useRef<HTMLElement>(null);
  const shownPath = useRef(location.pathname);

  // A new page takes the focus, as a page load would, so keyboard and screen reader users
  // start at its top rather than on the link they left.
  useEffect(() => {
    if (shownPath.current === location.pathname) return;
    shownPath.current = location.pathname;
    main.current?.focus({ preventScroll: true });
  }, [location.pathname]);

  const leave = async () => {
    setSignOutError(null);
    try {
      await signOut();
      await navigate('/signin');
    } catch (error) {
      setSignOutError((error as Error).message);
    }
  };

  const loading = navigation.state === 'loading';
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="site-header">
        <div className="site-header-inner">
          <Link to="/" className="brand">
            <span aria-hidden="true" className="brand-mark" />
            Gantry
          </Link>
          <button
            type="button"
            className="button menu-button"
            aria-expanded={menuOpen}
            aria-controls="site-menu"
            onClick={() => setMenuOpen((open) => !open)}
          >
            Menu
          </button>
          <div id="site-menu" className="site-menu" data-open={menuOpen}>
            <nav aria-label="Main">
              <ul className="nav-list">
                <li>
                  <NavLink to="/" end onClick={() => setMenuOpen(false)}>
                    Stacks
                  </NavLink>
                </li>
                {viewer.admin &&
                  ADMIN_LINKS.map((link) => (
                    <li key={link.to}>
                      <NavLink to={link.to} onClick={() => setMenuOpen(false)}>
                        {link.label}
                      </NavLink>
                    </li>
                  ))}
              </ul>
            </nav>
            <div className="viewer">
              {viewer.avatarURL && (
                <img className="avatar" src={viewer.avatarURL} alt="" width={28} height={28} />
              )}
              <span className="viewer-name" title={viewer.id}>
                {viewer.name || viewer.id}
              </span>
              <button type="button" className="button" onClick={() => void leave()}>
                Sign out
              </button>
            </div>
          </div>
        </div>
        <div className="progress" data-active={loading} aria-hidden="true" />
      </header>
      <main id="main" ref={main} tabIndex={-1} aria-busy={loading}>
        {signOutError && (
          <ErrorNotice title="You are still signed in">
            <p>{signOutError}</p>
          </ErrorNotice>
        )}
        <Outlet />
      </main>
      <ScrollRestoration />
    </>
  );
}

/** A failure before the shell could be shown: the session or the settings did not load. */
export function ShellError() {
  return (
    <main id="main">
      <RouteError />
    </main>
  );
}

/** The first paint, while the session and the first page load. */
export function Booting() {
  return (
    <main id="main" className="booting" aria-busy="true">
      <title>Gantry</title>
      <p role="status">Loading Gantry…</p>
    </main>
  );
}
