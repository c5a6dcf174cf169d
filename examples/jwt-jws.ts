// jwt-jws.ts: JWS compact over any bytes. npx tsx jwt-jws.ts
import { generateSecret } from '@tessera/jwt';

const hmac = generateSecret('HS256');

// #region readme
import { signJws, verifyJws } from '@tessera/jwt';

const jws = signJws('any bytes or text', hmac);
const { header, payload } = verifyJws(jws, hmac, { algorithms: ['HS256'] }); // payload: Uint8Array
// #endregion readme

console.log(header.alg, new TextDecoder().decode(payload)); // HS256 any bytes or text
