import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { b64, hmacToken } from '../../test/helpers/forge.js';
import { COMMON_SECRETS } from './common-secrets.js';
import { type Finding, LINT_RULES, lintToken } from './lint-token.js';

const NOW = new Date('2025-01-01T00:00:00Z');
const T = NOW.getTime() / 1000;
const STRONG = randomBytes(48);

/** An HS256 token signed with `secret` (or a random one). */
function hs(
  payload: object,
  header: object = {},
  secret: Uint8Array | string = STRONG,
  alg = 'HS256',
): string {
  return hmacToken({ alg, typ: 'JWT', ...header }, payload, secret);
}

/** A clean payload: every recommended claim, a 10-minute lifetime. */
const good = { iss: 'https://auth.example.com', aud: 'api', sub: 'u1', iat: T - 60, exp: T + 540 };

const codes = (findings: Finding[]) => findings.map((f) => f.code);
const has = (findings: Finding[], code: string, severity?: string) =>
  findings.some((f) => f.code === code && (severity === undefined || f.severity === severity));

describe('lintToken', () => {
  it('finds nothing wrong with a well-formed, short-lived token signed with a strong secret', async () => {
    const findings = await lintToken(hs(good), { secret: STRONG, now: NOW });
    assert.deepEqual(codes(findings), ['TL015']);
  });

  it('reports alg none in any letter case as an error', async () => {
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      const token = `${b64({ alg, typ: 'JWT' })}.${b64(good)}.`;
      const findings = await lintToken(token, { now: NOW });
      assert.ok(has(findings, 'TL001', 'error'), alg);
      assert.equal(findings[0]?.code, 'TL001');
    }
  });

  it('reports a missing exp as an error and a missing iat, aud, iss as warnings', async () => {
    const findings = await lintToken(hs({ sub: 'u1' }), { secret: STRONG, now: NOW });
    assert.ok(has(findings, 'TL002', 'error'));
    assert.ok(has(findings, 'TL007', 'warn'));
    assert.ok(has(findings, 'TL008', 'warn'));
    assert.ok(has(findings, 'TL009', 'warn'));
  });

  it('reports a lifetime over 1 h (warn) and over 24 h (error), from iat or else from now', async () => {
    const twoHours = await lintToken(hs({ ...good, exp: good.iat + 7200 }), { secret: STRONG, now: NOW });
    assert.ok(has(twoHours, 'TL003', 'warn'));
    assert.match(twoHours.find((f) => f.code === 'TL003')?.message ?? '', /2h/);
    const week = await lintToken(hs({ ...good, exp: good.iat + 7 * 86400 }), { secret: STRONG, now: NOW });
    assert.ok(has(week, 'TL003', 'error'));
    const { iat: _iat, ...noIat } = good;
    const noIatLong = await lintToken(hs({ ...noIat, exp: T + 3 * 3600 }), { secret: STRONG, now: NOW });
    assert.ok(has(noIatLong, 'TL003', 'warn'));
    assert.match(noIatLong.find((f) => f.code === 'TL003')?.message ?? '', /exp − now/);
    const exactlyOneHour = await lintToken(hs({ ...good, exp: good.iat + 3600 }), {
      secret: STRONG,
      now: NOW,
    });
    assert.ok(!has(exactlyOneHour, 'TL003'));
  });

  it('reports exp in milliseconds, non-numeric times and exp before iat', async () => {
    assert.ok(has(await lintToken(hs({ ...good, exp: T * 1000 }), { now: NOW }), 'TL020', 'error'));
    assert.ok(has(await lintToken(hs({ ...good, exp: 'tomorrow' }), { now: NOW }), 'TL020', 'error'));
    assert.ok(has(await lintToken(hs({ ...good, exp: good.iat - 1 }), { now: NOW }), 'TL020', 'error'));
  });

  it('notes an expired token and one not valid yet', async () => {
    const expired = await lintToken(hs({ ...good, iat: T - 1200, exp: T - 600 }), {
      secret: STRONG,
      now: NOW,
    });
    assert.ok(has(expired, 'TL016', 'info'));
    assert.match(expired.find((f) => f.code === 'TL016')?.message ?? '', /2024-12-31T23:50:00\.000Z/);
    assert.ok(has(await lintToken(hs({ ...good, nbf: T + 60 }), { now: NOW }), 'TL016', 'info'));
  });

  it('reports sensitive claim names, nested too, without printing their values', async () => {
    const payload = {
      ...good,
      password: 'plaintext-password',
      user: { creditCard: 'x', ssn: 'y', CVV: 'z', pwd: 'p', social_security_number: 'q' },
      client_secret: 'abc',
      pan: 'n',
      cc: 'm',
    };
    const findings = (await lintToken(hs(payload), { now: NOW })).filter((f) => f.code === 'TL004');
    assert.deepEqual(findings.map((f) => f.path).sort(), [
      'cc',
      'client_secret',
      'pan',
      'password',
      'user.CVV',
      'user.creditCard',
      'user.pwd',
      'user.social_security_number',
      'user.ssn',
    ]);
    assert.ok(findings.every((f) => f.severity === 'error'));
    const text = JSON.stringify(findings);
    assert.ok(!text.includes('plaintext-password'));
  });

  it('does not mistake ordinary names or boolean flags for sensitive claims', async () => {
    const payload = { ...good, company: 'ACME', access: 'full', has_password: true, passport_country: 'FR' };
    assert.ok(!has(await lintToken(hs(payload), { now: NOW }), 'TL004'));
  });

  it('reports values that look like a card number (Luhn) or an SSN, not timestamps or ids', async () => {
    const payload = {
      ...good,
      note: '4111 1111 1111 1111',
      n: 5555555555554444,
      items: [{ ref: '123-45-6789' }],
      ms: 1716239022000,
      id: '4111111111111112',
    };
    const findings = (await lintToken(hs(payload), { now: NOW })).filter((f) => f.code === 'TL013');
    assert.deepEqual(findings.map((f) => f.path).sort(), ['items[0].ref', 'n', 'note']);
    assert.ok(!JSON.stringify(findings).includes('4111'));
  });

  it('reports an injection-shaped kid and accepts ordinary ones', async () => {
    for (const kid of ['../../../../dev/null', "x' UNION SELECT 'key", 'a/b', 'k1;drop', '%2e%2e%2f', 7]) {
      assert.ok(has(await lintToken(hs(good, { kid }), { now: NOW }), 'TL011', 'error'), String(kid));
    }
    for (const kid of ['2024-05-key', 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs', 'urn:key:1']) {
      assert.ok(!has(await lintToken(hs(good, { kid }), { now: NOW }), 'TL011'), kid);
    }
  });

  it('warns about jku, x5u, jwk and x5c headers and notes a missing typ', async () => {
    const header = { jku: 'https://evil.example/jwks', x5u: 'https://evil.example/c', jwk: { kty: 'oct' } };
    const findings = await lintToken(hs(good, header), { now: NOW });
    assert.deepEqual(
      findings.filter((f) => f.code === 'TL012').map((f) => f.path),
      ['header.jku', 'header.x5u', 'header.jwk'],
    );
    const noTyp = `${b64({ alg: 'HS256' })}.${b64(good)}.sig`;
    assert.ok(has(await lintToken(noTyp, { now: NOW }), 'TL010', 'info'));
  });

  it('reports a short secret for each HMAC size and a repetitive one', async () => {
    for (const [alg, min] of [
      ['HS256', 32],
      ['HS384', 48],
      ['HS512', 64],
    ] as const) {
      const short = randomBytes(min - 1);
      assert.ok(
        has(await lintToken(hs(good, {}, short, alg), { secret: short, now: NOW }), 'TL005', 'error'),
      );
      const enough = randomBytes(min);
      assert.ok(!has(await lintToken(hs(good, {}, enough, alg), { secret: enough, now: NOW }), 'TL005'));
    }
    const repetitive = 'ab'.repeat(32);
    assert.ok(has(await lintToken(hs(good, {}, repetitive), { secret: repetitive, now: NOW }), 'TL005'));
  });

  it('reports a listed secret given with --secret-file, once, case-insensitively', async () => {
    const findings = await lintToken(hs(good, {}, 'your-256-bit-secret'), {
      secret: 'your-256-bit-secret',
      now: NOW,
    });
    assert.equal(findings.filter((f) => f.code === 'TL006').length, 1);
    assert.ok(has(findings, 'TL005', 'error'));
    assert.ok(has(await lintToken(hs(good), { secret: 'ChangeMe\n', now: NOW }), 'TL006', 'error'));
  });

  it('finds a listed secret that signed the token even without a secret', async () => {
    for (const secret of ['secret', 'keyboard cat', 'shhhhh', 'changeme', COMMON_SECRETS.at(-1) as string]) {
      const findings = await lintToken(hs(good, {}, secret), { now: NOW });
      assert.ok(has(findings, 'TL006', 'error'), secret);
      assert.ok(!JSON.stringify(findings).includes(`"${secret}"`));
    }
    const hs512 = await lintToken(hs(good, {}, 'supersecret', 'HS512'), { now: NOW });
    assert.ok(has(hs512, 'TL006', 'error'));
  });

  it('suggests --secret-file for an HMAC token signed with an unknown secret', async () => {
    assert.deepEqual(codes(await lintToken(hs(good), { now: NOW })), ['TL018']);
  });

  it('reports a signature that does not verify with the given secret', async () => {
    const findings = await lintToken(hs(good), { secret: randomBytes(48), now: NOW });
    assert.ok(has(findings, 'TL014', 'error'));
    assert.ok(!has(findings, 'TL015'));
  });

  it('reports a listed secret that signed the token even when another secret is given', async () => {
    const findings = await lintToken(hs(good, {}, 'jwt_secret'), { secret: STRONG, now: NOW });
    assert.ok(has(findings, 'TL014', 'error'));
    assert.ok(has(findings, 'TL006', 'error'));
  });

  it('notes an unused secret for an asymmetric token and checks its claims all the same', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const input = `${b64({ alg: 'EdDSA', typ: 'JWT', kid: 'k1' })}.${b64({ ...good, ssn: '1' })}`;
    const token = `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
    const findings = await lintToken(token, { secret: STRONG, now: NOW });
    assert.deepEqual(codes(findings), ['TL004', 'TL019']);
  });

  it('never puts the secret in any finding', async () => {
    const secret = 'correct-horse-battery-staple-0123456789';
    const findings = [
      ...(await lintToken(hs(good, {}, secret), { secret, now: NOW })),
      ...(await lintToken(hs(good), { secret, now: NOW })),
      ...(await lintToken(hs({ sub: 1 }, {}, secret, 'HS512'), { secret, now: NOW })),
    ];
    assert.ok(findings.length > 0);
    assert.ok(!JSON.stringify(findings).includes(secret));
  });

  it('refuses what is not a JWS with TL000, and says a JWE is one', async () => {
    for (const input of ['', 'abc', 'a.b', 'a.b.c.d', '!!.??.x', `${b64([1])}.${b64(good)}.x`]) {
      assert.deepEqual(codes(await lintToken(input, { now: NOW })), ['TL000'], input);
    }
    assert.match((await lintToken('a.b.c.d.e', { now: NOW }))[0]?.message ?? '', /JWE/);
    assert.deepEqual(codes(await lintToken(`${b64({ alg: 'HS256' })}.${b64('text')}.x`, { now: NOW })), [
      'TL000',
    ]);
  });

  it('accepts a Bearer prefix and surrounding whitespace', async () => {
    assert.deepEqual(codes(await lintToken(`Bearer ${hs(good)}\n`, { secret: STRONG, now: NOW })), ['TL015']);
  });

  it('lists errors first and uses only documented codes', async () => {
    const token = `${b64({ alg: 'none' })}.${b64({ password: 'x' })}.`;
    const findings = await lintToken(token, { now: NOW });
    const severities = findings.map((f) => f.severity);
    assert.deepEqual(
      severities,
      [...severities].sort((a, b) => order(a) - order(b)),
    );
    for (const f of findings) assert.equal(LINT_RULES[f.code].name, f.name);
  });

  it('flags an unknown alg', async () => {
    const token = `${b64({ alg: 'HS257', typ: 'JWT' })}.${b64(good)}.x`;
    assert.ok(has(await lintToken(token, { now: NOW }), 'TL017', 'warn'));
  });
});

function order(severity: string): number {
  return ['error', 'warn', 'info'].indexOf(severity);
}
