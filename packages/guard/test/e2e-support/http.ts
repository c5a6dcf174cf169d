// Small fetch helpers for the end-to-end test: every call is a real HTTP request.

/** One answer, read in full. */
export interface Answer {
  status: number;
  /** The parsed JSON body, or undefined when there is none. */
  body: Record<string, unknown> | undefined;
  wwwAuthenticate: string | null;
}

/** The auth server's token response (login and refresh, body mode). */
export interface Tokens {
  access_token: string;
  refresh_token: string;
  session_id: string;
  token_type: string;
  expires_in: number;
}

/** Sends a request with an optional Bearer token and JSON body. */
export async function send(
  url: string,
  opts: { method?: string; token?: string; json?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method: opts.method ?? 'GET',
    headers,
    ...(opts.json === undefined ? {} : { body: JSON.stringify(opts.json) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
    wwwAuthenticate: response.headers.get('www-authenticate'),
  };
}

/** POST with a JSON body; throws with the answer unless the status is `expected`. */
export async function post(
  url: string,
  json: unknown,
  expected: number,
  token?: string,
): Promise<Record<string, unknown> | undefined> {
  const answer = await send(url, { method: 'POST', json, ...(token === undefined ? {} : { token }) });
  if (answer.status !== expected) {
    throw new Error(`POST ${new URL(url).pathname}: expected ${expected}, got ${describe(answer)}`);
  }
  return answer.body;
}

/** A short description of an answer, for assertion messages (never a token: apps don't echo them). */
export function describe(answer: Answer): string {
  return `${answer.status} ${JSON.stringify(answer.body)}`;
}

/**
 * Calls `attempt` every `everyMs` until `done` holds for its answer or the
 * (generous) deadline passes; returns the last answer either way, so the caller
 * asserts on it. Nothing is measured beyond the deadline.
 */
export async function eventually(
  attempt: () => Promise<Answer>,
  done: (answer: Answer) => boolean,
  { deadlineMs = 5000, everyMs = 50 }: { deadlineMs?: number; everyMs?: number } = {},
): Promise<Answer> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const answer = await attempt();
    if (done(answer) || Date.now() >= deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
