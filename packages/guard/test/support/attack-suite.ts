import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Attack, buildAttacks, buildControls, buildMalformed } from './attacks.js';
import { ED_HEADER, edSigned } from './forge.js';
import { AUDIENCE, accessClaims } from './keys.js';

/** What an adapter test gets back from one request. */
export interface Sent {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Sends `GET path` with this Authorization header (none when undefined). */
export type Send = (authorization: string | undefined, path?: string) => Promise<Sent>;

export interface SuiteOptions {
  /** The adapter answers with the guard's JSON body (Passport answers with its own text). */
  jsonBody: boolean;
  /** The adapter sends the challenge on 400 too (Passport only does on 401). */
  challengeOn400: boolean;
}

const REALM = AUDIENCE;
const CHALLENGE = `Bearer realm="${REALM}"`;
/** Without credentials both schemes are offered (RFC 9449 §7.2). */
const OFFER = `${CHALLENGE}, DPoP realm="${REALM}", algs="ES256 EdDSA PS256 RS256"`;

/**
 * The shared HTTP suite every adapter runs: controls that must pass, then every
 * attack of docs/security.md (A1–A26) that fits in a request, malformed credentials, and
 * requests without credentials. The adapter's app must answer `GET /profile`
 * (any valid token) with `{ subject }` and `GET /admin` (role admin).
 */
export function attackSuite(name: string, send: Send, opts: SuiteOptions): void {
  describe(`${name}: controls`, () => {
    for (const control of buildControls()) {
      test(control.id, async () => {
        const res = await send(control.authorization);
        assert.equal(res.status, 200, res.text);
        assert.equal(JSON.parse(res.text).subject, 'user-1');
      });
    }
  });

  describe(`${name}: token attacks A1–A26 (docs/security.md)`, () => {
    for (const attack of buildAttacks()) {
      test(attack.id, async () => assertRefused(await send(attack.authorization), attack, opts));
    }
  });

  describe(`${name}: malformed credentials`, () => {
    for (const attack of buildMalformed()) {
      test(attack.id, async () => assertRefused(await send(attack.authorization), attack, opts));
    }
  });

  describe(`${name}: no credentials`, () => {
    for (const [id, authorization] of [
      ['no Authorization header', undefined],
      ['empty Authorization header', ''],
      ['another scheme (Basic)', 'Basic dXNlcjpwYXNz'],
      ['a longer scheme name (Bearerish)', 'Bearerish abc'],
    ] as const) {
      test(id, async () => {
        const res = await send(authorization);
        assert.equal(res.status, 401);
        // RFC 6750 §3.1: no error attribute when the request had no credentials.
        assert.equal(res.headers['www-authenticate'], OFFER);
        if (opts.jsonBody) {
          assert.deepEqual(JSON.parse(res.text), {
            error: 'unauthorized',
            error_description: 'missing bearer token',
          });
        }
      });
    }
  });

  test(`${name}: A17 a constructor.prototype claim pollutes nothing`, async () => {
    // Validly signed: docs/security.md (A16–A17) allows accepting it as long as no prototype changes.
    const token = edSigned(ED_HEADER, {
      ...accessClaims(),
      constructor: { prototype: { admin: true, roles: ['admin'] } },
    });
    const res = await send(`Bearer ${token}`);
    assert.ok(res.status === 200 || res.status === 401, `${res.status} ${res.text.slice(0, 200)}`);
    if (res.status === 200) assert.equal(JSON.parse(res.text).subject, 'user-1');
    assert.equal((Object.prototype as Record<string, unknown>).admin, undefined);
    assert.equal((Object.prototype as Record<string, unknown>).roles, undefined);
  });

  test(`${name}: a 2 MB Authorization header gets 401, not 500`, async () => {
    const token = 'a'.repeat(2 * 1024 * 1024);
    assertRefused(
      await send(`Bearer ${token}`),
      { id: 'huge', authorization: `Bearer ${token}`, status: 401 },
      opts,
    );
  });
}

/** The refusal an attack must get: its status, the right challenge and body, and no trace of the token. */
export function assertRefused(res: Sent, attack: Attack, opts: SuiteOptions): void {
  assert.notEqual(res.status, 500);
  assert.equal(res.status, attack.status, `${attack.id}: ${res.status} ${res.text.slice(0, 200)}`);
  const code = attack.status === 400 ? 'invalid_request' : 'invalid_token';
  if (attack.status === 401 || opts.challengeOn400) {
    assert.equal(res.headers['www-authenticate'], `${CHALLENGE}, error="${code}"`);
  }
  if (opts.jsonBody) {
    const body = JSON.parse(res.text);
    assert.equal(body.error, code);
    assert.equal(typeof body.error_description, 'string');
    assert.deepEqual(Object.keys(body).sort(), ['error', 'error_description']);
  }
  assertNoEcho(res, attack.authorization);
}

/** Neither the token nor any sizable piece of it appears in the response. */
export function assertNoEcho(res: Sent, authorization: string): void {
  const everything = `${res.text}\n${Object.values(res.headers).flat().join('\n')}`;
  const token = authorization.replace(/^Bearer\s*/i, '');
  if (token.length >= 8) assert.ok(!everything.includes(token), 'the response echoes the token');
  for (const piece of token.split(/[.\s]/)) {
    if (piece.length >= 16) assert.ok(!everything.includes(piece), 'the response echoes part of the token');
  }
}
