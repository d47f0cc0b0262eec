#!/usr/bin/env bash
# Serving throughput and latency against the floor, in one run, on this machine:
#  1. a catalog of N articles (headliner-cli sample) is upserted and a click history
#     (headliner-cli simulate) goes through Kafka (the embedded cluster) into a fresh server; the
#     load time, and the time until every candidate list is ready, are reported;
#  2. the echo floor (bench/load/echo_server) serves a response captured from the real server
#     (same size);
#  3. the load generator drives both with the same request mix (Zipf sources, session ids with
#     clicks, 20% with a section filter, limit 10) at each concurrency, closed loop, and prints
#     one row each, with Headliner's QPS as a share of the floor's.
#   bench/load/serving_bench.sh [ARTICLES] [SECONDS]        default 10000 articles, 15 s per row
# CONCURRENCY="1 16 64" picks the closed-loop concurrencies; RATES="1000 4000" adds open-loop rows
# (fixed arrival rate); LIVE_CLICKS=1000 (default) streams that many new clicks per second into
# the server through Kafka during each Headliner row (0: none); KEEP_DATA=DIR leaves the server's
# data dir there; REUSE_DATA=DIR starts the server on such a dir instead of loading (the same
# ARTICLES, for the request mix) and reports how long it took to serve: a restart. LIVE_SEED
# seeds the live click stream (default 12; with REUSE_DATA the clock, because the dir has already
# applied the default stream's event ids, which would be dropped as duplicates).
# KAFKA_BROKERS=127.0.0.1:9092 (scripts/kafka start) feeds the server through that broker, on
# topics of its own, instead of the embedded cluster: the embedded (mock) cluster runs inside the
# server process, and under a steady click stream its thread took most of the server's CPU, so
# the serving figures with live clicks come from a real broker. With it, SERVER_YAML adds lines to
# the server's config (e.g. SERVER_YAML=$'index:\n  keep_place_similarity: 1' for an A/B of an
# option in one build). ARTICLES_VIA=kafka publishes the catalog to the articles topic instead of
# upserting it article by article (the sentence model then encodes it in batches, as a bulk load
# through Kafka would). Needs scripts/build first.
set -euo pipefail
cd "$(dirname "$0")/../.."
ARTICLES=${1:-10000}
SECONDS_PER_ROW=${2:-15}
CONCURRENCY=${CONCURRENCY:-"1 16 64"}
RATES=${RATES:-}
LIVE_CLICKS=${LIVE_CLICKS:-1000}
LIVE_SEED=${LIVE_SEED:-$([ -n "${REUSE_DATA:-}" ] && date +%s || echo 12)}
B=${BUILD_DIR:-build}
WORK=$(mktemp -d /tmp/headliner-serving-XXXXXX)
DATA=${REUSE_DATA:-${KEEP_DATA:-$WORK/data}}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
ECHO_PORT=$(free_port)
export HEADLINER_ADDR=127.0.0.1:$PORT
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

"$B/headliner-cli" sample --count "$ARTICLES" --seed 11 --span_hours 168 >"$WORK/catalog.jsonl"
"$B/headliner-cli" simulate --count "$ARTICLES" --seed 11 --span_hours 168 --sessions $((ARTICLES / 2)) \
  >"$WORK/clicks.jsonl"
# The clicks that arrive while the load runs: another reader population over the same catalog
# (its own sessions and event ids: --click_seed), paced at LIVE_CLICKS per second by
# `produce --rate`.
if [ "$LIVE_CLICKS" -gt 0 ]; then
  rows=$(($(wc -w <<<"$CONCURRENCY $RATES") + 1))  # and the background measurement
  # About four clicks per session: enough sessions for every row's slice.
  "$B/headliner-cli" simulate --count "$ARTICLES" --seed 11 --span_hours 168 \
    --sessions $((rows * (SECONDS_PER_ROW + 8) * LIVE_CLICKS / 3)) --click_seed "$LIVE_SEED" \
    >"$WORK/live-clicks.jsonl"
fi
# Each Headliner row streams its own slice (new event ids; a whole 2M-line file took the producer
# most of a row to read), enough for the row at the rate.
LIVE_PID=
LIVE_ROW=0
if [ "$LIVE_CLICKS" -gt 0 ]; then
  split -l $((LIVE_CLICKS * (SECONDS_PER_ROW + 8))) "$WORK/live-clicks.jsonl" "$WORK/live-part-"
