#!/usr/bin/python3
"""A clicks topic created after the service started is picked up within seconds (issue 17).

With the real binaries and a real Kafka broker: the articles topic exists, the clicks topic does
not; the service starts, applies the articles and says in Stats that the clicks topic is missing.
Then the topic is created by producing clicks to it: the clicks must be applied within
CLICKS_WITHIN_S, and Stats no longer lists the topic. (librdkafka's default metadata refresh,
five minutes, used to leave them waiting that long.)

Usage: late_topic_test.py HEADLINER HEADLINER_CLI
Needs a broker at $HEADLINER_KAFKA_BROKERS (default 127.0.0.1:9092) whose topics are created on
first use (scripts/kafka's); skips (77) without one unless HEADLINER_REQUIRE_KAFKA=1.
"""
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kafka_ingest_test import Harness, broker_missing, log  # noqa: E402

ARTICLES = 50
CLICKS_WITHIN_S = 10


def ingest(s):
    return s.get("ingest", {})


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    if (missing := broker_missing()) is not None:
        return missing
    with tempfile.TemporaryDirectory(prefix="headliner-late-topic-") as work:
        h = Harness(sys.argv[1], sys.argv[2], None, work)
        try:
            return run(h)
        finally:
            h.kill_if_running()


def run(h):
    catalog = h.run_cli("sample", f"--count={ARTICLES}", "--seed=3").stdout.splitlines()
    known = {json.loads(a)["id"] for a in catalog}
    clicks = [c for c in h.run_cli("simulate", f"--count={ARTICLES}", "--seed=3",
                                   "--sessions=20", "--click_seed=1").stdout.splitlines()
              if json.loads(c)["article_id"] in known][:5]
    assert clicks, "the simulation made no clicks"

    h.produce(h.articles_topic, catalog)
    h.start()
    h.wait_for(f"{ARTICLES} articles applied",
               lambda s: int(s.get("articles", 0)) == ARTICLES, 60, ingest)
    s = h.wait_for("Stats to list the clicks topic as missing",
                   lambda s: h.clicks_topic in ingest(s).get("missing_topics", []), 60, ingest)
    assert h.articles_topic not in s["ingest"]["missing_topics"], s["ingest"]
    log(f"articles applied; Stats lists {s['ingest']['missing_topics']} as missing")

    t0 = time.time()
    h.produce(h.clicks_topic, clicks)  # creates the topic
    h.wait_for(f"{len(clicks)} clicks applied",
               lambda s: int(s.get("clicks", 0)) == len(clicks), CLICKS_WITHIN_S, ingest)
    took = time.time() - t0
    s = h.stats()
    assert not s.get("ingest", {}).get("missing_topics"), s["ingest"]
    log(f"the clicks topic was created after the start; its {len(clicks)} clicks were applied "
        f"{took:.1f} s after producing them, and Stats lists no missing topic")
    h.proc.terminate()
    assert h.proc.wait(timeout=60) == 0, "no clean stop on SIGTERM"
    log("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
