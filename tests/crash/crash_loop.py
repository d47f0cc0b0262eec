#!/usr/bin/python3
"""Crash loop: kill -9 the real server at random moments, many times, then check every count.

Produces a catalog and a click stream (with duplicates and a few malformed messages) to fresh
topics of a real Kafka broker, a slice before every cycle, and runs `headliner` against them.
Each cycle starts the server and kills it with SIGKILL at a random moment of one kind:
  apply     while it applies events (progress moving);
  startup   while it opens RocksDB and restores the indexes;
  shutdown  during a clean shutdown (SIGTERM, then SIGKILL 0-300 ms later);
  anytime   after a random 0-2 s.
Index compactions are made frequent (index.compaction_threshold 16) and RocksDB memtables small,
so kills land in compactions and flushes too. At the end a last start must catch up, and the
state must equal the expected one exactly: articles, per-article clicks and popularity, the
total of unique clicks, and the rejection counters.

Usage: crash_loop.py HEADLINER HEADLINER_CLI [--cycles N] [--seed S]
Needs a broker at $HEADLINER_KAFKA_BROKERS (default 127.0.0.1:9092), as scripts/kafka starts.
Exit 77 (skip) without one, unless HEADLINER_REQUIRE_KAFKA=1.
"""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from kafka_ingest_test import (SKIP, Harness, broker_up, check_activity,  # noqa: E402
                               expected_state, log, progress, wait_caught_up)

ARTICLES = 600
SESSIONS = 4000
KINDS = ["apply", "apply", "startup", "shutdown", "anytime"]


def kill_at_random(h, rng, kind):
    """Runs one cycle: start, then kill -9 at a moment of `kind`. Returns what happened."""
    if kind == "startup":
        # Start without waiting for it to serve; kill while it opens and restores.
        h.log = open(os.path.join(h.work, "server.log"), "a")
        h.proc = subprocess.Popen([h.server, f"--config={h.config}"], stdout=h.log,
                                  stderr=h.log)
        time.sleep(rng.uniform(0.0, 0.4))
        h.kill9()
        return "killed during start-up"
    h.start()
    if kind == "apply":
        start = progress(h.stats())
        deadline = time.time() + 5
        want = start + rng.randint(1, 3000)
        while time.time() < deadline and progress(h.stats()) < want:
            time.sleep(0.005)
        applied = progress(h.stats()) - start
        h.kill9()
        return f"killed while applying (after {applied}+ events)"
    if kind == "shutdown":
        time.sleep(rng.uniform(0.1, 0.8))
        h.proc.send_signal(signal.SIGTERM)
        time.sleep(rng.uniform(0.0, 0.3))
        h.kill9()
        return "killed during shutdown"
    time.sleep(rng.uniform(0.0, 2.0))
    h.kill9()
    return "killed at a random moment"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("server")
    ap.add_argument("cli")
    ap.add_argument("--cycles", type=int, default=20)
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    if not broker_up():
        msg = "no Kafka broker (scripts/kafka start)"
        if os.environ.get("HEADLINER_REQUIRE_KAFKA") == "1":
            print("FAIL: " + msg)
            return 1
        print("SKIP: " + msg)
        return SKIP
    seed = args.seed if args.seed is not None else time.time_ns() % 1_000_000
    log(f"seed {seed} (--seed {seed} reproduces the kill schedule), {args.cycles} cycles")
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="headliner-crash-") as work:
        h = Harness(args.server, args.cli, None, work)
        with open(h.config, "a") as f:
            f.write("index:\n  compaction_threshold: 16\n  min_main_segment: 16\n"
                    "storage:\n  write_buffer_mib: 1\n  max_wal_mib: 2\n  min_free_disk_mib: 0\n")
        try:
            return run(h, rng, args.cycles)
        finally:
            if h.proc is not None and h.proc.poll() is None:
                h.kill9()


def run(h, rng, cycles):
    articles = h.run_cli("sample", f"--count={ARTICLES}", "--seed=3").stdout.splitlines()
    clicks_raw = h.run_cli("simulate", f"--count={ARTICLES}", "--seed=3",
                           f"--sessions={SESSIONS}").stdout.splitlines()
    for line in rng.sample(clicks_raw, len(clicks_raw) // 50):  # 2% duplicates, later on
        clicks_raw.insert(rng.randrange(len(clicks_raw) // 2, len(clicks_raw)), line)
    clicks = [json.loads(l) for l in clicks_raw]
    known = {json.loads(a)["id"] for a in articles}
    counts, events = expected_state(clicks, known)
    broken = ['{"eventId": "broken"']
    unknown = [json.dumps({"eventId": "x1", "sessionId": "s", "articleId": "missing",
                           "occurredAt": "2026-01-01T00:00:00Z"})]
    log(f"{len(articles)} articles, {len(clicks)} clicks ({sum(counts.values())} unique)")
    h.produce(h.articles_topic, articles)
    h.produce(h.clicks_topic, broken, "--raw", "--format=json")
    h.produce(h.clicks_topic, unknown, "--format=json")
    slices = [clicks_raw[i * len(clicks_raw) // cycles:(i + 1) * len(clicks_raw) // cycles]
              for i in range(cycles)]
    kinds = {}
    for cycle in range(cycles):
        if slices[cycle]:
            h.produce(h.clicks_topic, slices[cycle])
        kind = rng.choice(KINDS)
        what = kill_at_random(h, rng, kind)
        kinds[kind] = kinds.get(kind, 0) + 1
        if cycle % max(1, cycles // 10) == 0 or cycle == cycles - 1:
            log(f"cycle {cycle + 1}/{cycles}: {what}")
    h.start()
    produced = len(articles) + 2 + len(clicks_raw)
    s = wait_caught_up(h, produced, timeout=300)
    assert int(s["articles"]) == ARTICLES, s["articles"]
    assert int(s["clicks"]) == sum(counts.values()), (s["clicks"], sum(counts.values()))
    got_rejected = {k: int(v) for k, v in s.get("rejected", {}).items()}
    assert got_rejected == {"clicks/undecodable": 1, "clicks/unknown_article": 1}, got_rejected
    as_of = (max(max(v) for v in events.values()) // 1_000_000) + 1
    check_activity(h, sorted(known), counts, events, as_of)
    h.proc.send_signal(signal.SIGTERM)
    assert h.proc.wait(timeout=30) == 0
    print(f"ok: {cycles} kill -9 cycles ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))})"
          f": every article, click count and popularity exact, nothing lost or counted twice")
    return 0


if __name__ == "__main__":
    sys.exit(main())
