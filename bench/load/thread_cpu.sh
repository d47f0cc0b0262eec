# Sourced by the load benches: where a server's CPU goes, thread by thread (the server names its
# long-lived threads: kafka-apply, list-refresher, index-compact, ...; gRPC and librdkafka name
# theirs).
#   thread_ticks PID             "name|ticks" lines, one per thread (user + system clock ticks)
#   top_threads A B SECONDS [N]  the N (6) threads that used most between two thread_ticks
#                                outputs, in cores: "kafka-apply 0.13, list-refresher 0.05, ..."
thread_ticks() {
  local t
  for t in /proc/"$1"/task/*; do
    echo "$(cat "$t/comm" 2>/dev/null)|$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null)"
  done
}
top_threads() {
  python3 - "$1" "$2" "$3" "${4:-6}" <<'PY'
import collections, os, sys
def load(text):
    ticks = collections.Counter()
    for line in text.splitlines():
        name, _, t = line.rpartition("|")
        if t: ticks[name] += int(t)
    return ticks
a, b, secs, n = load(sys.argv[1]), load(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
hz = os.sysconf("SC_CLK_TCK")
used = sorted(((b[k] - a.get(k, 0), k) for k in b), reverse=True)
print(", ".join(f"{k} {d / hz / secs:.2f}" for d, k in used[:n] if d > 0))
PY
}
