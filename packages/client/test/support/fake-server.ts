// An in-memory auth server and API behind a fetch function, for unit tests of the client: it
// speaks the routes and error shapes of @tessera/server, counts what it was asked, and can be
// told to fail the next refreshes in a given way.

export type Failure = 'network' | 503 | 429 | 'invalid_grant' | 'hang';

interface Session {
  refresh: string;
  access: Set<string>;
  user: string;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

const refusal = (status: number, error: string, description: string, headers: Record<string, string> = {}) =>
  json(status, { error, error_description: description }, headers);

export class FakeServer {
  /** Every request, as `METHOD /path`. */
  readonly log: string[] = [];
  /** What the next refreshes do, in order; then they succeed. */
  readonly refreshFailures: Failure[] = [];
  /** The requests that arrived, with their headers and body. */
  readonly requests: { method: string; path: string; headers: Headers; body: string }[] = [];
  /** Answers for the next API calls, in order (then 200). */
  readonly apiAnswers: Response[] = [];
  private readonly sessions = new Map<string, Session>();
  private counter = 0;
  /** The browser-mode cookie jar of this "browser": shared by every client using `fetch`. */
  cookie: string | undefined;
  lifetimeSeconds = 600;
  /** Cookie refreshes are refused for their Origin (403), as with a missing allowedOrigins entry. */
  refuseOrigin = false;
  /** Every request fails as if the network were down. */
  offline = false;
  retryAfter = '7';

  count(route: string): number {
    return this.log.filter((l) => l === route).length;
  }

  /** Ends a session the way an admin or a logout elsewhere would. */
  revokeAll(): void {
    this.sessions.clear();
  }

  /** Makes every access token refused (401 invalid_token) while the sessions live on: a role change. */
  revokeAccessTokens(): void {
    for (const s of this.sessions.values()) s.access.clear();
  }

  fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    if (this.offline) throw new TypeError('fetch failed');
    const request = new Request(
      input instanceof Request ? input : new URL(String(input), 'https://auth.test'),
      init,
    );
    const url = new URL(request.url);
    const body = await request.text();
    this.log.push(`${request.method} ${url.pathname}`);
    this.requests.push({ method: request.method, path: url.pathname, headers: request.headers, body });
    const browser = init.credentials === 'include';
    switch (`${request.method} ${url.pathname}`) {
      case 'POST /auth/register':
        return json(201, { id: 'u-1', email: JSON.parse(body).email });
      case 'POST /auth/login': {
        const { email, password } = JSON.parse(body);
        if (password === 'secret-blocked') return refusal(403, 'access_denied', 'this account is blocked');
        if (password === 'secret-short')
          return refusal(400, 'invalid_request', 'password must be 8 to 1024 bytes long');
        if (password === 'secret-busy')
          return refusal(429, 'too_many_requests', 'too many attempts; retry later', { 'retry-after': '30' });
        if (password === 'secret-boom') return refusal(500, 'server_error', 'internal error');
        if (password !== 'right password') return refusal(401, 'invalid_grant', 'invalid email or password');
        return this.issue(this.newSession(email), request.headers.get('x-tessera-client') === 'browser');
      }
      case 'POST /auth/refresh':
        return this.refresh(body, browser, init.signal);
      case 'POST /auth/logout': {
        const session = this.byAccess(request.headers.get('authorization')) ?? this.byRefresh(body, browser);
        if (session) this.sessions.delete(session.refresh);
        if (browser) this.cookie = undefined;
        return new Response(null, { status: 204 });
      }
      case 'POST /auth/logout-all': {
        const session = this.byAccess(request.headers.get('authorization'));
        if (!session) return this.invalidToken();
        for (const [k, s] of this.sessions) if (s.user === session.user) this.sessions.delete(k);
        if (browser) this.cookie = undefined;
        return new Response(null, { status: 204 });
      }
      default: {
        if (!url.pathname.startsWith('/api/')) return refusal(404, 'not_found', 'no such route');
        const session = this.byAccess(request.headers.get('authorization'));
        const answer = this.apiAnswers.shift();
        if (answer) return answer;
        if (!session) return this.invalidToken();
        return json(200, { user: session.user, path: url.pathname, body });
      }
    }
  };

  private async refresh(body: string, browser: boolean, signal?: AbortSignal | null): Promise<Response> {
    const failure = this.refreshFailures.shift();
    if (failure === 'network') throw new TypeError('fetch failed');
    if (failure === 'hang') {
      return new Promise<Response>((_resolve, reject) => {
        signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    }
    if (failure === 503) return refusal(503, 'server_error', 'internal error');
    if (failure === 429)
      return refusal(429, 'too_many_requests', 'too many attempts', { 'retry-after': this.retryAfter });
    if (failure === 'invalid_grant') this.revokeAll();
    if (browser && this.refuseOrigin)
      return refusal(403, 'invalid_request', 'cookie requests need an allowed Origin');
    if (browser && this.cookie === undefined) {
      return refusal(400, 'invalid_request', 'no refresh cookie: was it set for this site?');
    }
    const session = this.byRefresh(body, browser);
    if (!session) return refusal(401, 'invalid_grant', 'the refresh token is invalid, expired or revoked');
    this.sessions.delete(session.refresh);
    session.refresh = `rt-${++this.counter}`;
    this.sessions.set(session.refresh, session);
    return this.issue(session, browser);
  }

  private newSession(user: string): Session {
    const session = { refresh: `rt-${++this.counter}`, access: new Set<string>(), user };
    this.sessions.set(session.refresh, session);
    return session;
  }

  private issue(session: Session, browser: boolean): Response {
    const access = `at-${++this.counter}`;
    session.access.add(access);
    const body: Record<string, unknown> = {
      access_token: access,
      token_type: 'Bearer',
      expires_in: this.lifetimeSeconds,
      session_id: 's-1',
    };
    if (browser) this.cookie = session.refresh;
    else body.refresh_token = session.refresh;
    return json(200, body, { 'cache-control': 'no-store' });
  }

  private byAccess(authorization: string | null): Session | undefined {
    const token = authorization?.replace(/^Bearer /, '');
    return [...this.sessions.values()].find((s) => token !== undefined && s.access.has(token));
  }

  private byRefresh(body: string, browser: boolean): Session | undefined {
    const token = browser ? this.cookie : body === '' ? undefined : JSON.parse(body).refresh_token;
    return token === undefined ? undefined : this.sessions.get(token);
  }

  private invalidToken(): Response {
    return refusal(401, 'invalid_token', 'the access token is invalid, expired or revoked', {
      'www-authenticate': 'Bearer realm="tessera", error="invalid_token"',
    });
  }
}

/** An in-memory AsyncStorageLike that records what was written. */
export class MemoryStorage {
  readonly items = new Map<string, string>();
  async getItem(key: string): Promise<string | null> {
    return this.items.get(key) ?? null;
  }
  async setItem(key: string, value: string): Promise<void> {
    this.items.set(key, value);
  }
  async removeItem(key: string): Promise<void> {
    this.items.delete(key);
  }
}
