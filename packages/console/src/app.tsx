// The console's shell: who is signed in, the hash router, the navigation.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, client, describeError, type Me } from './api.js';
import { AccountPage } from './pages/account.js';
import { AuditPage } from './pages/admin-audit.js';
import { KeysPage } from './pages/admin-keys.js';
import { UserPage } from './pages/admin-user.js';
import { UsersPage } from './pages/admin-users.js';
import { SignInPage } from './pages/signin.js';
import { TokenPage } from './pages/token.js';
import { Notice } from './ui.js';

/** The route: `#/account`, `#/admin/users/<id>`…; the hash keeps every path under `/`. */
function currentRoute(): string {
  const hash = location.hash.replace(/^#/, '');
  return hash.startsWith('/') ? hash : '/account';
}

const NAV: { route: string; label: string; admin?: boolean }[] = [
  { route: '/account', label: 'My account' },
  { route: '/token', label: 'Token inspector' },
  { route: '/admin/users', label: 'Users', admin: true },
  { route: '/admin/audit', label: 'Audit log', admin: true },
  { route: '/admin/keys', label: 'Signing keys', admin: true },
];

/**
 * The whole console.
 *
 * @example
 * render(<App />, document.getElementById('app') as HTMLElement);
 */
export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [route, setRoute] = useState(currentRoute());
  const [ended, setEnded] = useState<string | null>(null);
  const [bootError, setBootError] = useState<string | null>(null);
  const leaving = useRef(false);
  const signedIn = useRef(false);

  const loadMe = useCallback(async () => {
    try {
      setMe(await api<Me>('/auth/me'));
      signedIn.current = true;
    } catch (err) {
      if (client.status === 'signed-out') setMe(null);
      else setBootError(describeError(err));
    }
  }, []);

  useEffect(() => {
    const onHash = () => setRoute(currentRoute());
    window.addEventListener('hashchange', onHash);
    const unsubscribe = client.subscribe((event) => {
      if (event === 'signed-out') {
        setMe(null);
        // Only a session that was open and ended without this page asking is news to the user.
        if (signedIn.current && !leaving.current) {
          setEnded('Your session has ended (it was revoked or expired). Sign in again.');
        }
        signedIn.current = false;
        leaving.current = false;
      }
    });
    client
      .restore()
      .then((ok) => (ok ? loadMe() : setMe(null)))
      .catch((err) => setBootError(describeError(err)));
    return () => {
      window.removeEventListener('hashchange', onHash);
      unsubscribe();
    };
  }, [loadMe]);

  // Focus the page heading on navigation, so keyboard and screen-reader users land on the new page.
  useEffect(() => {
    document.getElementById('page-title')?.focus();
  }, [route, me === null]);

  if (bootError !== null && me === undefined) {
    return (
      <Centered>
        <Notice kind="error">{bootError}</Notice>
        <button type="button" class="btn btn-primary" onClick={() => location.reload()}>
          Retry
        </button>
      </Centered>
    );
  }
  if (me === undefined) {
    return (
      <Centered>
        <p class="muted" role="status">
          Loading…
        </p>
      </Centered>
    );
  }
  if (me === null) {
    return (
      <SignInPage
        notice={ended}
        onSignedIn={async () => {
          setEnded(null);
          await loadMe();
        }}
      />
    );
  }

  const isAdmin = me.roles.includes('admin');
  const signOut = async () => {
    leaving.current = true;
    await client.logout();
  };
  return (
    <div class="shell">
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header class="topbar">
        <a class="brand" href="#/account">
          <span class="logo" aria-hidden="true" />
          Tessera <span class="brand-sub">console</span>
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.filter((n) => !n.admin || isAdmin).map((n) => (
              <li key={n.route}>
                <a
                  href={`#${n.route}`}
                  class={route.startsWith(n.route) ? 'active' : undefined}
                  aria-current={route.startsWith(n.route) ? 'page' : undefined}
                >
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span class="who-email" title={me.email}>
            {me.email}
          </span>
          <button type="button" class="btn btn-ghost" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Route
          route={route}
          me={me}
          isAdmin={isAdmin}
          onMeChanged={loadMe}
          onSigningOut={() => (leaving.current = true)}
        />
      </main>
    </div>
  );
}

function Route(props: {
  route: string;
  me: Me;
  isAdmin: boolean;
  onMeChanged: () => Promise<void>;
  onSigningOut: () => void;
}) {
  const { route, me, isAdmin } = props;
  if (route === '/account') return <AccountPage me={me} onSigningOut={props.onSigningOut} />;
  if (route === '/token') return <TokenPage />;
  if (route.startsWith('/admin/')) {
    if (!isAdmin) return <Forbidden />;
    if (route === '/admin/users') return <UsersPage />;
    const user = /^\/admin\/users\/([\w-]{1,64})$/.exec(route);
    if (user) return <UserPage id={user[1] as string} me={me} onMeChanged={props.onMeChanged} />;
    if (route === '/admin/audit') return <AuditPage />;
    if (route === '/admin/keys') return <KeysPage />;
  }
  return (
    <div class="page">
      <h1 tabIndex={-1} id="page-title">
        Page not found
      </h1>
      <p>
        There is no page at this address. <a href="#/account">Go to my account</a>.
      </p>
    </div>
  );
}

function Forbidden() {
  return (
    <div class="page">
      <h1 tabIndex={-1} id="page-title">
        Administrators only
      </h1>
      <Notice kind="warn">This page needs the admin role. Ask an administrator if you need access.</Notice>
    </div>
  );
}

function Centered(props: { children: ComponentChildren }) {
  return (
    <main class="centered" id="main">
      {props.children}
    </main>
  );
}
