# From the Tessera repository (there `npx tessera` is its CLI; elsewhere: npx @tessera/server), with the
# auth server (`npm start`) and guard-express.ts (`npx tsx examples/guard-express.ts`) running:
API=${API:-http://127.0.0.1:3000}
APP=${APP:-http://127.0.0.1:8080}
printf '%s' 'correct horse battery staple' | npx tessera users add alice@example.com --password-stdin --role admin
TOKEN=$(curl -s -X POST $API/auth/login -H 'content-type: application/json' \
  -d '{"email":"alice@example.com","password":"correct horse battery staple"}' | jq -r .access_token)
curl -i $APP/profile -H "Authorization: Bearer $TOKEN"   # 200 {"user":…,"roles":["admin"]}
curl -i $APP/profile                                      # 401, WWW-Authenticate: Bearer realm="tessera"
