// Fixed key material that node:crypto cannot generate at test time.
import type { KeyObject } from 'node:crypto';

/**
 * A self-signed P-256 certificate and its private key, made for these tests only:
 * `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 36500
 *  -subj /CN=tessera-attack-tests`.
 */
export const TEST_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIBlTCCATugAwIBAgIULwmQlIQm+DLqCjCFZulGniSNYyswCgYIKoZIzj0EAwIw
HzEdMBsGA1UEAwwUdGVzc2VyYS1hdHRhY2stdGVzdHMwIBcNMjYxMTI0MDcwMjU5
WhgPMjEyNjEwMzEwNzAyNTlaMB8xHTAbBgNVBAMMFHRlc3NlcmEtYXR0YWNrLXRl
c3RzMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE4P3uBHWnTVE0LMnFpuDvbQlC
dOdgy7qq90zK8Ttst2gifxvk2X4X6LhMALqKk/EkPIpUrWcCyeJvkA1AxJ6dvKNT
MFEwHQYDVR0OBBYEFGCq1drvZS5BwF7htWREuu5GceNYMB8GA1UdIwQYMBaAFGCq
1drvZS5BwF7htWREuu5GceNYMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwID
SAAwRQIhAKTDXcbsXJ+I0WEEd3Dk7qIWNQwRVMwJEYHJf3DVkvMtAiB5EALtWONa
THyz7Cr0ELP2+Y3ZyYf1+IjmXsuLY4IJdw==
-----END CERTIFICATE-----
`;

export const TEST_CERT_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgl9DLd08aPYh+/xtv
pP/sbbLeQY4oVHItn5GC2Y7k9BihRANCAATg/e4EdadNUTQsycWm4O9tCUJ052DL
uqr3TMrxO2y3aCJ/G+TZfhfouEwAuoqT8SQ8ilStZwLJ4m+QDUDEnp28
-----END PRIVATE KEY-----
`;

/**
 * A 2048-bit RSA modulus with the ROCA fingerprint (CVE-2017-15361): n = p·q with
 * p and q prime and of the Infineon form k·M + (65537^a mod M), M = the product of
 * the first 126 primes. Generated for these tests with BigInt and Miller–Rabin.
 */
export const ROCA_MODULUS_B64U =
  'mXN5Ip_O5tj-OsGX3m6J-S-pGiIrfO4gT1SAoFXOc_uSPN7tW34doAEYuqa1-VxmAKMkHLr-eIT0HlM4_4YC6I2sq9AnFRYfG7Vlqc8k6bAqsQ2jELGQ_8chp2UBAxGpRytDq4-bpYbZ8W8D1M9LwISUdceRJDrUjJyIDX4z6PH22PzTp7pSSVORIv58LGH05xneuRzKJGfjW5XKfCMczHDQBCIt9sADWAgIVCr3EBYxsmQtx7Hnk-KrA4d8NLFmJrBP8cIvwnyWKftQJULV4TOVU7Txksa68AZoUTJlhCvu_voC5f2knvb_7jjMZogaD5p5aGuOgb9BU22eA9MPrw';

/** The RFC 7515 A.1 HMAC key (64 bytes) and its example token (exp 2011-03-22). */
export const RFC7515_A1 = {
  k: 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow',
  token:
    'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  /** A moment when the token is still valid. */
  now: new Date('2011-03-22T18:00:00Z'),
};

/** The RFC 7515 A.3 ES256 key and token; its signature is high-S (S > n/2). */
export const RFC7515_A3 = {
  jwk: {
    kty: 'EC',
    crv: 'P-256',
    x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
    y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
  },
  token:
    'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q',
  now: new Date('2011-03-22T18:00:00Z'),
};

/** The RFC 7515 A.6 (general) and A.7 (flattened) JSON serializations, as sent on the wire. */
export const RFC7515_JSON_SERIALIZATIONS = {
  general: JSON.stringify({
    payload: 'eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ',
    signatures: [
      {
        protected: 'eyJhbGciOiJSUzI1NiJ9',
        header: { kid: '2010-12-29' },
        signature:
          'cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw',
      },
      {
        protected: 'eyJhbGciOiJFUzI1NiJ9',
        header: { kid: 'e9bc097a-ce51-4036-9562-d2ade882db0d' },
        signature: 'DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q',
      },
    ],
  }),
  flattened: JSON.stringify({
    payload: 'eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ',
    protected: 'eyJhbGciOiJFUzI1NiJ9',
    header: { kid: 'e9bc097a-ce51-4036-9562-d2ade882db0d' },
    signature: 'DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q',
  }),
};

function sshString(bytes: Uint8Array | string): Buffer {
  const body = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

/** The OpenSSH `authorized_keys` line of an Ed25519 public key. */
export function opensshEd25519(publicKey: KeyObject): string {
  const raw = Buffer.from((publicKey.export({ format: 'jwk' }) as { x: string }).x, 'base64url');
  const blob = Buffer.concat([sshString('ssh-ed25519'), sshString(raw)]);
  return `ssh-ed25519 ${blob.toString('base64')} attacker@example`;
}

/** The OpenSSH `authorized_keys` line of a P-256 public key. */
export function opensshEcdsaP256(publicKey: KeyObject): string {
  const blob = Buffer.concat([
    sshString('ecdsa-sha2-nistp256'),
    sshString('nistp256'),
    sshString(rawEcPoint(publicKey)),
  ]);
  return `ecdsa-sha2-nistp256 ${blob.toString('base64')} attacker@example`;
}

/** The uncompressed SEC1 point (04 ‖ X ‖ Y) of an EC public key. */
export function rawEcPoint(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
}
