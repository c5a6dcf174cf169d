import { exportJwk, type Key } from '@tessera/jwt';
import { listen, type TestServer } from './http-server.js';

/**
 * A loopback JWKS endpoint that counts its hits; `keys` can change (rotation), `up` can fail it,
 * and `extra` adds raw JWK objects as they are (hostile or broken keys).
 */
export class JwksServer {
  hits = 0;
  up = true;
  keys: Key[];
  extra: object[] = [];
  private http: TestServer | undefined;

  constructor(keys: Key[]) {
    this.keys = keys;
  }

  get url(): string {
    return `${(this.http as TestServer).url}/.well-known/jwks.json`;
  }

  async start(): Promise<this> {
    this.http = await listen((_req, res) => {
      this.hits++;
      if (!this.up) {
        res.statusCode = 503;
        res.end();
        return;
      }
      res.setHeader('content-type', 'application/jwk-set+json');
      res.setHeader('cache-control', 'public, max-age=300');
      res.end(JSON.stringify({ keys: [...this.keys.map((key) => exportJwk(key)), ...this.extra] }));
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.http?.close();
  }
}
