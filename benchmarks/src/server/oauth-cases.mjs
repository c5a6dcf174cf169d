// The OAuth cases of `npm run bench:server`: client_credentials grants and introspections per
// second on the server's one core, beside the peers' published per-core figures (Keycloak's sizing
// guide, Ory Hydra's published run). A client is registered with the CLI on the server's own data
// directory before the runs; every request authenticates it with client_secret_basic.
import { request } from '../lib/http-client.mjs';
import { runNode } from '../lib/process.mjs';

const FORM = 'application/x-www-form-urlencoded';

/** Registers the bench client with `tessera clients add … --json`; returns { id, secret }. */
async function addClient(plans, cli, storeArgs, env) {
  const out = await runNode(
    plans.client,
    cli,
    ['clients', 'add', 'bench', '--scope', 'bench:read', 'bench:write', '--json', ...storeArgs],
    { timeoutMs: 60_000, env },
  );
  if (out.code !== 0) throw new Error(`tessera clients add failed: ${out.stderr.slice(-2000)}`);
  const body = JSON.parse(out.stdout);
  return { id: body.client_id, secret: body.client_secret };
}

/**
 * Runs `tessera/client-credentials` and `tessera/introspect` (whichever `selected` keeps) with
 * the run's autocannonCase; returns their results.
 */
export async function oauthCases({
  plans,
  cfg,
  proc,
  cli,
  storeArgs,
  env,
  selected,
  autocannonCase,
  expect,
  issuer,
}) {
  const names = [
    'tessera/client-credentials',
    'tessera/client-credentials-dpop',
    'tessera/introspect',
  ].filter((n) => selected(cfg, n));
  if (names.length === 0) return [];
  const { port } = proc;
  const client = await addClient(plans, cli, storeArgs, env);
  const authorization = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;
  const wrong = `Basic ${Buffer.from(`${client.id}:not-the-secret`).toString('base64')}`;
  const grant = 'grant_type=client_credentials&scope=bench%3Aread';
  const token = async (auth = authorization) =>
    request(port, {
      method: 'POST',
      path: '/oauth/token',
      headers: { authorization: auth, 'content-type': FORM },
      body: grant,
    });
  const cases = [];

  if (names.includes('tessera/client-credentials')) {
    const probe = async () => {
      const ok = await token();
      expect(
        ok.status === 200 && typeof ok.json?.access_token === 'string' && ok.json.scope === 'bench:read',
        `client_credentials got ${ok.status} ${ok.text}`,
      );
      const bad = await token(wrong);
      expect(bad.status === 401, `client_credentials with a wrong secret got ${bad.status}`);
    };
    cases.push(
      await autocannonCase(
        plans,
        cfg,
        proc,
        'tessera/client-credentials',
        {
          url: `http://127.0.0.1:${port}/oauth/token`,
          method: 'POST',
          headers: { authorization, 'content-type': FORM },
          body: grant,
        },
        probe,
      ),
    );
  }

  if (names.includes('tessera/client-credentials-dpop')) {
    // RFC 9449: each request carries a fresh ES256 proof (made by the load generator before the
    // run starts); the server verifies it, records its jti in the store and binds the token.
    const { createDpopProof, exportJwk, generateKeyPair } = await import('@tessera/jwt');
    const pair = generateKeyPair('ES256');
    // The proof names the server's public URL (its issuer), not the loopback socket it is sent to.
    const url = `http://127.0.0.1:${port}/oauth/token`;
    const htu = `${issuer}/oauth/token`;
    const probe = async () => {
      const dpop = createDpopProof(pair.privateKey, { htm: 'POST', htu });
      const once = () =>
        request(port, {
          method: 'POST',
          path: '/oauth/token',
          headers: { authorization, 'content-type': FORM, dpop },
          body: grant,
        });
      const ok = await once();
      expect(
        ok.status === 200 && ok.json?.token_type === 'DPoP',
        `client_credentials with DPoP got ${ok.status} ${ok.text}`,
      );
      const replay = await once();
      expect(replay.status === 400, `a replayed DPoP proof got ${replay.status}`);
    };
    cases.push(
      await autocannonCase(
        plans,
        cfg,
        proc,
        'tessera/client-credentials-dpop',
        {
          url,
          method: 'POST',
          headers: { authorization, 'content-type': FORM },
          body: grant,
          dpop: {
            privateJwk: exportJwk(pair.privateKey, { private: true }),
            alg: 'ES256',
            htm: 'POST',
            htu,
            count: (cfg.duration + 1) * 3000,
          },
        },
        probe,
      ),
    );
  }

  if (names.includes('tessera/introspect')) {
    const issued = await token();
    expect(issued.status === 200, `client_credentials got ${issued.status} ${issued.text}`);
    const access = issued.json.access_token;
    const tampered = `${access.slice(0, -4)}${access.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const introspect = (t) =>
      request(port, {
        method: 'POST',
        path: '/oauth/introspect',
        headers: { authorization, 'content-type': FORM },
        body: `token=${t}`,
      });
    const probe = async () => {
      const ok = await introspect(access);
      expect(ok.status === 200 && ok.json?.active === true, `introspection got ${ok.status} ${ok.text}`);
      const bad = await introspect(tampered);
      expect(bad.status === 200 && bad.json?.active === false, `a tampered token introspected ${bad.text}`);
    };
    cases.push(
      await autocannonCase(
        plans,
        cfg,
        proc,
        'tessera/introspect',
        {
          url: `http://127.0.0.1:${port}/oauth/introspect`,
          method: 'POST',
          headers: { authorization, 'content-type': FORM },
          body: `token=${access}`,
        },
        probe,
      ),
    );
  }
  return cases;
}
