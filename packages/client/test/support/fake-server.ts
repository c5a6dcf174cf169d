// An in-memory auth server and API behind a fetch function, for unit tests of the client: it
// speaks the routes and error shapes of @tessera/server, counts what it was asked, and can be
// told to fail the next refreshes in a given way. With `dpop` set it also acts as a DPoP (RFC 9449)
// server: it verifies every proof with @tessera/jwt (verifyDpopProof, checkDpopReplay), binds the
// tokens of a session to the key's thumbprint, and can demand its nonce.
import {
  checkDpopReplay,
  createMemoryReplayCache,
  type JwtError,
  type VerifiedDpopProof,
  verifyDpopProof,
} from '@tessera/jwt';

export type Failure = 'network' | 503 | 429 | 'invalid_grant' | 'hang';

interface Session {
  refresh: string;
  access: Set<string>;
  user: string;
  /** The thumbprint of the DPoP key the session is bound to. */
  jkt?: string | undefined;
}

/** How the fake server speaks DPoP. */
export interface FakeDpop {
  /** Demand the current nonce in every proof (`use_dpop_nonce` otherwise). */
  nonces: boolean;
  /** Refuse every proof for want of a nonce, with a new nonce each time (a broken server). */
  neverSatisfied?: boolean;
  /** The clock proofs are checked against (iat). */
  now: () => number;
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
  /** DPoP mode: undefined for a server that ignores DPoP and issues Bearer tokens. */
  dpop: FakeDpop | undefined;
  /** The nonce the server hands out (and demands when `dpop.nonces`). */
  nonce = 'nonce-1';
  /** Every proof that passed, with the path it came with. */
  readonly proofs: { path: string; raw: string; proof: VerifiedDpopProof }[] = [];
  /** Why proofs were refused, as ERR_DPOP_* codes. */
  readonly proofErrors: string[] = [];
  private readonly replays = createMemoryReplayCache({ now: () => this.dpop?.now() ?? Date.now() });

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
    if (this.dpop && url.pathname !== '/auth/register') {
      const refused = this.checkProof(request, url);
      if (refused) return refused;
    }
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
        if (session && !this.boundOk(session)) return this.invalidProof(400);
        if (session) this.sessions.delete(session.refresh);
        if (browser) this.cookie = undefined;
        return new Response(null, { status: 204 });
      }
      case 'POST /auth/logout-all': {
        const session = this.byAccess(request.headers.get('authorization'));
        if (!session) return this.invalidToken();
        if (!this.boundOk(session)) return this.invalidToken();
        for (const [k, s] of this.sessions) if (s.user === session.user) this.sessions.delete(k);
        if (browser) this.cookie = undefined;
        return new Response(null, { status: 204 });
      }
      default: {
        if (!url.pathname.startsWith('/api/')) return refusal(404, 'not_found', 'no such route');
        const session = this.byAccess(request.headers.get('authorization'));
        const answer = this.apiAnswers.shift();
        if (answer) return answer;
        if (!session || !this.boundOk(session)) return this.invalidToken();
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
    // A refresh token bound to a key is refreshed only with a proof by that key (RFC 9449 §5).
    if (session.jkt !== undefined && session.jkt !== this.lastProof?.jkt) return this.invalidProof(400);
    this.sessions.delete(session.refresh);
    session.refresh = `rt-${++this.counter}`;
    this.sessions.set(session.refresh, session);
    return this.issue(session, browser);
  }

  private newSession(user: string): Session {
    const session = {
      refresh: `rt-${++this.counter}`,
      access: new Set<string>(),
      user,
      jkt: this.lastProof?.jkt,
    };
    this.sessions.set(session.refresh, session);
    return session;
  }

  private issue(session: Session, browser: boolean): Response {
    const access = `at-${++this.counter}`;
    session.access.add(access);
    const body: Record<string, unknown> = {
      access_token: access,
      token_type: session.jkt === undefined ? 'Bearer' : 'DPoP',
      expires_in: this.lifetimeSeconds,
      session_id: 's-1',
    };
    if (browser) this.cookie = session.refresh;
    else body.refresh_token = session.refresh;
    return json(200, body, { 'cache-control': 'no-store' });
  }

  private byAccess(authorization: string | null): Session | undefined {
    const token = authorization?.replace(/^(Bearer|DPoP) /, '');
    return [...this.sessions.values()].find((s) => token !== undefined && s.access.has(token));
  }

  private byRefresh(body: string, browser: boolean): Session | undefined {
    const token = browser ? this.cookie : body === '' ? undefined : JSON.parse(body).refresh_token;
    return token === undefined ? undefined : this.sessions.get(token);
  }

  /** The proof of the request being answered, if it passed. */
  private lastProof: VerifiedDpopProof | undefined;
  /** The scheme the request being answered used. */
  private lastScheme: string | undefined;

  /**
   * Checks the request's DPoP proof, if any (required with a DPoP access token): undefined when
   * it passes or there is none, else the refusal. Auth routes refuse with 400 and an OAuth
   * error, resources with 401 and a DPoP challenge (RFC 9449 §7.1, §8, §9).
   */
  private checkProof(request: Request, url: URL): Response | undefined {
    const resource = !url.pathname.startsWith('/auth/') || url.pathname === '/auth/logout-all';
    const authorization = request.headers.get('authorization');
    this.lastScheme = authorization?.split(' ')[0];
    const accessToken = this.lastScheme === 'DPoP' ? authorization?.slice(5) : undefined;
    const raw = request.headers.get('dpop');
    this.lastProof = undefined;
    if (raw === null) return accessToken === undefined ? undefined : this.invalidProof(resource ? 401 : 400);
    const session = accessToken === undefined ? undefined : this.byAccess(authorization);
    const dpop = this.dpop as FakeDpop;
    try {
      this.lastProof = verifyDpopProof(raw, {
        htm: request.method,
        htu: request.url,
        algorithms: ['ES256'],
        now: new Date(dpop.now()),
        ...(dpop.nonces && !dpop.neverSatisfied ? { nonce: this.nonce } : {}),
        ...(accessToken === undefined ? {} : { accessToken }),
        ...(session?.jkt === undefined ? {} : { expectedJkt: session.jkt }),
      });
      if (dpop.neverSatisfied) {
        this.nonce = `nonce-${++this.counter}`;
        throw Object.assign(new Error('nonce'), { code: 'ERR_DPOP_NONCE' });
      }
      checkDpopReplay(this.replays, this.lastProof);
      this.proofs.push({ path: url.pathname, raw, proof: this.lastProof });
      return undefined;
    } catch (err) {
      const code = (err as JwtError).code;
      this.proofErrors.push(code);
      this.lastProof = undefined;
      if (code !== 'ERR_DPOP_NONCE') return this.invalidProof(resource ? 401 : 400);
      const nonce = { 'dpop-nonce': this.nonce };
      return resource
        ? refusal(401, 'use_dpop_nonce', 'a DPoP nonce is required', {
            ...nonce,
            'www-authenticate': 'DPoP error="use_dpop_nonce", error_description="a DPoP nonce is required"',
          })
        : refusal(400, 'use_dpop_nonce', 'a DPoP nonce is required', nonce);
    }
  }

  /** A session bound to a key is used only with that key's proof and the DPoP scheme. */
  private boundOk(session: Session): boolean {
    return session.jkt === undefined || (this.lastScheme !== 'Bearer' && this.lastProof?.jkt === session.jkt);
  }

  private invalidProof(status: 400 | 401): Response {
    return status === 400
      ? refusal(400, 'invalid_dpop_proof', 'the DPoP proof is invalid')
      : refusal(401, 'invalid_dpop_proof', 'the DPoP proof is invalid', {
          'www-authenticate': 'DPoP error="invalid_dpop_proof"',
        });
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
