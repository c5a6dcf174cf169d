import { contentAttacks } from './attacks-content.js';
import { signatureAttacks } from './attacks-signature.js';
import { type Attack, type Control, ED_HEADER, edSigned, hex32, P256_N } from './forge.js';
import { accessClaims, accessToken, ec, rsa } from './keys.js';
import { b64, rawSignature, seg } from './raw-sign.js';

export type { Attack, Control } from './forge.js';

/** Every token attack of docs/security.md (A1–A26) that fits in a request, with the status the guard must answer. */
export function buildAttacks(): Attack[] {
  return [...signatureAttacks(), ...contentAttacks()];
}

/** Malformed credentials: 400 invalid_request. */
export function buildMalformed(): Attack[] {
  const good = accessToken();
  return [
    { id: 'Bearer with no token', authorization: 'Bearer', status: 400 },
    { id: 'two tokens', authorization: `Bearer ${good} ${good}`, status: 400 },
    { id: 'token with a space', authorization: `Bearer ${good.slice(0, 30)} ${good.slice(30)}`, status: 400 },
    { id: 'comma-joined duplicate headers', authorization: `Bearer ${good}, Bearer ${good}`, status: 400 },
    { id: 'non-token68 characters', authorization: 'Bearer abc$def', status: 400 },
    { id: 'tab after the scheme', authorization: `Bearer\t${good}`, status: 400 },
    { id: 'comma after the scheme', authorization: `Bearer,${good}`, status: 400 },
  ];
}

/** Requests the guard must accept. */
export function buildControls(): Control[] {
  const good = accessToken();
  const ecInput = `${seg({ alg: 'ES256', typ: 'at+jwt', kid: 'ec-1' })}.${seg(accessClaims())}`;
  const ecSig = rawSignature('ES256', ec.privateKey.keyObject, ecInput);
  const s = BigInt(`0x${ecSig.subarray(32).toString('hex')}`);
  const highS = Buffer.concat([ecSig.subarray(0, 32), hex32(P256_N - s)]);
  return [
    { id: 'EdDSA token', authorization: `Bearer ${good}` },
    { id: 'ES256 token', authorization: `Bearer ${accessToken({}, ec.privateKey)}` },
    { id: 'RS256 token', authorization: `Bearer ${accessToken({}, rsa.privateKey)}` },
    { id: 'A8 high-S twin of an ES256 signature', authorization: `Bearer ${ecInput}.${b64(highS)}` },
    {
      id: 'A12 aud array containing ours',
      authorization: `Bearer ${accessToken({ aud: ['other', 'api'] })}`,
    },
    {
      id: 'A13 typ application/at+jwt',
      authorization: `Bearer ${edSigned({ ...ED_HEADER, typ: 'application/at+jwt' })}`,
    },
    { id: 'A13 typ AT+JWT', authorization: `Bearer ${edSigned({ ...ED_HEADER, typ: 'AT+JWT' })}` },
    { id: 'lower-case scheme', authorization: `bearer ${good}` },
    { id: 'upper-case scheme', authorization: `BEARER ${good}` },
    { id: 'several spaces after the scheme', authorization: `Bearer   ${good}` },
  ];
}
