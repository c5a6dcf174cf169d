// Sign in and create an account. Registration may be closed by the server's configuration.
import { useState } from 'preact/hooks';
import { client, describeError, registration } from '../api.js';
import { Notice } from '../ui.js';

/**
 * The page shown to a visitor who is not signed in.
 *
 * @example
 * <SignInPage notice={null} onSignedIn={loadMe} />
 */
export function SignInPage(props: { notice: string | null; onSignedIn: () => Promise<void> }) {
  const open = registration() === 'open';
  const [mode, setMode] = useState<'signin' | 'register'>('signin');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const registering = mode === 'register';

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      if (registering) await client.register(email, password);
      await client.login(email, password);
      setPassword('');
      await props.onSignedIn();
    } catch (err) {
      setError(
        registering && (err as { code?: string }).code === 'ERR_CLIENT_INVALID_CREDENTIALS'
          ? 'The account could not be signed in: if this email already had an account, sign in with its password.'
          : describeError(err),
      );
    } finally {
      setBusy(false);
    }
  };

  const switchTo = (next: 'signin' | 'register') => {
    setMode(next);
    setError(null);
  };

  return (
    <main class="auth" id="main">
      <div class="auth-card">
        <div class="auth-brand">
          <span class="logo" aria-hidden="true" />
          <span>
            Tessera <span class="brand-sub">console</span>
          </span>
        </div>
        <h1 tabIndex={-1} id="page-title">
          {registering ? 'Create your account' : 'Sign in'}
        </h1>
        {props.notice && <Notice kind="warn">{props.notice}</Notice>}
        {error && <Notice kind="error">{error}</Notice>}
        <form onSubmit={submit} class="form" noValidate={false}>
          <label for="email">Email</label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete={registering ? 'email' : 'username'}
            required
            maxLength={254}
            value={email}
            onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
          />
          <label for="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete={registering ? 'new-password' : 'current-password'}
            required
            minLength={registering ? 8 : 1}
            maxLength={1024}
            aria-describedby={registering ? 'password-help' : undefined}
            value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          />
          {registering && (
            <p class="help" id="password-help">
              At least 8 characters; a long passphrase is best. Common passwords are refused.
            </p>
          )}
          <button type="submit" class="btn btn-primary btn-block" disabled={busy} aria-busy={busy}>
            {busy ? 'Please wait…' : registering ? 'Create account' : 'Sign in'}
          </button>
        </form>
        <div class="auth-switch">
          {registering ? (
            <p>
              Already have an account?{' '}
              <button type="button" class="link" onClick={() => switchTo('signin')}>
                Sign in
              </button>
            </p>
          ) : open ? (
            <p>
              New here?{' '}
              <button type="button" class="link" onClick={() => switchTo('register')}>
                Create an account
              </button>
            </p>
          ) : (
            <p class="closed" id="registration-closed">
              <strong>Registration is closed.</strong> An administrator creates accounts on this server.
            </p>
          )}
        </div>
      </div>
      <p class="auth-foot muted">Your session stays in a secure, HttpOnly cookie that scripts cannot read.</p>
    </main>
  );
}
