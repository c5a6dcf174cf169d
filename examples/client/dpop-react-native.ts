// DPoP on React Native. Hermes has no crypto.subtle: install a WebCrypto polyfill that does ECDSA
// P-256 (generateKey, importKey, exportKey, sign) and SHA-256 before createClient, e.g.
// react-native-quick-crypto's `install()`. There is no IndexedDB either: by default the key lives
// in memory, so after a restart the stored refresh token is bound to a lost key and the user signs
// in again. To keep sessions across restarts, keep the key in the platform's secure store beside
// the refresh token: made once, saved as a JWK there, and imported non-extractable for use.
import { createClient } from '@tessera/client';
import { type DpopKeyStore, dpop } from '@tessera/client/dpop';

/** The three functions of expo-secure-store used here (`import * as SecureStore from 'expo-secure-store'`). */
interface ExpoSecureStore {
  getItemAsync(key: string): Promise<string | null>;
  setItemAsync(key: string, value: string): Promise<void>;
  deleteItemAsync(key: string): Promise<void>;
}

const EC = { name: 'ECDSA', namedCurve: 'P-256' };

/** The DPoP key pair in the secure store (Keychain / Keystore); in memory, the private key is non-extractable. */
export function secureStoreKeyStore(store: ExpoSecureStore, name = 'tessera.dpop_key'): DpopKeyStore {
  const use = async (jwk: JsonWebKey): Promise<CryptoKeyPair> => {
    const pub: JsonWebKey = { kty: 'EC', crv: 'P-256', x: String(jwk.x), y: String(jwk.y) };
    return {
      privateKey: await crypto.subtle.importKey('jwk', jwk, EC, false, ['sign']),
      publicKey: await crypto.subtle.importKey('jwk', pub, EC, true, ['verify']),
    };
  };
  return {
    async get() {
      const saved = await store.getItemAsync(name);
      if (saved) return use(JSON.parse(saved));
      const made = await crypto.subtle.generateKey(EC, true, ['sign', 'verify']);
      const jwk = await crypto.subtle.exportKey('jwk', made.privateKey);
      await store.setItemAsync(name, JSON.stringify(jwk));
      return use(jwk);
    },
    // get() always answers with the stored pair: there is nothing else to keep.
    async set() {},
    delete: () => store.deleteItemAsync(name),
  };
}

/** The app's client, given `SecureStore` from expo-secure-store. */
export function createAppClient(secureStore: ExpoSecureStore) {
  return createClient({
    baseUrl: 'https://auth.example.com',
    mode: 'token',
    storage: {
      getItem: (key) => secureStore.getItemAsync(key),
      setItem: (key, value) => secureStore.setItemAsync(key, value),
      removeItem: (key) => secureStore.deleteItemAsync(key),
    },
    dpop: dpop({ keyStore: secureStoreKeyStore(secureStore) }),
  });
}
