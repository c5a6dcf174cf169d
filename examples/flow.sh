API=${API:-http://127.0.0.1:3000}

# 1. Log in: a 10-minute access token and a refresh token
curl -s -X POST $API/auth/register -H 'content-type: application/json' \
  -d '{"email":"ada@example.com","password":"correct horse battery"}'
LOGIN=$(curl -s -X POST $API/auth/login -H 'content-type: application/json' \
  -d '{"email":"ada@example.com","password":"correct horse battery"}')
echo "$LOGIN"
# {"access_token":"eyJ…","token_type":"Bearer","expires_in":600,"session_id":"…","refresh_token":"…"}
ACCESS=$(echo "$LOGIN" | jq -r .access_token)
REFRESH=$(echo "$LOGIN" | jq -r .refresh_token)

# 2. Call APIs with it
curl -s $API/demo/profile -H "authorization: Bearer $ACCESS"

# 3. When it expires, rotate: the old refresh token dies; presenting it again revokes the session
PAIR=$(curl -s -X POST $API/auth/refresh -H 'content-type: application/json' -d "{\"refresh_token\":\"$REFRESH\"}")
ACCESS=$(echo "$PAIR" | jq -r .access_token)
REFRESH=$(echo "$PAIR" | jq -r .refresh_token)

# 4. Log out: the refresh token dies now, and the access token is on the revocation feed
curl -s -X POST $API/auth/logout -H "authorization: Bearer $ACCESS"
curl -s "$API/auth/revocations?after=0"
