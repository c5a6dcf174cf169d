// Admin: the audit log, newest first, filtered by event type and user.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { type AuditView, api, describeError, type UserView } from '../api.js';
import { Card, deviceName, Empty, Notice, PageHeader, When } from '../ui.js';

/** The event types the server writes, for the filter. */
const TYPES = [
  'login',
  'login-failed',
  'logout',
  'logout-all',
  'refresh-reuse',
  'register',
  'sessions-revoked',
  'password-changed',
  'password-change-failed',
  'password-set',
  'access-changed',
  'access-token-revoked',
  'user-blocked',
  'user-unblocked',
  'user-deleted',
  'key-rotated',
  'key-revoked',
  'client-created',
  'client-removed',
  'client-secret-rotated',
];

interface Filters {
  type: string;
  user: string;
}

/**
 * The audit log page.
 *
 * @example
 * <AuditPage /> // at #/admin/audit
 */
export function AuditPage() {
  const [filters, setFilters] = useState<Filters>({ type: '', user: '' });
  const [form, setForm] = useState<Filters>({ type: '', user: '' });
  const [events, setEvents] = useState<AuditView[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [emails, setEmails] = useState<Record<string, string>>({});

  const load = useCallback(async (f: Filters, before?: number) => {
    try {
      const params = new URLSearchParams({ limit: '50' });
      if (f.type) params.set('type', f.type);
      if (f.user) params.set('user_id', await userId(f.user));
      if (before !== undefined) params.set('before', String(before));
      const page = await api<{ events: AuditView[]; next: number | null }>(`/admin/audit?${params}`);
      setEvents((prev) => (before !== undefined && prev ? [...prev, ...page.events] : page.events));
      setNext(page.next);
      setError(null);
    } catch (err) {
      setEvents([]);
      setError(describeError(err));
    }
  }, []);
  useEffect(() => void load(filters), [load, filters]);

  // Emails for the user ids on the page, looked up once each.
  useEffect(() => {
    const ids = [
      ...new Set(
        (events ?? [])
          .flatMap((e) => [e.userId, typeof e.details.by === 'string' ? e.details.by : null])
          .filter((id): id is string => !!id),
      ),
    ].filter((id) => !(id in emails));
    if (ids.length === 0) return;
    void Promise.all(
      ids.map((id) =>
        api<UserView>(`/admin/users/${encodeURIComponent(id)}`)
          .then((u) => [id, u.email] as const)
          .catch(() => [id, ''] as const),
      ),
    ).then((pairs) => setEmails((prev) => ({ ...prev, ...Object.fromEntries(pairs) })));
  }, [events, emails]);

  return (
    <div class="page">
      <PageHeader title="Audit log" lead="Every sign-in, change and revocation, newest first." />
      <Card>
        <form
          class="filters"
          onSubmit={(e) => {
            e.preventDefault();
            setEvents(null);
            setFilters({ ...form });
          }}
        >
          <div class="field">
            <label for="audit-type">Event</label>
            <select
              id="audit-type"
              value={form.type}
              onChange={(e) => setForm({ ...form, type: (e.target as HTMLSelectElement).value })}
            >
              <option value="">All events</option>
              {TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </div>
          <div class="field field-grow">
            <label for="audit-user">User</label>
            <input
              id="audit-user"
              type="search"
              placeholder="Email or user id"
              value={form.user}
              onInput={(e) => setForm({ ...form, user: (e.target as HTMLInputElement).value.trim() })}
            />
          </div>
          <div class="field field-end">
            <button type="submit" class="btn btn-primary">
              Apply
            </button>
          </div>
        </form>
        {error && <Notice kind="error">{error}</Notice>}
        {events === null && <p class="muted">Loading events…</p>}
        {events?.length === 0 && !error && (
          <Empty title="No events">
            {filters.type || filters.user ? 'Nothing matches these filters.' : 'Nothing has happened yet.'}
          </Empty>
        )}
        {events && events.length > 0 && (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Event</th>
                  <th scope="col">User</th>
                  <th scope="col">Address</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {events.map((e) => (
                  <tr key={e.id}>
                    <td data-label="When">
                      <When iso={e.at} />
                    </td>
                    <td data-label="Event">
                      <span
                        class={`badge ${/failed|reuse|blocked|revoked|deleted/.test(e.type) ? 'badge-warn' : ''}`}
                      >
                        {e.type}
                      </span>
                    </td>
                    <td data-label="User">
                      {e.userId ? (
                        <a href={`#/admin/users/${e.userId}`}>{emails[e.userId] || shortId(e.userId)}</a>
                      ) : (
                        <span class="muted">—</span>
                      )}
                    </td>
                    <td data-label="Address">{e.ip ?? <span class="muted">—</span>}</td>
                    <td data-label="Details" class="details">
                      <Details details={e.details} emails={emails} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {next !== null && (
          <div class="row">
            <button type="button" class="btn btn-secondary" onClick={() => load(filters, next)}>
              Load older events
            </button>
          </div>
        )}
      </Card>
    </div>
  );
}

/** An email is looked up; anything else is taken as an id. */
async function userId(input: string): Promise<string> {
  if (!input.includes('@')) return input;
  const page = await api<{ users: UserView[] }>(
    `/admin/users?${new URLSearchParams({ q: input, limit: '1' })}`,
  );
  return page.users.find((u) => u.email === input.toLowerCase())?.id ?? 'unknown';
}

function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

function Details(props: { details: Record<string, unknown>; emails: Record<string, string> }) {
  const entries = Object.entries(props.details);
  if (entries.length === 0) return <span class="muted">—</span>;
  return (
    <span class="kv">
      {entries.map(([k, v]) => (
        <span key={k}>
          <span class="muted">{k}:</span>{' '}
          {k === 'userAgent'
            ? deviceName(String(v))
            : k === 'by' && typeof v === 'string' && props.emails[v]
              ? props.emails[v]
              : typeof v === 'string'
                ? v
                : JSON.stringify(v)}
        </span>
      ))}
    </span>
  );
}
