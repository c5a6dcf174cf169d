// guard-passport.ts: coming from passport-jwt, the routes stay as they were (auth server as for guard-express.ts).
import { createGuard } from '@tessera/guard';
import { TesseraStrategy } from '@tessera/guard/passport';
import express from 'express';
import passport from 'passport';

const issuer = process.env.TESSERA_ISSUER ?? 'http://127.0.0.1:3000';
const guard = createGuard({
  issuer,
  audience: 'tessera',
  algorithms: ['EdDSA'],
  jwksUri: `${issuer}/.well-known/jwks.json`,
  revocations: { url: `${issuer}/auth/revocations` },
});

// Before:
// passport.use(new JwtStrategy({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
//   secretOrKey: publicKey, algorithms: ['RS256'], issuer, audience },
//   (payload, done) => done(null, { id: payload.sub })));
passport.use(
  new TesseraStrategy({ guard, name: 'jwt' }, (auth, done) =>
    done(null, { id: auth.subject, roles: auth.roles }),
  ),
);

const app = express();
app.get('/profile', passport.authenticate('jwt', { session: false }), (req, res) => {
  res.json(req.user);
});

await guard.ready();
app.listen(Number(process.env.PORT ?? 8080));
