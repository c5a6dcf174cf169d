// jwt-express.ts: the jsonwebtoken shape, with the algorithm explicit and the secret checked once.
// JWT_SECRET=$(node -e "console.log(crypto.randomBytes(32).toString('hex'))") npx tsx jwt-express.ts
import { importSecret, JwtError, signJwt, verifyJwt } from '@tessera/jwt';
import express from 'express';

// A 256-bit random secret; importSecret refuses one that is missing or shorter than 32 bytes.
const secret = importSecret(process.env.JWT_SECRET ?? '', { alg: 'HS256' });

const app = express();
app.post('/login', express.json(), (_req, res) => {
  // … check the password first …
  const token = signJwt({ sub: '123', role: 'admin' }, secret, { expiresIn: '15m' });
  res.json({ token });
});

app.get('/profile', (req, res) => {
  const token = req.headers.authorization?.replace(/^Bearer /i, '') ?? '';
  try {
    const { payload } = verifyJwt(token, secret, { algorithms: ['HS256'] });
    res.json({ user: payload.sub, role: payload.role });
  } catch (err) {
    if (!(err instanceof JwtError)) throw err;
    res.status(401).json({ error: 'Unauthorized' });
  }
});

app.listen(Number(process.env.PORT ?? 8080));
