// Admin: one account: roles and permissions, block or unblock, end its sessions, set its password.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, api, describeError, type Me, type UserView } from '../api.js';
import { ActionButton, Badges, Card, Empty, Notice, nameList, PageHeader, When } from '../ui.js';
import { SessionTable } from './account.js';

/**
 * The page of one user.
 *
 * @example
 * <UserPage id={id} me={me} onMeChanged={loadMe} /> // at #/admin/users/<id>
 */
export function UserPage(props: { id: string; me: Me; onMeChanged: () => Promise<void> }) {
  const [user, setUser] = useState<UserView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);

  const load = useCallback(async () => {
    try {
      setUser(await api<UserView>(`/admin/users/${encodeURIComponent(props.id)}`));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setMissing(true);
      else setError(describeError(err));
    }
  }, [props.id]);
  useEffect(() => void load(), [load]);

  const act = async (what: () => Promise<unknown>, message: string) => {
    setError(null);
    setDone(null);
    try {
      await what();
      setDone(message);
      await load();
      if (props.id === props.me.id) await props.onMeChanged();
    } catch (err) {
      setError(describeError(err));
    }
  };

  if (missing) {
    return (
      <div class="page">
        <PageHeader title="No such user" />
        <Empty title="This account does not exist">
          It may have been deleted. <a href="#/admin/users">Back to users</a>
        </Empty>
      </div>
    );
  }
  if (user === null) {
    return (
      <div class="page">
        <PageHeader title="User" />
        {error ? <Notice kind="error">{error}</Notice> : <p class="muted">Loading…</p>}
      </div>
    );
  }
  const self = user.id === props.me.id;
  const path = `/admin/users/${encodeURIComponent(user.id)}`;
  return (
    <div class="page">
      <p class="crumbs">
        <a href="#/admin/users">Users</a> <span aria-hidden="true">/</span>
      </p>
      <PageHeader
        title={user.email}
        lead={
          <>
            {user.blocked ? (
              <span class="badge badge-danger">blocked</span>
            ) : (
              <span class="badge badge-ok">active</span>
            )}{' '}
            Created <When iso={user.created_at} />
          </>
        }
      />
      {error && <Notice kind="error">{error}</Notice>}
      {done && <Notice kind="success">{done}</Notice>}
      <div class="grid-2">
        <Access
          user={user}
          onSave={(body) => act(() => api(path, { method: 'PATCH', body }), 'Roles and permissions saved.')}
        />
        <Card title="Account" id="account-actions">
          <dl class="facts">
            <dt>User id</dt>
            <dd>
              <code>{user.id}</code>
            </dd>
            <dt>Roles</dt>
            <dd>
              <Badges names={user.roles} />
            </dd>
          </dl>
          <div class="stack">
            {user.blocked ? (
              <ActionButton
                onClick={() =>
                  act(
                    () => api(path, { method: 'PATCH', body: { blocked: false } }),
                    'The account is unblocked.',
                  )
                }
              >
                Unblock account
              </ActionButton>
            ) : (
              <ActionButton
                kind="danger-outline"
                disabled={self}
                onClick={() =>
                  act(
                    () => api(path, { method: 'PATCH', body: { blocked: true } }),
                    'The account is blocked: its sessions ended and it cannot sign in.',
                  )
                }
              >
                Block account
              </ActionButton>
            )}
            <ActionButton
              kind="danger-outline"
              onClick={() =>
                act(
                  () => api(`${path}/revoke-sessions`, { method: 'POST' }),
                  'Every session of this account was ended.',
                )
              }
            >
              Revoke all sessions
            </ActionButton>
            {self && <p class="help">You cannot block your own account here.</p>}
          </div>
        </Card>
      </div>
      <SetPassword path={path} onDone={(m) => setDone(m)} />
      <Card title="Live sessions" id="user-sessions">
        {user.sessions && user.sessions.length > 0 ? (
          <SessionTable sessions={user.sessions} />
        ) : (
          <Empty title="No live sessions">This account is not signed in anywhere.</Empty>
        )}
      </Card>
    </div>
  );
}

function Access(props: {
  user: UserView;
  onSave: (body: { roles: string[]; permissions: string[] }) => Promise<void>;
}) {
  const [roles, setRoles] = useState(props.user.roles.join(', '));
  const [permissions, setPermissions] = useState(props.user.permissions.join(', '));
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setRoles(props.user.roles.join(', '));
    setPermissions(props.user.permissions.join(', '));
  }, [props.user]);
  return (
    <Card title="Roles and permissions" id="access">
      <form
        class="form"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          try {
            await props.onSave({ roles: nameList(roles), permissions: nameList(permissions) });
          } finally {
            setBusy(false);
          }
        }}
      >
        <label for="roles">Roles</label>
        <input
          id="roles"
          value={roles}
          aria-describedby="roles-help"
          onInput={(e) => setRoles((e.target as HTMLInputElement).value)}
        />
        <p class="help" id="roles-help">
          Comma-separated, e.g. <code>user, admin</code>. A change revokes the account’s current access
          tokens.
        </p>
        <label for="permissions">Permissions</label>
        <input
          id="permissions"
          value={permissions}
          aria-describedby="permissions-help"
          onInput={(e) => setPermissions((e.target as HTMLInputElement).value)}
        />
        <p class="help" id="permissions-help">
          Comma-separated, e.g. <code>orders:read, orders:write</code>.
        </p>
        <div class="row">
          <button type="submit" class="btn btn-primary" disabled={busy} aria-busy={busy}>
            Save
          </button>
        </div>
      </form>
    </Card>
  );
}

function SetPassword(props: { path: string; onDone: (message: string) => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Card title="Set a new password" id="set-password">
      <form
        class="form form-narrow"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          setBusy(true);
          try {
            await api(`${props.path}/password`, { method: 'PUT', body: { password } });
            setPassword('');
            props.onDone('The password was set and every session of the account was ended.');
          } catch (err) {
            setError(describeError(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        {error && <Notice kind="error">{error}</Notice>}
        <label for="admin-new-password">New password</label>
        <input
          id="admin-new-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          maxLength={1024}
          value={password}
          aria-describedby="admin-new-password-help"
          onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
        />
        <p class="help" id="admin-new-password-help">
          The user’s sessions end; tell them the new password through a safe channel.
        </p>
        <div class="row">
          <button type="submit" class="btn btn-primary" disabled={busy} aria-busy={busy}>
            Set password
          </button>
        </div>
      </form>
    </Card>
  );
}
