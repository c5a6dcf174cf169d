/**
 * Well-known weak HMAC secrets: tutorial and framework defaults (`your-256-bit-secret`,
 * `keyboard cat`, `shhhhh`, Supabase's local default), placeholder values nobody
 * replaced (`changeme`, `replace_me`, `JWT_SECRET` copied as the value), and the
 * most common passwords. `tessera token lint` reports a token signed with any of
 * them, and a `--secret-file` that holds one. The list is public knowledge;
 * finding a token's secret in it takes microseconds.
 *
 * @example
 * COMMON_SECRETS.includes('your-256-bit-secret'); // true
 */
// biome-ignore format: a data list, kept dense
export const COMMON_SECRETS: readonly string[] = [
  'secret', 'Secret', 'SECRET', 'secret1', 'secret12', 'secret123', 'secret1234', 'secret12345',
  'Secret123', 'secret!', 'secret-key', 'secret_key', 'secretkey', 'secretKey', 'SecretKey', 'SECRET_KEY',
  'secret key', 'secretpassword', 'secret-password', 'secret_password', 'secrets', 's3cr3t', 'S3cr3t',
  's3cret', 'secr3t', 'sekret', 'sekrit', 's3kr3t', 'secreto', 'geheim', 'your-256-bit-secret',
  'your-384-bit-secret', 'your-512-bit-secret', 'a-string-secret-at-least-256-bits-long', 'your_secret',
  'your-secret', 'yoursecret', 'your_secret_key', 'your-secret-key', 'yoursecretkey', 'YourSecretKey',
  'YOUR_SECRET_KEY', 'YOUR_SECRET', 'your_jwt_secret', 'your-jwt-secret', 'yourjwtsecret',
  'YOUR_JWT_SECRET', 'your_jwt_secret_key', 'your-jwt-secret-key', 'your_secret_here', 'your-secret-here',
  'yoursecrethere', 'put-your-secret-here', 'put_your_secret_here', 'insert_secret_here',
  'insert-secret-here', 'enter-your-secret', 'enter_your_secret', 'replace_me', 'replace-me', 'replaceme',
  'REPLACE_ME', 'replace_with_your_secret', 'replace-with-your-secret', 'change_me', 'change-me',
  'changeme', 'changeMe', 'ChangeMe', 'CHANGEME', 'changeme!', 'changeme123', 'change_this', 'change-this',
  'changethis', 'change_this_secret', 'change-this-secret', 'changeit', 'change_it', 'mysecret',
  'my_secret', 'my-secret', 'mySecret', 'MySecret', 'my secret', 'mysecretkey', 'my_secret_key',
  'my-secret-key', 'mySecretKey', 'MySecretKey', 'my secret key', 'mysupersecret', 'mysupersecretkey',
  'my-super-secret-key', 'my_super_secret_key', 'my-very-secret-key', 'myjwtsecret', 'my-jwt-secret',
  'my_jwt_secret', 'mykey', 'my_key', 'my-key', 'myKey', 'supersecret', 'super_secret', 'super-secret',
  'superSecret', 'SuperSecret', 'supersecretkey', 'super_secret_key', 'super-secret-key', 'superSecretKey',
  'SuperSecretKey', 'supersecretpassword', 'super-secret-jwt-token-with-at-least-32-characters-long',
  'your-super-secret-jwt-token-with-at-least-32-characters-long', 'topsecret', 'top_secret', 'top-secret',
  'TopSecret', 'verysecret', 'very_secret', 'very-secret', 'verysecretkey', 'notsecret', 'notasecret',
  'not-a-secret', 'not_a_secret', 'nosecret', 'no-secret', 'shh', 'shhh', 'shhhh', 'shhhhh', 'shhhhhh',
  'shhhhhhared-secret', 'shared-secret', 'shared_secret', 'sharedsecret', 'keyboard cat', 'keyboardcat',
  'keyboard-cat', 'keyboard_cat', 'jwt', 'JWT', 'jwt_secret', 'jwt-secret', 'jwtsecret', 'jwtSecret',
  'JwtSecret', 'JWT_SECRET', 'JWTSecret', 'jwt_secret_key', 'jwt-secret-key', 'jwtsecretkey',
  'jwtSecretKey', 'JWT_SECRET_KEY', 'jwt_key', 'jwt-key', 'jwtkey', 'jwtKey', 'JWT_KEY', 'jwt_token',
  'jwt-token', 'jwttoken', 'jwt_token_secret', 'jwtPrivateKey', 'jwt_private_key', 'jwt-private-key',
  'jsonwebtoken', 'json-web-token', 'json_web_token', 'jsonwebtokensecret', 'token', 'token_secret',
  'token-secret', 'tokensecret', 'tokenSecret', 'TOKEN_SECRET', 'access_token_secret',
  'access-token-secret', 'accesstokensecret', 'accessTokenSecret', 'ACCESS_TOKEN_SECRET', 'access_secret',
  'accesssecret', 'refresh_token_secret', 'refresh-token-secret', 'refreshtokensecret',
  'refreshTokenSecret', 'REFRESH_TOKEN_SECRET', 'refresh_secret', 'refreshsecret', 'auth_secret',
  'auth-secret', 'authsecret', 'authSecret', 'AUTH_SECRET', 'auth_key', 'authkey', 'authKey', 'app_secret',
  'app-secret', 'appsecret', 'appSecret', 'APP_SECRET', 'app_key', 'appkey', 'APP_KEY',
  'application_secret', 'session_secret', 'session-secret', 'sessionsecret', 'sessionSecret',
  'SESSION_SECRET', 'cookie_secret', 'cookie-secret', 'cookiesecret', 'api_secret', 'api-secret',
  'apisecret', 'apiSecret', 'API_SECRET', 'api_key', 'apikey', 'client_secret', 'clientsecret',
  'server_secret', 'serversecret', 'private_key', 'private-key', 'privatekey', 'privateKey', 'private',
  'public', 'key', 'Key', 'KEY', 'secure', 'security', 'securekey', 'secure_key', 'secure-key',
  'secure-secret', 'strongsecret', 'strong_secret', 'thisismysecret', 'this_is_my_secret',
  'this-is-my-secret', 'ThisIsMySecret', 'thisisasecret', 'this_is_a_secret', 'this-is-a-secret',
  'this is a secret', 'thisisthesecret', 'thisismysecretkey', 'ThisIsMySecretKey', 'thisisasecretkey',
  'somesecret', 'some-secret', 'some_secret', 'some secret', 'somesecretkey', 'random', 'randomsecret',
  'random_secret', 'random-secret', 'randomstring', 'random_string', 'averylongsecret',
  'a-very-long-secret', 'hard!to-guess_secret', 'hardtoguess', 'unguessable', 'GoodLuckWithThat',
  'secretOrPrivateKey', 'secretOrKey', 'secretOrPublicKey', 'password', 'Password', 'PASSWORD',
  'password1', 'password12', 'password123', 'Password1', 'Password123', 'passw0rd', 'Passw0rd',
  'Passw0rd!', 'p@ssw0rd', 'P@ssw0rd', 'Pa$$w0rd', 'pass', 'pass123', 'pass1234', '123', '1234', '12345',
  '123456', '1234567', '12345678', '123456789', '1234567890', '0000', '000000', '111111', '654321',
  '123123', '123qwe', 'qwe123', 'qwerty', 'QWERTY', 'qwerty123', 'qwertyuiop', 'abc123', 'abcdef',
  'abcd1234', '1q2w3e4r', 'q1w2e3r4', '1qaz2wsx', 'zaq12wsx', 'qazwsx', 'asdf', 'asdfgh', 'asdfghjkl',
  'zxcvbn', 'aaaaaa', 'letmein', 'welcome', 'welcome1', 'Welcome1', 'Welcome123', 'admin', 'admin123',
  'Admin123', 'admin@123', 'Admin@123', 'administrator', 'root', 'root123', 'toor', 'guest', 'user',
  'hello', 'hello123', 'helloworld', 'hello world', 'hello_world', 'HelloWorld', 'foobar', 'foo', 'bar',
  'baz', 'monkey', 'dragon', 'master', 'iloveyou', 'trustno1', 'sunshine', 'princess', 'football',
  'baseball', 'superman', 'batman', 'starwars', 'whatever', 'nothing', 'none', 'null', 'undefined',
  'empty', 'blank', 'god', 'love', 'magic', 'ninja', 'shadow', 'mustang', 'access', 'login', 'todo',
  'TODO', 'fixme', 'xxx', 'xxxx', 'xxxxx', 'placeholder', 'example', 'example_secret', 'sample', 'default',
  'default_secret', 'default-secret', 'defaultsecret', 'DEFAULT_SECRET', 'dev', 'development',
  'dev_secret', 'dev-secret', 'devsecret', 'dev_key', 'devkey', 'development_secret', 'local',
  'localsecret', 'test', 'testing', 'test123', 'test_secret', 'test-secret', 'testsecret', 'testkey',
  'test_key', 'prod', 'production', 'staging', 'demo', 'demo_secret', 'app', 'application', 'myapp',
  'my-app', 'my_app', 'server', 'backend', 'api', 'nodejs', 'node', 'node-secret', 'nodeauth', 'node-auth',
  'nodeauthsecret', 'express', 'express-secret', 'expresssecret', 'mean', 'mean-secret', 'meanstack',
  'mern', 'mern-secret', 'react', 'nextauth', 'NEXTAUTH_SECRET', 'nextauth_secret', 'nestjs', 'django',
  'flask', 'rails', 'laravel', 'spring', 'firebase', 'supabase', 'passport', 'passportjs', 'fastify',
  'koa', 'hapi',
];

let lowered: ReadonlySet<string> | undefined;

/**
 * True when the secret (as UTF-8 text, compared case-insensitively and without
 * surrounding whitespace) is in {@link COMMON_SECRETS}.
 *
 * @example
 * isCommonSecret(new TextEncoder().encode('Secret\n')); // true
 */
export function isCommonSecret(secret: Uint8Array | string): boolean {
  lowered ??= new Set(COMMON_SECRETS.map((s) => s.toLowerCase()));
  const text = typeof secret === 'string' ? secret : new TextDecoder().decode(secret);
  return lowered.has(text.trim().toLowerCase());
}