fi
live_clicks() {  # start|stop
  if [ "$LIVE_CLICKS" -le 0 ]; then return; fi
  if [ "$1" = start ]; then
    local parts=("$WORK"/live-part-*)
    local part=${parts[$((LIVE_ROW % ${#parts[@]}))]}
    LIVE_ROW=$((LIVE_ROW + 1))
    "$B/headliner-cli" produce --topic "$CLICKS_TOPIC" --rate "$LIVE_CLICKS" "$part" \
      >/dev/null 2>&1 &
    LIVE_PID=$!
    PIDS+=($LIVE_PID)
  elif [ -n "$LIVE_PID" ]; then
    kill "$LIVE_PID" 2>/dev/null || true
    wait "$LIVE_PID" 2>/dev/null || true
    LIVE_PID=
  fi
}
t_start=$(date +%s.%N)
CLICKS_TOPIC=clicks
ARTICLES_TOPIC=articles
if [ -n "${KAFKA_BROKERS:-}" ]; then
  run=bench-$(date +%s)-$$
  CLICKS_TOPIC=$run-clicks
  ARTICLES_TOPIC=$run-articles
  kafka_server_config "$WORK/config.yaml" "$DATA" "$run"
  export HEADLINER_KAFKA_BROKERS=$KAFKA_BROKERS
  SERVER_ARGS=(--config "$WORK/config.yaml")
else
  SERVER_ARGS=(--data_dir "$DATA" --grpc_addr "$HEADLINER_ADDR" --kafka_brokers embedded)
fi
"$B/headliner" "${SERVER_ARGS[@]}" >"$WORK/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 6000); do
  "$B/headliner-cli" stats 2>/dev/null | grep -q '"brokers"' && break
  sleep 0.1
done
t0=$(date +%s.%N)
if [ -n "${REUSE_DATA:-}" ]; then
  echo "restart on $DATA: answering after $(python3 -c "print(f'{$t0-$t_start:.1f}')") s;" \
    "$("$B/headliner-cli" stats --json | python3 -c 'import json,sys
s=json.load(sys.stdin).get("index_snapshots",{})
print("indexes restored from snapshots" if s.get("restored_from_snapshots") else "indexes rebuilt",
      "in", s.get("restore_time","?"), "with", s.get("replayed_entries",0), "journal entries replayed")')"
  t1=$t0
  unique=$("$B/headliner-cli" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin).get("clicks",0))')
else
  if [ "${ARTICLES_VIA:-admin}" = kafka ]; then
    "$B/headliner-cli" produce --topic "$ARTICLES_TOPIC" "$WORK/catalog.jsonl" >/dev/null
    for _ in $(seq 1 360000); do
      got=$("$B/headliner-cli" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin).get("articles",0))')
      [ "$got" -ge "$ARTICLES" ] && break
      sleep 1
    done
  else
    "$B/headliner-cli" load "$WORK/catalog.jsonl" >/dev/null
  fi
  t1=$(date +%s.%N)
  # In chunks, each applied before the next is produced: the embedded (mock) cluster keeps only
  # the newest ~100k messages of a partition, and a 2M-click burst lost most of them unread.
  split -l 150000 "$WORK/clicks.jsonl" "$WORK/clicks-part-"
  unique=0
  for part in "$WORK"/clicks-part-*; do
    "$B/headliner-cli" produce --topic "$CLICKS_TOPIC" "$part" >/dev/null
    unique=$((unique + $(python3 -c 'import json,sys
print(len({json.loads(l)["event_id"] for l in open(sys.argv[1])}))' "$part")))
    for _ in $(seq 1 6000); do
      got=$("$B/headliner-cli" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin).get("clicks",0))')
      [ "$got" -ge "$unique" ] && break
      sleep 0.1
    done
  done
fi
t2=$(date +%s.%N)
# The refresher builds every article's candidate list in the background (up to
# ranking.candidate_cache_size): wait for it, as a replica would before taking traffic.
# (A server without candidate lists, e.g. an older build compared against, reports none: -1.)
stat() { "$B/headliner-cli" stats --json | python3 -c "import json,sys
d=json.load(sys.stdin); c=d.get('candidates')
print(int(c.get('$1',0)) if c is not None else -1, int(d.get('articles',0)))"; }
# Done when every live article has one, or when the count has stopped growing for 5 s (the
# cache is full: ranking.candidate_cache_size).
last=-1; still=0
for _ in $(seq 1 6000); do
  read -r lists live < <(stat lists)
  [ "$lists" -lt 0 ] || [ "$lists" -ge "$live" ] && break
  if [ "$lists" -eq "$last" ]; then still=$((still + 1)); else still=0; last=$lists; fi
  [ "$still" -ge 25 ] && break
  sleep 0.2
done
t3=$(date +%s.%N)
rss=$(awk '/VmRSS/ {print $2}' "/proc/${PIDS[0]}/status")
echo "catalog: $ARTICLES articles upserted in $(python3 -c "print(f'{$t1-$t0:.1f}')") s;" \
  "$unique clicks through Kafka in $(python3 -c "print(f'{$t2-$t1:.1f}')") s;" \
  "$lists candidate lists ready $(python3 -c "print(f'{$t3-$t2:.1f}')") s later;" \
  "server RSS $((rss / 1024)) MiB (candidate lists $("$B/headliner-cli" stats --json |
    python3 -c 'import json,sys; print(int(json.load(sys.stdin).get("candidates",{}).get("bytes",0)) >> 20)') MiB);" \
  "data dir $(du -sm "$DATA" | cut -f1) MiB"
# Where the memory is, as the server counts it (Stats.memory), beside the RSS above.
"$B/headliner-cli" stats --json | python3 -c 'import json,sys
m=json.load(sys.stdin).get("memory",{})
print("memory (MiB):", ", ".join(f"{k} {int(v) / 2**20:.1f}" for k, v in m.items()))'

GEN=("$B/bench/load_generator" --catalog "$WORK/catalog.jsonl" --clicks "$WORK/clicks.jsonl"
     --warmup 3s --duration "${SECONDS_PER_ROW}s")
"${GEN[@]}" --target "$HEADLINER_ADDR" --capture_response "$WORK/response.bin" --duration 1s \
  --warmup 0s --concurrency 1 >/dev/null
"$B/bench/echo_server" --port "$ECHO_PORT" --response "$WORK/response.bin" 2>/dev/null &
PIDS+=($!)
sleep 0.5

# The server's CPU time (user + system, in cores over an interval) from /proc.
server_ticks() { awk '{print $14 + $15}' "/proc/${PIDS[0]}/stat"; }
cores() { python3 -c "import os; print(f'{($2 - $1) / os.sysconf(\"SC_CLK_TCK\") / $3:.2f}')"; }
# What the click stream alone costs the server (applying, index compaction, list refreshes): the
# CPU left for requests is what remains of the machine's two cores.
if [ "$LIVE_CLICKS" -gt 0 ]; then
  live_clicks start
  sleep 3
  t_a=$(server_ticks)
  th_a=$(thread_ticks "${PIDS[0]}")
  sleep 10
  t_b=$(server_ticks)
  th_b=$(thread_ticks "${PIDS[0]}")
  live_clicks stop
  echo "background: the server used $(cores "$t_a" "$t_b" 10) cores with $LIVE_CLICKS clicks/s" \
    "streaming in and no requests ($(top_threads "$th_a" "$th_b" 10 4))"
fi
clicks_before=$("$B/headliner-cli" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin).get("clicks",0))')
header=--header
# One row: the floor, then Headliner (with live clicks flowing), with the same load arguments.
row() {
  floor=$("${GEN[@]}" --target "127.0.0.1:$ECHO_PORT" "$@" --label "echo floor" $header)
  echo "$floor"
  header=
  live_clicks start
  t_a=$(server_ticks)
  th_a=$(thread_ticks "${PIDS[0]}")
  s_a=$(date +%s.%N)
  real=$("${GEN[@]}" --target "$HEADLINER_ADDR" "$@" --label "headliner ${ARTICLES} articles")
  t_b=$(server_ticks)
  th_b=$(thread_ticks "${PIDS[0]}")
  s_b=$(date +%s.%N)
  live_clicks stop
  echo "$real"
  secs=$(python3 -c "print($s_b - $s_a)")
  python3 - "$floor" "$real" "$(cores "$t_a" "$t_b" "$secs")" <<'PY'
import sys
f = float(sys.argv[1].splitlines()[-1].split()[-8])  # QPS: 8th column from the right
r = float(sys.argv[2].split()[-8])
print(f"{'':28} {'':14} {100 * r / f:9.1f}% of the floor; the server used {sys.argv[3]} cores")
PY
  echo "$(printf '%44s' '')threads: $(top_threads "$th_a" "$th_b" "$secs")"
}
for c in $CONCURRENCY; do row --concurrency "$c"; done
for r in $RATES; do row --mode open --rate "$r"; done
clicks_after=$("$B/headliner-cli" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin).get("clicks",0))')
echo "live clicks applied during the Headliner rows: $((clicks_after - clicks_before))" \
  "(LIVE_CLICKS=$LIVE_CLICKS per second)"

# Cross-check with ghz (GHZ=path, e.g. from `go install github.com/bojand/ghz/cmd/ghz@latest`):
# one fixed request (the first catalog article, limit 10, no session or filter) at 16 in flight,
# from both tools, against the floor and Headliner.
if [ -n "${GHZ:-}" ]; then
  head -1 "$WORK/catalog.jsonl" >"$WORK/one.jsonl"
  id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$WORK/one.jsonl")
  echo
  echo "cross-check, one request ($id), 16 in flight:"
  for target in "127.0.0.1:$ECHO_PORT echo" "$HEADLINER_ADDR headliner"; do
    set -- $target
    "$B/bench/load_generator" --catalog "$WORK/one.jsonl" --section_filter_share 0 \
      --warmup 3s --duration "${SECONDS_PER_ROW}s" --target "$1" --concurrency 16 \
      --connections 1 --label "load_generator -> $2"
    "$GHZ" --insecure --proto proto/headliner/v1/related.proto --import-paths proto \
      --call headliner.v1.RelatedHeadlines/GetRelated -d "{\"article_id\":\"$id\",\"limit\":10}" \
      -c 16 --connections 1 -z "${SECONDS_PER_ROW}s" "$1" |
      awk -v who="$2" '/Requests\/sec/ {qps=$2} / 50 % in/ {p50=$4" "$5} / 99 % in/ {p99=$4" "$5}
        END {printf "%-28s %-14s %10.0f   p50 %s   p99 %s\n", "ghz -> " who, "16 in flight", qps, p50, p99}'
  done
fi
