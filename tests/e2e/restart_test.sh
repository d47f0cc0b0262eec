#!/usr/bin/env bash
# End-to-end: the real server and CLI binaries.
#  1. load a catalog; an upserted article is related to its story within one second;
#  2. health and server reflection answer (real Python gRPC client, no generated stubs), and
#     requests with invalid UTF-8 are INVALID_ARGUMENT without flooding the log;
#  3. kill -9 and restart: every article is still there and the same queries give the same lists;
#  4. SIGTERM stops the server cleanly.
set -euo pipefail
SERVER=$1
CLI=$2
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
PID=""
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; [ -f "$WORK/server.log" ] && tail -20 "$WORK/server.log" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
ADDR=127.0.0.1:$PORT
export HEADLINER_ADDR=$ADDR
ADMIN_ADDR=127.0.0.1:$(free_port)
export HEADLINER_ADMIN_ADDR=$ADMIN_ADDR

start_server() {
  "$SERVER" --data_dir "$WORK/data" --grpc_addr "$ADDR" --admin_addr "$ADMIN_ADDR" >>"$WORK/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do
    "$CLI" stats >/dev/null 2>&1 && return 0
    kill -0 "$PID" 2>/dev/null || fail "server exited during start"
    sleep 0.1
  done
  fail "server not ready after 10 s"
}

related_ids() { "$CLI" related "$1" --json | python3 -c '
import json, sys
print(" ".join(i["article_id"] for i in json.load(sys.stdin).get("items", [])))'; }

start_server
"$CLI" sample --count 800 --seed 7 >"$WORK/catalog.jsonl"
"$CLI" load "$WORK/catalog.jsonl" | tee "$WORK/load.txt"
grep -q "800 accepted" "$WORK/load.txt" || fail "catalog not fully loaded"

# 1. Visible within one second: a new article of sample-3's story.
HEADLINE=$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    a=json.loads(l)
    if a["id"]=="sample-3": print(a["headline"])' "$WORK/catalog.jsonl")
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "{\"id\":\"breaking-1\",\"headline\":\"Breaking: $HEADLINE, officials confirm\",\"section\":\"world\",\"published_at\":\"$NOW\"}" >"$WORK/new.jsonl"
T0=$(date +%s%N)
"$CLI" load "$WORK/new.jsonl" >/dev/null
FOUND=""
while [ $(( ($(date +%s%N) - T0) / 1000000 )) -lt 1000 ]; do
  if related_ids sample-3 | grep -qw breaking-1; then FOUND=yes; break; fi
done
[ -n "$FOUND" ] || fail "upserted article not related to sample-3 within 1 s"
echo "ok: new article related within $(( ($(date +%s%N) - T0) / 1000000 )) ms"

# 2. Health and reflection through Python's grpcio (Debian's, visible to /usr/bin/python3).
LOG_BEFORE=$(stat -c %s "$WORK/server.log")
/usr/bin/python3 "$HERE/grpc_probe.py" "$ADDR" "$ADMIN_ADDR" || fail "health/reflection probe"
LOG_GROWTH=$(( $(stat -c %s "$WORK/server.log") - LOG_BEFORE ))
# 5,000 bad requests may log at most a few rate-limited lines (they logged 1.16 MB before).
[ "$LOG_GROWTH" -lt 20000 ] || fail "5000 bad requests wrote $LOG_GROWTH bytes of log"
echo "ok: 5000 bad requests wrote $LOG_GROWTH bytes of log"

# 3. kill -9, restart, same state and same answers.
BEFORE=""
for id in sample-0 sample-100 sample-500 breaking-1; do BEFORE+="$(related_ids $id)|"; done
COUNT_BEFORE=$("$CLI" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])')
kill -9 "$PID"; wait "$PID" 2>/dev/null || true
start_server
AFTER=""
for id in sample-0 sample-100 sample-500 breaking-1; do AFTER+="$(related_ids $id)|"; done
COUNT_AFTER=$("$CLI" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])')
[ "$COUNT_BEFORE" = "801" ] || fail "expected 801 articles before the crash, got $COUNT_BEFORE"
[ "$COUNT_BEFORE" = "$COUNT_AFTER" ] || fail "article count $COUNT_BEFORE -> $COUNT_AFTER after kill -9"
[ "$BEFORE" = "$AFTER" ] || fail "related lists changed after kill -9: $BEFORE vs $AFTER"
echo "ok: $COUNT_AFTER articles and identical related lists after kill -9"

# 4. Clean stop on SIGTERM.
kill -TERM "$PID"
wait "$PID" && STATUS=0 || STATUS=$?
PID=""
[ "$STATUS" -eq 0 ] || fail "exit status $STATUS after SIGTERM"
grep -q "stopped cleanly" "$WORK/server.log" || fail "no clean stop logged"
echo "ok: clean stop on SIGTERM"
