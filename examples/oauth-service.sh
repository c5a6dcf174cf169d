# oauth-service.sh: tokens for services (packages/server/README.md, "Tokens for a service").
# Set-up: an admin registers one client per authentication method and one for a resource server.
API=${API:-http://127.0.0.1:3000}
HERE=$(cd "$(dirname "$0")" && pwd)
ADMIN=$(curl -s -X POST $API/auth/login -H 'content-type: application/json' \
  -d '{"email":"admin@example.com","password":"vintage lantern orbit 42"}' | jq -r .access_token)
new_client() {
  curl -s -X POST $API/admin/clients -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' -d "$1"
}
BASIC=$(new_client '{"name":"billing","scopes":["invoices:read"],"token_endpoint_auth_method":"client_secret_basic"}')
CLIENT_ID=$(echo "$BASIC" | jq -r .client_id)
CLIENT_SECRET=$(echo "$BASIC" | jq -r .client_secret)
POSTED=$(new_client '{"name":"mailer","token_endpoint_auth_method":"client_secret_post"}')
POST_ID=$(echo "$POSTED" | jq -r .client_id)
POST_SECRET=$(echo "$POSTED" | jq -r .client_secret)
RS=$(new_client '{"name":"invoices-api","token_endpoint_auth_method":"client_secret_basic"}')
RS_ID=$(echo "$RS" | jq -r .client_id)
RS_SECRET=$(echo "$RS" | jq -r .client_secret)
KEY_FILE=$(mktemp)
trap 'rm -f "$KEY_FILE"' EXIT
JWKS=$(node --import tsx "$HERE/oauth-assertion.ts" key "$KEY_FILE")
KEYED=$(new_client "{\"name\":\"reports\",\"token_endpoint_auth_method\":\"private_key_jwt\",\"jwks\":$JWKS}")
KEY_CLIENT_ID=$(echo "$KEYED" | jq -r .client_id)
ASSERTION=$(node --import tsx "$HERE/oauth-assertion.ts" sign "$KEY_FILE" "$KEY_CLIENT_ID" "$API/oauth/token")

# #region readme
# client_secret_basic (curl -u does the Basic header)
TOKEN=$(curl -s -u "$CLIENT_ID:$CLIENT_SECRET" $API/oauth/token \
  -d grant_type=client_credentials -d scope=invoices:read | jq -r .access_token)
# {"access_token":"eyJ…","token_type":"Bearer","expires_in":600,"scope":"invoices:read"}

# client_secret_post (a client registered with that method: each uses only its own)
curl -s $API/oauth/token -d grant_type=client_credentials -d client_id=$POST_ID -d client_secret=$POST_SECRET

# private_key_jwt: a JWT signed with the client's key, iss = sub = client_id, aud = the token
# endpoint (or the issuer), a fresh jti (used once); see examples/oauth-assertion.ts
curl -s $API/oauth/token -d grant_type=client_credentials \
  -d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer -d client_assertion=$ASSERTION

# A resource server asks about a token it received
curl -s -u "$RS_ID:$RS_SECRET" $API/oauth/introspect -d token=$TOKEN
# {"active":true,"token_type":"Bearer","client_id":"…","sub":"…","scope":"invoices:read","exp":…,"iat":…,"jti":"…","iss":"…","aud":"tessera"}

# Revoke it
curl -s -u "$CLIENT_ID:$CLIENT_SECRET" $API/oauth/revoke -d token=$TOKEN    # 200
# #endregion readme
