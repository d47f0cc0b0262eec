# Sourced by the load benches. stop_processes PID...: SIGTERM to each, then waits for each to exit
# (SIGKILL after 60 s). A server still shutting down after its bench returned kept compacting the
# data dir that the next run (REUSE_DATA) had already copied in, and that run found a table file
# missing (its MANIFEST named one the old server had just deleted).
stop_processes() {
  local p
  for p in "$@"; do kill "$p" 2>/dev/null || true; done
  for p in "$@"; do
    for _ in $(seq 1 600); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
}
