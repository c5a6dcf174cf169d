API=${API:-http://127.0.0.1:3000}

# Register and log in (mobile apps and services: both tokens in the body)
USER_ID=$(curl -s -X POST $API/auth/register -H 'content-type: application/json' \
  -d '{"email":"ada@example.com","password":"correct horse battery"}' | jq -r .id)
# {"id":"…","email":"ada@example.com"}

LOGIN=$(curl -s -X POST $API/auth/login -H 'content-type: application/json' \
  -d '{"email":"ada@example.com","password":"correct horse battery"}')
# {"access_token":"eyJ…","token_type":"Bearer","expires_in":600,"session_id":"…","refresh_token":"…","device_token":"v1.…"}
# Keep device_token and send it as `X-Tessera-Device: v1.…` at later logins: during an
# attack on the account, logins with it are not slowed down by the attacker's failures.
ACCESS=$(echo "$LOGIN" | jq -r .access_token)
REFRESH=$(echo "$LOGIN" | jq -r .refresh_token)

# Call an API with the access token
curl -s $API/auth/me -H "authorization: Bearer $ACCESS"
# {"id":"…","email":"ada@example.com","roles":["user"],"permissions":[]}

# Trade the refresh token for a new pair (the old refresh token is dead from now on)
PAIR=$(curl -s -X POST $API/auth/refresh -H 'content-type: application/json' -d "{\"refresh_token\":\"$REFRESH\"}")
ACCESS=$(echo "$PAIR" | jq -r .access_token)
REFRESH=$(echo "$PAIR" | jq -r .refresh_token)

# Presenting a used refresh token again (after the 30 s grace window) is theft:
# the whole session is revoked and an audit event is written.

# RBAC demo: any valid token reads its profile; only admins may delete users
curl -s $API/demo/profile -H "authorization: Bearer $ACCESS"
curl -s -X DELETE $API/demo/users/42 -H "authorization: Bearer $ACCESS"   # 403 insufficient_scope for a plain user

# Change the password: every other session is revoked, and every access token of the user (this
# session's too: its refresh token still works, so the client refreshes)
curl -s -X POST $API/auth/password -H "authorization: Bearer $ACCESS" -H 'content-type: application/json' \
  -d '{"current_password":"correct horse battery","new_password":"an even better passphrase"}'
PAIR=$(curl -s -X POST $API/auth/refresh -H 'content-type: application/json' -d "{\"refresh_token\":\"$REFRESH\"}")
ACCESS=$(echo "$PAIR" | jq -r .access_token)

# List and end sessions (here the session of a second login, as from another device)
OTHER=$(curl -s -X POST $API/auth/login -H 'content-type: application/json' \
  -d '{"email":"ada@example.com","password":"an even better passphrase"}')
curl -s $API/auth/sessions -H "authorization: Bearer $ACCESS"
curl -s -X DELETE $API/auth/sessions/$(echo "$OTHER" | jq -r .session_id) -H "authorization: Bearer $ACCESS"

# What verifiers use: keys, metadata (RFC 8414), and the revocation feed
curl -s $API/.well-known/jwks.json
curl -s $API/.well-known/oauth-authorization-server
curl -s "$API/auth/revocations?after=0"
# {"cursor":3,"revoked":[{"sid":"…","before":1795503903,"expires":1795504563}]}

# Log out this session, or every session
curl -s -X POST $API/auth/logout -H "authorization: Bearer $ACCESS"        # 204
ACCESS=$(curl -s -X POST $API/auth/login -H 'content-type: application/json' \
  -d '{"email":"ada@example.com","password":"an even better passphrase"}' | jq -r .access_token)
curl -s -X POST $API/auth/logout-all -H "authorization: Bearer $ACCESS"    # 204

# Admin (role admin; the first admin comes from `tessera users add`): users, roles, passwords, blocking, deletion, audit, key rotation
ADMIN=$(curl -s -X POST $API/auth/login -H 'content-type: application/json' \
  -d '{"email":"admin@example.com","password":"vintage lantern orbit 42"}' | jq -r .access_token)
curl -s $API/admin/users -H "authorization: Bearer $ADMIN"
curl -s -X POST $API/admin/users -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' \
  -d '{"email":"bob@example.com","password":"a long first password","roles":["user"]}'   # also while registration is closed
curl -s $API/admin/users/$USER_ID -H "authorization: Bearer $ADMIN"          # the account and its live sessions
curl -s -X PATCH $API/admin/users/$USER_ID -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' \
  -d '{"roles":["user","editor"]}'       # the user's current access tokens are revoked; the next refresh carries the new roles
curl -s -X PATCH $API/admin/users/$USER_ID -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' \
  -d '{"blocked":true}'                  # every session and access token of the user dies at once
curl -s -X PUT $API/admin/users/$USER_ID/password -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' \
  -d '{"password":"a new long password"}'  # every session of the user is revoked
curl -s -X POST $API/admin/users/$USER_ID/revoke-sessions -H "authorization: Bearer $ADMIN"
curl -s -X DELETE $API/admin/users/$USER_ID -H "authorization: Bearer $ADMIN"   # with its sessions; the audit log keeps its id
curl -s "$API/admin/audit?limit=20" -H "authorization: Bearer $ADMIN"
curl -s -X POST $API/admin/keys/rotate -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' \
  -d '{"immediate":true}'                # {} publishes the next key first; immediate signs with it at once

# Operations
curl -s $API/healthz
# /metrics (Prometheus) is served only on its own listener: set metricsPort ("Running in production")
