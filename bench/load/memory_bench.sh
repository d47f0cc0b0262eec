#!/usr/bin/env bash
# Resident memory under clicks and requests, by holder: a server on a copy of a kept data dir
# (serving_bench.sh KEEP_DATA=...), LIVE_CLICKS new clicks per second through a real broker for
# CLICK_SECONDS, and the request mix at CONCURRENCY in flight for DURATION meanwhile. Every 5 s it
# prints Stats.memory (MiB) with RSS and its peak (VmHWM); the last sample and the load
# generator's row are the result.
#   KAFKA_BROKERS=127.0.0.1:9092 bench/load/memory_bench.sh DATA_DIR ARTICLES
# ARTICLES is the catalog size DATA_DIR was loaded with (the request mix is regenerated from it,
# as serving_bench.sh made it). SERVER_FLAGS are passed to the server (e.g.
# --mutex_deadlock_detection), SERVER_YAML is appended to its config (e.g.
# $'storage:\n  block_cache_mib: 128').
# SLOW_REQUEST_LOG=4ms sets server.slow_request_log and prints the slow requests logged.
# The copy needs as much free space in /tmp as DATA_DIR takes. Needs scripts/build first.
set -euo pipefail
cd "$(dirname "$0")/../.."
SOURCE=${1:?usage: memory_bench.sh DATA_DIR ARTICLES}
ARTICLES=${2:?usage: memory_bench.sh DATA_DIR ARTICLES}
B=${BUILD_DIR:-build}
BROKERS=${KAFKA_BROKERS:?a real broker: scripts/kafka start, then KAFKA_BROKERS=127.0.0.1:9092}
LIVE_CLICKS=${LIVE_CLICKS:-1000}
CLICK_SECONDS=${CLICK_SECONDS:-120}
CONCURRENCY=${CONCURRENCY:-64}
DURATION=${DURATION:-60s}
WORK=$(mktemp -d /tmp/headliner-memory-XXXXXX)
PIDS=()
# shellcheck source=bench/load/stop_processes.sh
source bench/load/stop_processes.sh
cleanup() { stop_processes "${PIDS[@]}"; rm -rf "$WORK"; }
trap cleanup EXIT

"$B/headliner-cli" sample --count "$ARTICLES" --seed 11 --span_hours 168 >"$WORK/catalog.jsonl"
"$B/headliner-cli" simulate --count "$ARTICLES" --seed 11 --span_hours 168 \
  --sessions $((ARTICLES / 2)) >"$WORK/clicks.jsonl"
"$B/headliner-cli" simulate --count "$ARTICLES" --seed 11 --span_hours 168 \
  --sessions $((LIVE_CLICKS * CLICK_SECONDS / 3)) --click_seed 99 >"$WORK/live-all.jsonl"
head -n $((LIVE_CLICKS * CLICK_SECONDS)) "$WORK/live-all.jsonl" >"$WORK/live-clicks.jsonl"
cp -a "$SOURCE" "$WORK/data"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export HEADLINER_ADDR=127.0.0.1:$PORT
export HEADLINER_ADMIN_ADDR=$HEADLINER_ADDR  # Admin on the same port
RUN=memory-$(date +%s)
cat >"$WORK/server.yaml" <<YAML
data_dir: $WORK/data
server:
  grpc_addr: "$HEADLINER_ADDR"
  slow_request_log: ${SLOW_REQUEST_LOG:-100ms}
kafka:
  brokers: "$BROKERS"
  group_id: "$RUN"
  articles_topic: "$RUN-articles"
  clicks_topic: "$RUN-clicks"
YAML
printf '%s\n' "${SERVER_YAML:-}" >>"$WORK/server.yaml"
export HEADLINER_KAFKA_BROKERS=$BROKERS  # for headliner-cli produce
for t in "$RUN-clicks" "$RUN-articles"; do
  "$B/headliner-cli" produce --raw --topic "$t" - <<<"topic created" \
    >/dev/null 2>&1 || true
done

# shellcheck disable=SC2086  # SERVER_FLAGS: several flags
"$B/headliner" --config "$WORK/server.yaml" ${SERVER_FLAGS:-} >"$WORK/server.log" 2>&1 &
SERVER=$!
PIDS+=("$SERVER")
until "$B/headliner-cli" stats >/dev/null 2>&1; do
  kill -0 "$SERVER" 2>/dev/null || { echo "server exited:"; tail "$WORK/server.log"; exit 1; }
  sleep 0.2
done
# Every list the cache can hold is ready, as a long-running server's would be.
want=$((ARTICLES < 100000 ? ARTICLES * 99 / 100 : 99900))
for _ in $(seq 1 240); do
  n=$("$B/headliner-cli" stats --json | python3 -c \
    "import json,sys; print(json.load(sys.stdin).get('candidates',{}).get('lists',0))")
  [ "$n" -ge "$want" ] && break
  sleep 1
done

sample() {
  "$B/headliner-cli" stats --json | python3 -c "
import json, sys
s = json.load(sys.stdin); m = s.get('memory', {})
mib = lambda v: int(v) // 1048576
hwm = int(open('/proc/$SERVER/status').read().split('VmHWM:')[1].split()[0]) // 1024
print('$1 rss', mib(s.get('resident_bytes', 0)), 'peak', hwm, ' '.join(
    '%s %d' % (k, mib(m.get(k, 0))) for k in
    ['content_index', 'behaviour_index', 'candidate_lists', 'memtables', 'block_cache',
     'row_cache']),
    '| behaviour vectors', s.get('behaviour_index_vectors', 0),
    'compactions', s.get('behaviour_index_compactions', 0),
    'building', s.get('behaviour_index_compaction_time', '0s'),
    '| clicks', s.get('clicks', 0))"
}
sample "start:"
"$B/headliner-cli" produce --topic "$RUN-clicks" --rate "$LIVE_CLICKS" \
  "$WORK/live-clicks.jsonl" >/dev/null 2>&1 &
PRODUCER=$!
PIDS+=("$PRODUCER")
"$B/bench/load_generator" --catalog "$WORK/catalog.jsonl" --clicks "$WORK/clicks.jsonl" \
  --target "$HEADLINER_ADDR" --concurrency "$CONCURRENCY" --duration "$DURATION" --warmup 2s \
  --label "memory_bench $ARTICLES" --header >"$WORK/generator.txt" 2>&1 &
GENERATOR=$!
PIDS+=("$GENERATOR")
t=0
while kill -0 "$PRODUCER" 2>/dev/null || kill -0 "$GENERATOR" 2>/dev/null; do
  sleep 5
  t=$((t + 5))
  sample "t=${t}s:"
done
cat "$WORK/generator.txt"
if [ -n "${SLOW_REQUEST_LOG:-}" ]; then grep "slow GetRelated" "$WORK/server.log" || true; fi
