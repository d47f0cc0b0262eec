#!/usr/bin/env bash
# What a steady click stream costs a server with no requests, thread by thread, over minutes.
# serving_bench.sh's "background:" line measures 10 s after the stream starts; the refresher's
# searches and the behaviour index's compactions build up over the first minutes of a stream,
# so this measures one-minute windows after a 30 s start.
#   KAFKA_BROKERS=127.0.0.1:9092 bench/load/background_cpu.sh DATA_DIR [ARTICLES] [WINDOWS]
# DATA_DIR: a server's data dir (serving_bench.sh KEEP_DATA=DIR), copied, never changed; ARTICLES:
# its catalog size (default 100000, the simulator's catalog: headliner-cli sample --seed 11
# --span_hours 168); WINDOWS: one-minute windows (default 3). LIVE_CLICKS (1000) clicks/s of a
# simulated reader population (LIVE_SEED) go through the broker on topics of the run's own.
# SERVER_YAML adds lines to the server's config. Prints a line per window:
#   window 1 (30-90 s): server 0.40 cores; kafka-apply 0.17, index-compact 0.13, ...
set -euo pipefail
cd "$(dirname "$0")/../.."
SRC=${1:?usage: background_cpu.sh DATA_DIR [ARTICLES] [WINDOWS]}
ARTICLES=${2:-100000}
WINDOWS=${3:-3}
LIVE_CLICKS=${LIVE_CLICKS:-1000}
LIVE_SEED=${LIVE_SEED:-$(date +%s)}
: "${KAFKA_BROKERS:?set KAFKA_BROKERS (scripts/kafka start)}"
B=${BUILD_DIR:-build}
WORK=$(mktemp -d /tmp/headliner-background-XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export HEADLINER_ADDR=127.0.0.1:$PORT HEADLINER_KAFKA_BROKERS=$KAFKA_BROKERS
export HEADLINER_ADMIN_ADDR=$HEADLINER_ADDR  # Admin on the same port
PIDS=()
# shellcheck source=bench/load/stop_processes.sh
source bench/load/stop_processes.sh
# shellcheck source=bench/load/thread_cpu.sh
source bench/load/thread_cpu.sh
# shellcheck source=bench/load/kafka_server_config.sh
source bench/load/kafka_server_config.sh
cleanup() { stop_processes "${PIDS[@]}"; rm -rf "$WORK"; }
trap cleanup EXIT

cp -a "$SRC" "$WORK/data"
seconds=$((30 + 60 * WINDOWS + 10))
"$B/headliner-cli" simulate --count "$ARTICLES" --seed 11 --span_hours 168 \
  --sessions $((seconds * LIVE_CLICKS / 3)) --click_seed "$LIVE_SEED" >"$WORK/clicks.jsonl"
run=background-$(date +%s)-$$
kafka_server_config "$WORK/config.yaml" "$WORK/data" "$run"
"$B/headliner" --config "$WORK/config.yaml" >"$WORK/server.log" 2>&1 &
PIDS+=($!)
stat() {
  "$B/headliner-cli" stats --json 2>/dev/null | python3 -c "import json,sys
d=json.load(sys.stdin); print($1)" 2>/dev/null || echo 0
}
# Every candidate list ready (the refresher warms them after a start) before the stream.
for _ in $(seq 1 600); do
  [ "$(stat 'int(d.get("candidates",{}).get("lists",0))')" -ge $((ARTICLES * 999 / 1000)) ] && break
  sleep 1
done
"$B/headliner-cli" produce --topic "$run-clicks" --rate "$LIVE_CLICKS" "$WORK/clicks.jsonl" \
  >/dev/null 2>&1 &
PIDS+=($!)
applied0=$(stat 'd.get("clicks",0)')
sleep 30
for w in $(seq 1 "$WINDOWS"); do
  a=$(thread_ticks "${PIDS[0]}")
  sleep 60
  b=$(thread_ticks "${PIDS[0]}")
  total=$(python3 -c "import sys
def s(t): return sum(int(l.rpartition('|')[2] or 0) for l in t.splitlines())
import os; print(f'{(s(sys.argv[2]) - s(sys.argv[1])) / os.sysconf(\"SC_CLK_TCK\") / 60:.2f}')" "$a" "$b")
  echo "window $w ($((30 + 60 * (w - 1)))-$((30 + 60 * w)) s): server $total cores; $(top_threads "$a" "$b" 60 4)"
done
echo "clicks applied: $(($(stat 'd.get("clicks",0)') - applied0)) at $LIVE_CLICKS/s;" \
  "lists searched again: $(stat 'd.get("candidates",{}).get("searched",0)')," \
  "waiting: $(stat 'd.get("candidates",{}).get("waiting",0)')"
