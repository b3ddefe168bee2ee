#!/usr/bin/env bash
# The walk-through of docs/collector.md as one script: authenticate with an
# HS256 code made from the app secret, join a conference whose ID is not
# ASCII, send a fabric event and stats, leave. Needs bash, curl, openssl.
#   scripts/collector-example.sh http://127.0.0.1:3000 APP_ID SECRET
# With FABRIC_EVENT=fabricSetupFailed the connection fails instead, and the
# conference ends as a total failure (what a failedConferences webhook hears).
set -euo pipefail
BASE=${1:?usage: collector-example.sh BASE APP_ID SECRET} APP_ID=${2:?} SECRET=${3:?} USER_ID=alice
FABRIC_EVENT=${FABRIC_EVENT:-fabricSetup}

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
urlencode() { # one path segment, byte by byte
  local LC_ALL=C s="$1" out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in [a-zA-Z0-9.~_-]) out+=$c ;; *) out+=$(printf '%%%02X' "'$c") ;; esac
  done
  printf '%s' "$out"
}
field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"; } # a string field of a flat JSON answer
ts() { date +%s%3N; }

# 2. Authenticate: an HS256 code signed with the secret; the secret never leaves.
now=$(date +%s)
header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
claims=$(printf '{"appID":"%s","userID":"%s","iat":%d,"exp":%d,"jti":"%s"}' \
  "$APP_ID" "$USER_ID" "$now" "$((now + 300))" "$(openssl rand -hex 16)" | b64url)
signature=$(printf '%s.%s' "$header" "$claims" | openssl dgst -sha256 -hmac "$SECRET" -binary | b64url)
CODE="$header.$claims.$signature"
TOKEN=$(curl -fsS "$BASE/authenticate" \
  -d grant_type=authorization_code -d "client_id=$USER_ID@$APP_ID" --data-urlencode "code=$CODE" | field access_token)

# 3. Join a conference.
CONF=$(urlencode 'インターネット')
UC=$(curl -fsS "$BASE/v1/apps/$APP_ID/conferences/$CONF" \
  -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -H "Idempotency-Key: $(openssl rand -hex 16)" \
  -d '{"localID":"alice","deviceID":"laptop","timestamp":'"$(ts)"',
       "endpointInfo":{"type":"browser","name":"Chrome","version":"131","os":"Linux"}}' | field ucID)

# 4. Events and stats.
E="$BASE/v1/apps/$APP_ID/conferences/$CONF/$UC"
post() {
  curl -fsS "$E/$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: $(openssl rand -hex 16)" -d "$2"
  echo
}
post events/fabric '{"localID":"alice","deviceID":"laptop","timestamp":'"$(ts)"',
  "eventType":"'"$FABRIC_EVENT"'","connectionID":"pc1","remoteID":"bob","delay":420}'
post stats '{"localID":"alice","deviceID":"laptop","timestamp":'"$(ts)"',"connectionID":"pc1","remoteID":"bob",
  "stats":{"tracks":[{"id":"in-audio","type":"inbound-rtp","kind":"audio","ssrc":"1234",
    "jitter":0.012,"packetsLost":3,"packetsReceived":480,"bitrate":32000}],
  "candidatePairs":[{"id":"CP1","currentRoundTripTime":0.041,"state":"succeeded"}]}}'
post events/user/left '{"localID":"alice","deviceID":"laptop","timestamp":'"$(ts)"'}'
