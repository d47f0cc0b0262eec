# Sourced by the load benches that run the server against a real broker.
#   kafka_server_config FILE DATA_DIR RUN
# writes the server's config to FILE: DATA_DIR, HEADLINER_ADDR, KAFKA_BROKERS, the consumer group
# RUN and its own topics RUN-articles, RUN-clicks and RUN-impressions (exposures, when SERVER_YAML
# sets an experiments file), then SERVER_YAML's lines (an A/B's settings). It creates the topics
# with a first message the server rejects, so they exist before the server subscribes (a topic created later waits for a metadata refresh). $B is the
# build's bin dir.
kafka_server_config() {
  local file=$1 data=$2 run=$3 t
  cat >"$file" <<EOF
data_dir: $data
server:
  grpc_addr: "$HEADLINER_ADDR"
kafka:
  brokers: "$KAFKA_BROKERS"
  group_id: "$run"
  articles_topic: "$run-articles"
  clicks_topic: "$run-clicks"
  impressions_topic: "$run-impressions"
EOF
  if [ -n "${SERVER_YAML:-}" ]; then printf '%s\n' "$SERVER_YAML" >>"$file"; fi
  for t in "$run-clicks" "$run-articles" "$run-impressions"; do
    "$B/headliner-cli" produce --raw --topic "$t" - <<<"topic created" >/dev/null 2>&1 || true
  done
}
