// Hardening H11 (docs/security.md): a token sent in a query string must not reach the logs.
// Found against `tessera serve`: the server takes Bearer headers only, but a client that sends
// `?access_token=…` anyway had the token logged as part of the URL ("incoming request").
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { redactUrl } from '../src/http/redact-url.js';
import { openTestApp, signIn, type TestApp, type TokenBody } from './helpers/http.js';

describe('H11 tokens in logged URLs', () => {
  let t: TestApp;
  let tokens: TokenBody;
  before(async () => {
    t = await openTestApp({ captureLogs: true });
    tokens = await signIn(t, 'ada@example.com');
  });
  after(() => t.cleanup());

  it('query-string credentials are logged as [redacted]; the rest of the URL stays', async () => {
    const urls = [
      `/auth/me?access_token=${tokens.access_token}`,
      `/auth/revocations?after=0&token=${tokens.refresh_token}&limit=5`,
      `/no/such/route?refresh_token=${tokens.refresh_token}&code=one-time-code-123`,
      `/healthz?q=${tokens.access_token}`,
      `/healthz?Access%5Ftoken=${tokens.refresh_token}&client_secret=s3cr3t-value`,
    ];
    for (const url of urls) await t.app.inject({ method: 'GET', url });
    const text = t.logs!.text;
    assert.match(text, /incoming request/, 'the requests were logged');
    for (const secret of [tokens.access_token, tokens.refresh_token, 'one-time-code-123', 's3cr3t-value']) {
      assert.ok(!text.includes(secret), `${secret.slice(0, 12)}… is in the logs`);
    }
    assert.ok(!text.includes(tokens.access_token.split('.')[2]!), 'the signature is in the logs');
    assert.match(text, /"url":"\/auth\/me\?access_token=\[redacted\]"/);
    assert.match(text, /"url":"\/auth\/revocations\?after=0&token=\[redacted\]&limit=5"/);
    assert.match(text, /"url":"\/healthz\?q=\[redacted\]"/, 'a JWT is redacted whatever its parameter');
  });

  it('redactUrl', () => {
    assert.equal(redactUrl('/auth/me'), '/auth/me');
    assert.equal(redactUrl('/a?x=1&y'), '/a?x=1&y');
    assert.equal(redactUrl('/a?ACCESS_TOKEN=abc&x=1'), '/a?ACCESS_TOKEN=[redacted]&x=1');
    assert.equal(
      redactUrl('/a?id_token=abc&password=p&api-key=k'),
      '/a?id_token=[redacted]&password=[redacted]&api-key=[redacted]',
    );
    assert.equal(redactUrl('/a?code=xyz&codec=h264'), '/a?code=[redacted]&codec=h264');
    assert.equal(redactUrl('/a?%zz=1&token=%zz'), '/a?%zz=1&token=[redacted]', 'bad escapes do not throw');
  });
});
