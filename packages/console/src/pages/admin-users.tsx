// Admin: find users by email prefix or id, page through them, open one.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, describeError, type UserView } from '../api.js';
import { Badges, Card, Empty, Notice, PageHeader, When } from '../ui.js';

interface Page {
  users: UserView[];
  next: string | null;
}

/**
 * The users list.
 *
 * @example
 * <UsersPage /> // at #/admin/users
 */
export function UsersPage() {
  const [query, setQuery] = useState('');
  const [applied, setApplied] = useState('');
  const [users, setUsers] = useState<UserView[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (q: string, after?: string) => {
    try {
      const params = new URLSearchParams({ limit: '50' });
      if (q) params.set('q', q);
      if (after) params.set('after', after);
      const page = await api<Page>(`/admin/users?${params}`);
      setUsers((prev) => (after && prev ? [...prev, ...page.users] : page.users));
      setNext(page.next);
      setError(null);
    } catch (err) {
      setError(describeError(err));
    }
  }, []);
  useEffect(() => void load(''), [load]);

  const search = (event: Event) => {
    event.preventDefault();
    setApplied(query.trim());
    setUsers(null);
    void load(query.trim());
  };

  return (
    <div class="page">
      <PageHeader
        title="Users"
        lead="Every account on this server. Open one to change its roles, block it or end its sessions."
      />
      <Card>
        <form class="search" onSubmit={search}>
          <label for="user-search" class="sr-only">
            Search users
          </label>
          <input
            id="user-search"
            type="search"
            placeholder="Email (or its beginning) or user id"
            value={query}
            onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
          />
          <button type="submit" class="btn btn-primary">
            Search
          </button>
          {applied && (
            <button
              type="button"
              class="btn btn-ghost"
              onClick={() => {
                setQuery('');
                setApplied('');
                setUsers(null);
                void load('');
              }}
            >
              Clear
            </button>
          )}
        </form>
        {error && <Notice kind="error">{error}</Notice>}
        {users === null && !error && <p class="muted">Loading users…</p>}
        {users?.length === 0 && (
          <Empty title={applied ? 'No user matches' : 'No users yet'}>
            {applied ? `Nothing starts with “${applied}”.` : 'Accounts appear here once someone registers.'}
          </Empty>
        )}
        {users && users.length > 0 && (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Roles</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.id}>
                    <td data-label="Email">
                      <a href={`#/admin/users/${u.id}`}>{u.email}</a>
                    </td>
                    <td data-label="Roles">
                      <Badges names={u.roles} />
                    </td>
                    <td data-label="Status">
                      {u.blocked ? (
                        <span class="badge badge-danger">blocked</span>
                      ) : (
                        <span class="badge badge-ok">active</span>
                      )}
                    </td>
                    <td data-label="Created">
                      <When iso={u.created_at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {next && (
          <div class="row">
            <button type="button" class="btn btn-secondary" onClick={() => load(applied, next)}>
              Load more
            </button>
          </div>
        )}
      </Card>
    </div>
  );
}
