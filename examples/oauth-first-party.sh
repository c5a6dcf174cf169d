# oauth-first-party.sh: users' refresh tokens at the OAuth endpoints, as the public first-party
# client `tessera` (packages/server/README.md).
API=${API:-http://127.0.0.1:3000}
curl -s -X POST $API/auth/register -H 'content-type: application/json' \
  -d '{"email":"kim@example.com","password":"quiet harbour maple 17"}' >/dev/null
REFRESH=$(curl -s -X POST $API/auth/login -H 'content-type: application/json' \
  -d '{"email":"kim@example.com","password":"quiet harbour maple 17"}' | jq -r .refresh_token)

# #region readme
REFRESH=$(curl -s $API/oauth/token -d grant_type=refresh_token -d client_id=tessera \
  -d refresh_token=$REFRESH | jq -r .refresh_token)    # the /auth/refresh rotation, answered the OAuth way
curl -s $API/oauth/revoke -d client_id=tessera -d token=$REFRESH        # ends the session
# #endregion readme
