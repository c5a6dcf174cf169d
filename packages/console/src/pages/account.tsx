// My account: profile, live sessions (revoke one, log out everywhere), change password.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, client, describeError, type Me, type SessionView } from '../api.js';
import { ActionButton, Badges, Card, deviceName, Empty, Notice, PageHeader, relative, When } from '../ui.js';

/**
 * The signed-in user's own account.
 *
 * @example
 * <AccountPage me={me} onSigningOut={() => (leaving.current = true)} />
 */
export function AccountPage(props: { me: Me; onSigningOut: () => void }) {
  const { me } = props;
  return (
    <div class="page">
      <PageHeader title="My account" lead="Your profile, where you are signed in, and your password." />
      <Card title="Profile" id="profile">
        <dl class="facts">
          <dt>Email</dt>
          <dd>{me.email}</dd>
          <dt>Roles</dt>
          <dd>
            <Badges names={me.roles} />
          </dd>
          <dt>Permissions</dt>
          <dd>
            <Badges names={me.permissions} />
          </dd>
          <dt>User id</dt>
          <dd>
            <code>{me.id}</code>
          </dd>
        </dl>
      </Card>
      <Sessions onSigningOut={props.onSigningOut} />
      <ChangePassword />
    </div>
  );
}

function Sessions(props: { onSigningOut: () => void }) {
  const [sessions, setSessions] = useState<SessionView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [confirmAll, setConfirmAll] = useState(false);

  const load = useCallback(async () => {
    try {
      setSessions((await api<{ sessions: SessionView[] }>('/auth/sessions')).sessions);
      setError(null);
    } catch (err) {
      setError(describeError(err));
    }
  }, []);
  useEffect(() => void load(), [load]);

  const revoke = async (s: SessionView) => {
    setDone(null);
    try {
      if (s.current) {
        props.onSigningOut();
        await client.logout();
        return;
      }
      await api(`/auth/sessions/${encodeURIComponent(s.id)}`, { method: 'DELETE' });
      setDone(`Signed out ${deviceName(s.user_agent)}${s.ip ? ` (${s.ip})` : ''}.`);
      await load();
    } catch (err) {
      setError(describeError(err));
    }
  };

  const everywhere = async () => {
    props.onSigningOut();
    try {
      await client.logoutEverywhere();
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <Card
      title="Where you are signed in"
      id="sessions"
      actions={
        confirmAll ? null : (
          <button type="button" class="btn btn-danger-outline" onClick={() => setConfirmAll(true)}>
            Log out everywhere
          </button>
        )
      }
    >
      {confirmAll && (
        <div class="confirm">
          <p>
            End <strong>every</strong> session of your account, this one included? Every device will have to
            sign in again.
          </p>
          <div class="row">
            <ActionButton kind="danger" onClick={everywhere}>
              Yes, log out everywhere
            </ActionButton>
            <button type="button" class="btn btn-secondary" onClick={() => setConfirmAll(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {error && <Notice kind="error">{error}</Notice>}
      {done && <Notice kind="success">{done}</Notice>}
      {sessions === null && !error && <p class="muted">Loading sessions…</p>}
      {sessions?.length === 0 && <Empty title="No live sessions" />}
      {sessions && sessions.length > 0 && <SessionTable sessions={sessions} onRevoke={revoke} />}
    </Card>
  );
}

/**
 * A table of sessions, with a revoke button on each row.
 *
 * @example
 * <SessionTable sessions={sessions} onRevoke={(s) => revoke(s)} />
 */
export function SessionTable(props: {
  sessions: SessionView[];
  onRevoke?: (s: SessionView) => Promise<void>;
}) {
  const now = Date.now();
  return (
    <div class="table-wrap">
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Address</th>
            <th scope="col">Last used</th>
            <th scope="col">Signed in</th>
            {props.onRevoke && (
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {props.sessions.map((s) => (
            <tr key={s.id}>
              <td data-label="Device">
                <span class="device">{deviceName(s.user_agent)}</span>
                {s.current && <span class="badge badge-current">this session</span>}
              </td>
              <td data-label="Address">{s.ip ?? <span class="muted">unknown</span>}</td>
              <td data-label="Last used">
                <span title={s.last_used_at}>{relative(Date.parse(s.last_used_at), now)}</span>
              </td>
              <td data-label="Signed in">
                <When iso={s.created_at} />
              </td>
              {props.onRevoke && (
                <td class="actions">
                  <ActionButton
                    kind={s.current ? 'secondary' : 'danger-outline'}
                    label={
                      s.current ? 'Sign out of this session' : `Revoke session on ${deviceName(s.user_agent)}`
                    }
                    onClick={() => props.onRevoke?.(s)}
                  >
                    {s.current ? 'Sign out' : 'Revoke'}
                  </ActionButton>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setDone(false);
    if (next !== confirm) {
      setError('The new passwords do not match.');
      return;
    }
    setBusy(true);
    try {
      await api('/auth/password', {
        method: 'POST',
        body: { current_password: current, new_password: next },
      });
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(true);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="Change password" id="password">
      <form class="form form-narrow" onSubmit={submit}>
        {error && <Notice kind="error">{error}</Notice>}
        {done && (
          <Notice kind="success">
            Password changed. Your other sessions were signed out; this one goes on.
          </Notice>
        )}
        <input
          type="email"
          autoComplete="username"
          class="sr-only"
          tabIndex={-1}
          aria-hidden="true"
          readOnly
        />
        <label for="current-password">Current password</label>
        <input
          id="current-password"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onInput={(e) => setCurrent((e.target as HTMLInputElement).value)}
        />
        <label for="new-password">New password</label>
        <input
          id="new-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          maxLength={1024}
          aria-describedby="new-password-help"
          value={next}
          onInput={(e) => setNext((e.target as HTMLInputElement).value)}
        />
        <p class="help" id="new-password-help">
          At least 8 characters. Common passwords are refused.
        </p>
        <label for="confirm-password">Repeat the new password</label>
        <input
          id="confirm-password"
          type="password"
          autoComplete="new-password"
          required
          value={confirm}
          onInput={(e) => setConfirm((e.target as HTMLInputElement).value)}
        />
        <div class="row">
          <button type="submit" class="btn btn-primary" disabled={busy} aria-busy={busy}>
            Change password
          </button>
        </div>
      </form>
    </Card>
  );
}
