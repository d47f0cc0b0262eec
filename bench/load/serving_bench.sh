#!/usr/bin/env bash
# Serving throughput and latency against the floor, in one run, on this machine:
#  1. a catalog of N articles (headliner-cli sample) is upserted and a click history
#     (headliner-cli simulate) goes through Kafka (the embedded cluster) into a fresh server; the
#     load time is reported;
#  2. the echo floor (bench/load/echo_server) serves a response captured from the real server
#     (same size);
#  3. the load generator drives both with the same request mix (Zipf sources, session ids with
#     clicks, 20% with a section filter, limit 10) at each concurrency, closed loop, and prints
#     one row each, with Headliner's QPS as a share of the floor's.
#   bench/load/serving_bench.sh [ARTICLES] [SECONDS]        default 10000 articles, 15 s per row
# CONCURRENCY="1 16 64" picks the closed-loop concurrencies. Needs scripts/build first.
set -euo pipefail
cd "$(dirname "$0")/../.."
ARTICLES=${1:-10000}
SECONDS_PER_ROW=${2:-15}
CONCURRENCY=${CONCURRENCY:-"1 16 64"}
B=${BUILD_DIR:-build}
WORK=$(mktemp -d /tmp/headliner-serving-XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
ECHO_PORT=$(free_port)
export HEADLINER_ADDR=127.0.0.1:$PORT
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

"$B/headliner-cli" sample --count "$ARTICLES" --seed 11 >"$WORK/catalog.jsonl"
"$B/headliner-cli" simulate --count "$ARTICLES" --seed 11 --sessions $((ARTICLES / 2)) \
  >"$WORK/clicks.jsonl"
"$B/headliner" --data_dir "$WORK/data" --grpc_addr "$HEADLINER_ADDR" --kafka_brokers embedded \
  >"$WORK/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 300); do
  "$B/headliner-cli" stats 2>/dev/null | grep -q '"brokers"' && break
  sleep 0.1
done
t0=$(date +%s.%N)
"$B/headliner-cli" load "$WORK/catalog.jsonl" >/dev/null
t1=$(date +%s.%N)
"$B/headliner-cli" produce --topic clicks "$WORK/clicks.jsonl" >/dev/null
unique=$(python3 -c 'import json,sys
print(len({json.loads(l)["event_id"] for l in open(sys.argv[1])}))' "$WORK/clicks.jsonl")
for _ in $(seq 1 6000); do
  got=$("$B/headliner-cli" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin).get("clicks",0))')
  [ "$got" -ge "$unique" ] && break
  sleep 0.1
done
t2=$(date +%s.%N)
rss=$(awk '/VmRSS/ {print $2}' "/proc/${PIDS[0]}/status")
echo "catalog: $ARTICLES articles upserted in $(python3 -c "print(f'{$t1-$t0:.1f}')") s;" \
  "$unique clicks through Kafka in $(python3 -c "print(f'{$t2-$t1:.1f}')") s;" \
  "server RSS $((rss / 1024)) MiB; data dir $(du -sm "$WORK/data" | cut -f1) MiB"

GEN=("$B/bench/load_generator" --catalog "$WORK/catalog.jsonl" --clicks "$WORK/clicks.jsonl"
     --warmup 3s --duration "${SECONDS_PER_ROW}s")
"${GEN[@]}" --target "$HEADLINER_ADDR" --capture_response "$WORK/response.bin" --duration 1s \
  --warmup 0s --concurrency 1 >/dev/null
"$B/bench/echo_server" --port "$ECHO_PORT" --response "$WORK/response.bin" 2>/dev/null &
PIDS+=($!)
sleep 0.5

header=--header
for c in $CONCURRENCY; do
  floor=$("${GEN[@]}" --target "127.0.0.1:$ECHO_PORT" --concurrency "$c" --label "echo floor" \
    $header)
  echo "$floor"
  header=
  real=$("${GEN[@]}" --target "$HEADLINER_ADDR" --concurrency "$c" \
    --label "headliner ${ARTICLES} articles")
  echo "$real"
  python3 - "$floor" "$real" <<'PY'
import sys
f = float(sys.argv[1].splitlines()[-1].split()[-8])  # QPS: 8th column from the right
r = float(sys.argv[2].split()[-8])
print(f"{'':28} {'':14} {100 * r / f:9.1f}% of the floor")
PY
done
