// React Native: keep the refresh token in the platform's secure store (Keychain / Keystore),
// never in AsyncStorage's plain files and never in localStorage. Two adapters to AsyncStorageLike.
import { type AsyncStorageLike, createClient } from '@tessera/client';

/** The three functions of expo-secure-store that the adapter uses (`import * as SecureStore from 'expo-secure-store'`). */
interface ExpoSecureStore {
  getItemAsync(key: string): Promise<string | null>;
  setItemAsync(key: string, value: string): Promise<void>;
  deleteItemAsync(key: string): Promise<void>;
}

/** expo-secure-store as the client's storage. */
export function expoSecureStorage(store: ExpoSecureStore): AsyncStorageLike {
  return {
    getItem: (key) => store.getItemAsync(key),
    setItem: (key, value) => store.setItemAsync(key, value),
    removeItem: (key) => store.deleteItemAsync(key),
  };
}

/** The three functions of react-native-keychain that the adapter uses (`import * as Keychain from 'react-native-keychain'`). */
interface Keychain {
  getGenericPassword(options: { service: string }): Promise<false | { password: string }>;
  setGenericPassword(username: string, password: string, options: { service: string }): Promise<unknown>;
  resetGenericPassword(options: { service: string }): Promise<unknown>;
}

/** react-native-keychain as the client's storage: one Keychain service per key. */
export function keychainStorage(keychain: Keychain): AsyncStorageLike {
  return {
    async getItem(key) {
      const entry = await keychain.getGenericPassword({ service: key });
      return entry === false ? null : entry.password;
    },
    async setItem(key, value) {
      await keychain.setGenericPassword('tessera', value, { service: key });
    },
    async removeItem(key) {
      await keychain.resetGenericPassword({ service: key });
    },
  };
}

/** The app's client, given `SecureStore` from expo-secure-store. */
export function createAppClient(secureStore: ExpoSecureStore) {
  return createClient({
    baseUrl: 'https://auth.example.com',
    mode: 'token',
    storage: expoSecureStorage(secureStore),
  });
}
