import { TesseraClientError } from './errors.js';
import type { Dpop, DpopSigner } from './options.js';

/**
 * Where the DPoP key pair of a client is kept. The pair holds CryptoKeys (the
 * private one non-extractable): a store keeps the objects themselves, never
 * key material. The default is IndexedDB in browsers (a CryptoKey is
 * structured-cloneable, so a reload keeps the binding) and memory elsewhere.
 */
export interface DpopKeyStore {
  /** The kept pair, if any. */
  get(): Promise<CryptoKeyPair | null | undefined>;
  /** Keeps `pair`, unless a pair is kept already (another tab made one first): then that one stays. */
  set(pair: CryptoKeyPair): Promise<void>;
  /** Forgets the pair (logout: the next session gets a new key). */
  delete(): Promise<void>;
}

/** Options of dpop(). */
export interface DpopOptions {
  /**
   * Where the key pair lives. Default: IndexedDB in browsers (database
   * `tessera-dpop`, one entry per baseUrl), memory elsewhere (Node, React Native).
   */
  keyStore?: DpopKeyStore;
}

type Bytes = ArrayBuffer | Uint8Array;

const EC = { name: 'ECDSA', namedCurve: 'P-256' };
const SHA256 = { name: 'ECDSA', hash: 'SHA-256' };
const DB = 'tessera-dpop';

const utf8 = (text: string) => new TextEncoder().encode(text);
const b64 = (bytes: Bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
const part = (value: object) => b64(utf8(JSON.stringify(value)));

/**
 * The DPoP key store of browsers: the CryptoKeyPair itself in IndexedDB under
 * `name`. `set` adds without replacing, in one transaction, so two tabs that
 * make a key at the same time end up with the same one.
 *
 * @example
 * const store = indexedDbKeyStore('https://auth.example.com');
 * const pair = await store.get();
 */
export function indexedDbKeyStore(name: string): DpopKeyStore {
  const run = <T>(mode: IDBTransactionMode, op: (keys: IDBObjectStore) => IDBRequest) =>
    new Promise<T>((resolve, reject) => {
      const open = indexedDB.open(DB, 1);
      open.onupgradeneeded = () => open.result.createObjectStore('keys');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        try {
          const tx = db.transaction('keys', mode);
          const request = op(tx.objectStore('keys'));
          tx.oncomplete = () => {
            db.close();
            resolve(request.result);
          };
          tx.onabort = () => {
            db.close();
            reject(tx.error);
          };
        } catch (err) {
          db.close();
          reject(err);
        }
      };
    });
  return {
    get: () => run('readonly', (keys) => keys.get(name)),
    // `add` fails (and the transaction aborts) when a pair is there already: that one stays.
    set: (pair) => run<void>('readwrite', (keys) => keys.add(pair, name)).catch(() => {}),
    delete: () => run('readwrite', (keys) => keys.delete(name)),
  };
}

/**
 * A DPoP key store in memory: the binding lasts as long as the process.
 *
 * @example
 * createClient({ baseUrl, mode: 'token', dpop: dpop({ keyStore: memoryKeyStore() }) });
 */
export function memoryKeyStore(): DpopKeyStore {
  let kept: CryptoKeyPair | undefined;
  return {
    get: async () => kept,
    set: async (pair) => {
      kept ??= pair;
    },
    delete: async () => {
      kept = undefined;
    },
  };
}

/** fetch sends these methods upper-case whatever their case; any other as given. */
const methodOf = (method: string) =>
  /^(delete|get|head|options|post|put)$/i.test(method) ? method.toUpperCase() : method;

/** A nonce as RFC 9449 §8.1 allows it (NQCHAR); anything else is ignored. */
const NONCE = /^[\x21\x23-\x5b\x5d-\x7e]{1,512}$/;

/**
 * DPoP (RFC 9449) for createClient: the client makes an ES256 key pair with
 * WebCrypto, its private key non-extractable (script can sign with it, never
 * read it), keeps it in `keyStore`, and sends a fresh proof (`typ: dpop+jwt`,
 * the public `jwk`, a random `jti`, `htm`, `htu` without query and fragment,
 * `iat`, `ath` with an access token, the server's `nonce`) with login, refresh,
 * logout and every `client.fetch` (then as `Authorization: DPoP`). A
 * `use_dpop_nonce` refusal is retried once with the server's `DPoP-Nonce`,
 * remembered per origin. Logout deletes the key: a new session gets a new one.
 * Needs `crypto.subtle` (browsers in a secure context, Node ≥ 20; React
 * Native with a polyfill), else throws ERR_CLIENT_NOT_SUPPORTED.
 *
 * @example
 * import { createClient } from '@tessera/client';
 * import { dpop } from '@tessera/client/dpop';
 *
 * const client = createClient({ baseUrl: location.origin, mode: 'browser', dpop: dpop() });
 */
export function dpop(options: DpopOptions = {}): Dpop {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new TesseraClientError(
      'ERR_CLIENT_NOT_SUPPORTED',
      'DPoP needs WebCrypto (crypto.subtle): a secure context in browsers, a polyfill in React Native',
    );
  }
  return (base, now): DpopSigner => {
    const store =
      options.keyStore ?? (typeof indexedDB === 'object' ? indexedDbKeyStore(base) : memoryKeyStore());
    const nonces = new Map<string, string>();
    let loading: Promise<{ key: CryptoKey; head: string }> | undefined;
    // Relative URLs are resolved as fetch does: against the page in browsers.
    const urlOf = (url: string) =>
      new URL(url, (globalThis as { location?: { href: string } }).location?.href ?? base);

    const load = async () => {
      let pair = await store.get().catch(() => undefined);
      if (!pair) {
        const made = await subtle.generateKey(EC, false, ['sign', 'verify']);
        await store.set(made);
        // Another tab may have kept its pair first: use the kept one. A store that fails keeps the key in memory.
        pair = (await store.get().catch(() => undefined)) ?? made;
      }
      const { crv, kty, x, y } = await subtle.exportKey('jwk', pair.publicKey);
      return { key: pair.privateKey, head: part({ typ: 'dpop+jwt', alg: 'ES256', jwk: { crv, kty, x, y } }) };
    };

    return {
      async proof(method, url, accessToken) {
        const current = (loading ??= load());
        current.catch(() => {
          if (loading === current) loading = undefined;
        });
        const { key, head } = await current;
        const u = urlOf(url);
        const claims: Record<string, unknown> = {
          jti: b64(crypto.getRandomValues(new Uint8Array(16))),
          htm: methodOf(method),
          htu: u.origin + u.pathname,
          iat: Math.floor(now() / 1000),
        };
        if (accessToken) claims.ath = b64(await subtle.digest('SHA-256', utf8(accessToken)));
        const nonce = nonces.get(u.origin);
        if (nonce) claims.nonce = nonce;
        const input = `${head}.${part(claims)}`;
        return `${input}.${b64(await subtle.sign(SHA256, key, utf8(input)))}`;
      },
      nonce(url, header, error) {
        const nonce = header('dpop-nonce');
        if (typeof nonce !== 'string' || !NONCE.test(nonce)) return false;
        nonces.set(urlOf(url).origin, nonce);
        return /use_dpop_nonce/.test(String(error ?? header('www-authenticate')));
      },
      async forget(stored) {
        loading = undefined;
        if (stored) await store.delete().catch(() => {});
      },
    };
  };
}

export type { Dpop, DpopSigner } from './options.js';
