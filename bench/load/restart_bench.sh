#!/usr/bin/env bash
# Time to SERVING after a restart, on a copy of a kept data dir (serving_bench.sh KEEP_DATA=...):
#  1. a clean restart (the index snapshots written at the previous clean stop);
#  2. a restart after kill -9, with NEW articles upserted since the last snapshot (their index
#     journal entries are replayed);
#  3. the baseline: a start with index snapshots off, which rebuilds both indexes from RocksDB.
# Each row is timed from the process start until `headliner-cli stats` answers (the server
# answers once its indexes are restored) and reports how the indexes came back and the RSS then.
#   bench/load/restart_bench.sh DATA_DIR [NEW]        NEW defaults to 3000
# The copy needs as much free space in /tmp as DATA_DIR takes. Needs scripts/build first.
set -euo pipefail
cd "$(dirname "$0")/../.."
SOURCE=${1:?usage: restart_bench.sh DATA_DIR [NEW]}
NEW=${2:-3000}
B=${BUILD_DIR:-build}
WORK=$(mktemp -d /tmp/headliner-restart-XXXXXX)
PID=
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
cp -a "$SOURCE" "$WORK/data"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export HEADLINER_ADDR=127.0.0.1:$PORT
export HEADLINER_ADMIN_ADDR=$HEADLINER_ADDR  # Admin on the same port
printf 'index:\n  snapshots: false\n' >"$WORK/nosnap.yaml"

# start [CONFIG]: starts the server and prints one row when it answers.
start() {
  local label=$1
  shift
  local t0
  t0=$(date +%s.%N)
  "$B/headliner" --data_dir "$WORK/data" --grpc_addr "$HEADLINER_ADDR" --kafka_brokers embedded \
    "$@" >>"$WORK/server.log" 2>&1 &
  PID=$!
  until "$B/headliner-cli" stats >/dev/null 2>&1; do
    kill -0 "$PID" 2>/dev/null || { echo "server exited; see its log:"; tail "$WORK/server.log"; exit 1; }
    sleep 0.05
  done
  local t1
  t1=$(date +%s.%N)
  "$B/headliner-cli" stats --json | python3 -c '
import json, sys
label, seconds, rss = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
s = json.load(sys.stdin).get("index_snapshots", {})
how = ("from snapshots, %s journal entries replayed, in %s" %
       (s.get("replayed_entries", 0), s.get("restore_time", "?"))
       if s.get("restored_from_snapshots") else "rebuilt from RocksDB")
print(f"| {label} | {seconds:.1f} s | {how} | {rss // 1024} MiB |")
' "$label" "$(python3 -c "print($t1 - $t0)")" "$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")"
}
stop() {  # clean stop: SIGTERM, which writes the final snapshots
  kill -TERM "$PID"
  wait "$PID" || true
  PID=
}

echo "| start | answering after | indexes | RSS then |"
echo "|---|---|---|---|"
# A first start and clean stop, so that the snapshots match the dir whatever state it was kept in.
start "first start on the copy"
stop
start "clean restart"
"$B/headliner-cli" sample --count "$NEW" --seed 99 | sed 's/"id":"sample-/"id":"fresh-/' \
  >"$WORK/fresh.jsonl"
"$B/headliner-cli" load "$WORK/fresh.jsonl" >/dev/null 2>&1
kill -9 "$PID"
wait "$PID" 2>/dev/null || true
PID=
start "kill -9 after $NEW articles upserted since the last snapshot"
stop
start "rebuild (index.snapshots: false), the baseline" --config "$WORK/nosnap.yaml"
stop
