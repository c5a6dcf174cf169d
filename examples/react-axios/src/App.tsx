import { TesseraClientError } from '@tessera/client';
import { type FormEvent, useEffect, useState, useSyncExternalStore } from 'react';
import { AdminPanel } from './AdminPanel.js';
import { api, type Me, tessera } from './tessera.js';

/** The client's status as React state: 'unknown' until restore settles it. */
function useStatus() {
  return useSyncExternalStore(tessera.subscribe, () => tessera.status);
}

export function App() {
  const status = useStatus();
  useEffect(() => {
    // On page load: resume the session through the cookie. "Not signed in" is false, not an error.
    tessera.restore().catch(() => {});
  }, []);
  if (status === 'unknown') return <p>Loading…</p>;
  return status === 'signed-in' ? <Home /> : <Login />;
}

function Login() {
  const [error, setError] = useState('');
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      await tessera.login(String(form.get('email')), String(form.get('password')));
    } catch (err) {
      setError(err instanceof TesseraClientError ? err.message : 'login failed');
    }
  };
  return (
    <form onSubmit={submit}>
      <h1>Sign in</h1>
      <input name="email" type="email" placeholder="email" autoComplete="username" required />
      <input
        name="password"
        type="password"
        placeholder="password"
        autoComplete="current-password"
        required
      />
      <button type="submit">Sign in</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}

function Home() {
  const [me, setMe] = useState<Me>();
  const [profile, setProfile] = useState<unknown>();
  useEffect(() => {
    api.get<Me>('/auth/me').then(
      (res) => setMe(res.data),
      () => {},
    );
    api.get('/demo/profile').then(
      (res) => setProfile(res.data),
      () => {},
    );
  }, []);
  if (me === undefined) return <p>Loading…</p>;
  return (
    <main>
      <h1>Hello {me.email}</h1>
      <p>Roles: {me.roles.join(', ') || 'none'}</p>
      <h2>Protected data</h2>
      <pre>{JSON.stringify(profile, null, 2)}</pre>
      {me.roles.includes('admin') ? <AdminPanel /> : <p>Only admins see the user list.</p>}
      <button type="button" onClick={() => tessera.logout()}>
        Log out
      </button>
      <button type="button" onClick={() => tessera.logoutEverywhere()}>
        Log out everywhere
      </button>
    </main>
  );
}
