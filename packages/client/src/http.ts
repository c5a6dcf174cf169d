import type { ClientErrorCode } from './error-codes.js';
import { TesseraClientError } from './errors.js';

type Fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/**
 * Sends one request; not reaching the server becomes ERR_CLIENT_NETWORK. With
 * `callerSignal`, an abort through the caller's own signal passes through as is.
 */
export async function send(
  f: Fetch,
  input: RequestInfo | URL,
  init: RequestInit,
  callerSignal?: boolean,
): Promise<Response> {
  try {
    return await f(input, init);
  } catch (cause) {
    if (callerSignal && init.signal?.aborted) throw cause;
    throw new TesseraClientError('ERR_CLIENT_NETWORK', 'the server could not be reached', { cause });
  }
}

/**
 * The error of a refused request, from its status and the server's `{ error,
 * error_description }` (a fixed text that never echoes input). `codes`
 * overrides the code per status for one endpoint.
 */
export async function refusal(
  res: Response,
  codes: Partial<Record<number, ClientErrorCode>> = {},
): Promise<TesseraClientError> {
  const s = res.status;
  let body: { error?: unknown; error_description?: unknown } = {};
  try {
    body = await res.json();
  } catch {}
  const text = body?.error_description;
  const code: ClientErrorCode =
    codes[s] ??
    (/dpop/.test(String(body?.error))
      ? 'ERR_CLIENT_DPOP_REFUSED'
      : s === 400
        ? 'ERR_CLIENT_INVALID_REQUEST'
        : s === 401
          ? 'ERR_CLIENT_NOT_SIGNED_IN'
          : s === 403
            ? body?.error === 'access_denied'
              ? 'ERR_CLIENT_ACCOUNT_BLOCKED'
              : 'ERR_CLIENT_ORIGIN_NOT_ALLOWED'
            : s === 429
              ? 'ERR_CLIENT_RATE_LIMITED'
              : s > 499
                ? 'ERR_CLIENT_SERVER'
                : 'ERR_CLIENT_BAD_RESPONSE');
  const after = Number(res.headers.get('retry-after'));
  return new TesseraClientError(
    code,
    typeof text === 'string' ? text.slice(0, 200) : `the server answered ${s}`,
    after > 0 ? { status: s, retryAfter: after } : { status: s },
  );
}

/**
 * Whether a response says the access token was refused (RFC 6750 `invalid_token`),
 * so one refresh and one retry may help. A cross-origin API that does not expose
 * WWW-Authenticate counts as yes; a challenge without `invalid_token` as no.
 *
 * @example
 * if (isInvalidToken(res.status, res.headers.get('www-authenticate'))) await client.renew(token);
 */
export function isInvalidToken(status: number, challenge: string | null | undefined): boolean {
  return status === 401 && (challenge == null || /invalid_token/i.test(challenge));
}
