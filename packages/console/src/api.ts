// The console's one client of the server: @tessera/client in browser mode (the refresh token
// stays in the server's HttpOnly cookie, the access token in memory) and small typed calls.
import { createClient, type TesseraClient, TesseraClientError } from '@tessera/client';

/** The signed-in user, as `/auth/me` answers. */
export interface Me {
  id: string;
  email: string;
  roles: string[];
  permissions: string[];
}

/** A session as `/auth/sessions` and `/admin/users/:id` answer. */
export interface SessionView {
  id: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
  current?: boolean;
}

/** An account as the admin API answers. */
export interface UserView {
  id: string;
  email: string;
  roles: string[];
  permissions: string[];
  blocked: boolean;
  created_at: string;
  updated_at?: string;
  sessions?: SessionView[];
}

/** One audit row. */
export interface AuditView {
  id: number;
  at: string;
  type: string;
  userId: string | null;
  sessionId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

/** A signing key's schedule. */
export interface KeyView {
  kid: string;
  alg: string;
  created_at: string | null;
  activates_at: string | null;
  retired_at: string | null;
  expires_at: string | null;
}

/** A refused call: the status and the server's fixed `error_description`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The client of this page's origin (the console is served by the Tessera server itself). */
export const client: TesseraClient = createClient({ baseUrl: location.origin, mode: 'browser' });

/**
 * `open` or `closed`, from the index page's meta tag (filled in by the server).
 *
 * @example
 * if (registration() === 'closed') hideRegisterLink();
 */
export function registration(): 'open' | 'closed' {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="tessera-registration"]');
  return meta?.content === 'closed' ? 'closed' : 'open';
}

/**
 * A JSON call with the access token; a refused one throws ApiError. A session that ended
 * (revoked, logged out elsewhere) signs the client out and throws ERR_CLIENT_NOT_SIGNED_IN.
 *
 * @example
 * const { sessions } = await api<{ sessions: SessionView[] }>('/auth/sessions');
 */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await client.fetch(path, {
    method: init.method ?? 'GET',
    ...(init.body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) }),
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string; error_description?: string };
    throw new ApiError(
      res.status,
      body.error ?? 'error',
      body.error_description ?? `the server answered ${res.status}`,
    );
  }
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/**
 * A sentence for an error of a call, for the page.
 *
 * @example
 * catch (err) { setError(describeError(err)); }
 */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return capitalize(err.message);
  if (err instanceof TesseraClientError) {
    switch (err.code) {
      case 'ERR_CLIENT_INVALID_CREDENTIALS':
        return 'Wrong email or password.';
      case 'ERR_CLIENT_ACCOUNT_BLOCKED':
        return 'This account is blocked. Ask an administrator.';
      case 'ERR_CLIENT_RATE_LIMITED':
        return `Too many attempts. Try again in ${err.retryAfter ?? 60} seconds.`;
      case 'ERR_CLIENT_NETWORK':
        return 'The server could not be reached. Check your connection and try again.';
      case 'ERR_CLIENT_NOT_SIGNED_IN':
        return 'Your session has ended. Sign in again.';
      default:
        return capitalize(err.message);
    }
  }
  return 'Something went wrong. Try again.';
}

function capitalize(text: string): string {
  const sentence = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}
