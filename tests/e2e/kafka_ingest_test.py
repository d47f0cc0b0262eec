#!/usr/bin/python3
"""Exactly-once ingestion from a real Kafka broker, end to end, with the real binaries.

Produces a catalog and a simulated click stream (with duplicates and malformed messages mixed in)
to fresh topics, runs `headliner` against them, kills it with SIGKILL at several points while it
consumes (producing more while it is down), and checks that the final state equals the exact
expected values: article count, per-article click counts and popularity, rejection counts, and
the dead-letter topics. Then checks that a new article is visible within a second, and that the
service keeps answering through a 10 s broker outage and catches up afterwards.

Usage: kafka_ingest_test.py HEADLINER HEADLINER_CLI SCRIPTS_KAFKA
Needs a broker at $HEADLINER_KAFKA_BROKERS (default 127.0.0.1:9092), e.g. from `scripts/kafka
start`. Without one it skips (exit 77), unless HEADLINER_REQUIRE_KAFKA=1 (CI), where it fails.
"""
import datetime
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77
BROKERS = os.environ.get("HEADLINER_KAFKA_BROKERS", "127.0.0.1:9092")
HALF_LIFE_S = 6 * 3600
ARTICLES = 1500
SESSIONS = 12000


def log(*args):
    print(f"[{time.strftime('%H:%M:%S')}]", *args, flush=True)


def broker_up():
    host, port = BROKERS.split(",")[0].rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
        return True
    except OSError:
        return False


def free_port():
    """A port nothing listens on now. (A fixed port such as 50300 + pid % 500 lies in Linux's
    ephemeral range, where any outgoing connection, e.g. one of the broker's, may hold it.)"""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def micros(ts):
    dt = datetime.datetime.strptime(ts.rstrip("Z").split(".")[0], "%Y-%m-%dT%H:%M:%S")
    frac = ts.rstrip("Z").split(".")[1] if "." in ts else "0"
    whole = int(dt.replace(tzinfo=datetime.timezone.utc).timestamp())
    return whole * 1_000_000 + int(frac.ljust(6, "0")[:6])


class Harness:
    def __init__(self, server, cli, kafka_script, work):
        self.server, self.cli, self.kafka_script, self.work = server, cli, kafka_script, work
        run = f"{int(time.time())}-{os.getpid()}"
        self.articles_topic, self.clicks_topic = f"e2e-articles-{run}", f"e2e-clicks-{run}"
        self.port = free_port()
        self.addr = f"127.0.0.1:{self.port}"
        self.proc = None
        self.config = os.path.join(work, "config.yaml")
        with open(self.config, "w") as f:
            f.write(f"""data_dir: {work}/data
server:
  grpc_addr: "{self.addr}"
  admin_addr: ""  # Admin on the same port
kafka:
  brokers: "{BROKERS}"
  group_id: "e2e-{run}"
  articles_topic: "{self.articles_topic}"
  clicks_topic: "{self.clicks_topic}"
  articles_dead_letter_topic: "{self.articles_topic}-dlq"
  clicks_dead_letter_topic: "{self.clicks_topic}-dlq"
  batch_max_events: 200
clicks:
  dedup_window: 720h
""")  # group.instance.id: the default ("auto", derived from host and data dir) is under test
        # dedup_window: the stream spans 72 h of event time and repeats events later on, and its
        # six partitions are consumed each at its own pace (a catch-up after a kill can take one
        # many hours of event time ahead), so the newest click time applied can run more than
        # 24 h past a repeat's original. Within the window a repeat is always dropped; past it,
        # whether its id is still stored depends on when RocksDB compaction ran (ExpiryFilter).
        # A test expecting every repeat dropped needs a window covering the span (the crash loop,
        # whose small write buffers compact often, once counted a repeat twice).

    def run_cli(self, *args, stdin=None, check=True):
        env = dict(os.environ, HEADLINER_ADDR=self.addr, HEADLINER_ADMIN_ADDR=self.addr,
                   HEADLINER_KAFKA_BROKERS=BROKERS)
        r = subprocess.run([self.cli, *args], input=stdin, capture_output=True, text=True, env=env)
        if check and r.returncode != 0:
            raise RuntimeError(f"headliner-cli {' '.join(args)} failed: {r.stderr}")
        return r

    def produce(self, topic, lines, *flags):
        self.run_cli("produce", f"--topic={topic}", *flags, "-", stdin="\n".join(lines) + "\n")

    def start(self):
        self.log = open(os.path.join(self.work, "server.log"), "a")
        self.proc = subprocess.Popen([self.server, f"--config={self.config}"], stdout=self.log,
                                     stderr=self.log)
        # Until the ingestor runs: it starts once the model is loaded and the index restored (a
        # few seconds; more on a loaded two-core machine).
        deadline = time.time() + 60
        while time.time() < deadline:
            r = self.run_cli("stats", "--json", check=False)
            if r.returncode == 0 and '"brokers"' in r.stdout:
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.log.flush()
        tail = open(self.log.name).read()[-2000:]
        raise RuntimeError(f"server did not start (exit code {self.proc.poll()}); its log:\n{tail}")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def kill_if_running(self):
        """Leaves no server behind when a check fails half-way."""
        if getattr(self, "proc", None) is not None and self.proc.poll() is None:
            self.kill9()

    def stats(self):
        return json.loads(self.run_cli("stats", "--json").stdout)

    def wait_for(self, what, predicate, timeout=120, shown=None):
        """The first Stats for which `predicate` holds; on a timeout the error shows `shown(stats)`
        (by default Stats without its long ingest part)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            s = self.stats()
            if predicate(s):
                return s
            time.sleep(0.2)
        s = self.stats()
        part = shown(s) if shown else {k: v for k, v in s.items() if k != "ingest"}
        raise AssertionError(f"timed out after {timeout} s waiting for {what}: "
                             f"{json.dumps(part)[:1500]}")


def progress(stats):
    return int(stats.get("clicks", 0)) + int(stats.get("articles", 0))


def wait_caught_up(h, expected_messages, timeout=120):
    """Waits until every partition's applied offset reached the produced total."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        s = h.stats()
        parts = s.get("ingest", {}).get("partitions", [])
        ends = sum(int(p.get("high_watermark", -1)) for p in parts)
        applied = sum(int(p.get("next_offset", 0)) for p in parts)
        if len(parts) == 6 and ends == expected_messages and applied == ends:
            return s
        time.sleep(0.2)
    raise AssertionError(f"not caught up: {h.stats().get('ingest')}")


def wait_progress(h, beyond, timeout=60):
    """Seconds until the applied events exceed `beyond` (the count when the server started)."""
    t0 = time.time()
    while time.time() - t0 < timeout:
        if progress(h.stats()) > beyond:
            return time.time() - t0
        time.sleep(0.1)
    return timeout


def expected_state(clicks, known_ids):
    seen, counts, events = set(), {}, {}
    for c in clicks:
        if c["event_id"] in seen or c["article_id"] not in known_ids:
            continue
        seen.add(c["event_id"])
        counts[c["article_id"]] = counts.get(c["article_id"], 0) + 1
        events.setdefault(c["article_id"], []).append(micros(c["occurred_at"]))
    return counts, events


def check_activity(h, ids, counts, events, as_of_s):
    bad = 0
    for i in range(0, len(ids), 400):
        chunk = ids[i:i + 400]
        r = json.loads(h.run_cli("activity", "--json", f"--as_of={as_of_s}", *chunk).stdout)
        for a in r.get("articles", []):
            want_clicks = counts.get(a["key"], 0)
            want_pop = sum(2.0 ** (-(as_of_s * 1e6 - t) / (HALF_LIFE_S * 1e6))
                           for t in events.get(a["key"], []))
            got_clicks, got_pop = int(a.get("clicks", 0)), float(a.get("popularity", 0))
            if got_clicks != want_clicks or abs(got_pop - want_pop) > 1e-9 * max(1, want_pop):
                bad += 1
                if bad <= 5:
                    log(f"mismatch {a['key']}: clicks {got_clicks} want {want_clicks}, "
                        f"popularity {got_pop} want {want_pop}")
    assert bad == 0, f"{bad} articles differ from the expected state"


def dead_letters(h, topic, want):
    r = h.run_cli("consume", f"--topic={topic}", f"--max={want * 3}", "--idle_s=4")
    seen = {}
    for line in r.stdout.splitlines():
        m = json.loads(line)
        hd = m["headers"]
        seen[(hd["source-partition"], hd["source-offset"])] = hd["reason"]
    return sorted(seen.values())


def broker_missing():
    """None with a broker; else the exit code: skip (77), or fail where one is required (CI)."""
    if broker_up():
        return None
    msg = f"no Kafka broker at {BROKERS} (start one with scripts/kafka start)"
    if os.environ.get("HEADLINER_REQUIRE_KAFKA") == "1":
        print("FAIL: " + msg)
        return 1
    print("SKIP: " + msg)
    return SKIP


def main(server, cli, kafka_script):
    if (missing := broker_missing()) is not None:
        return missing
    seed = int(os.environ.get("HEADLINER_E2E_SEED", time.time_ns() % 1_000_000))
    log(f"seed {seed} (HEADLINER_E2E_SEED={seed} reproduces the kill points)")
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="headliner-kafka-e2e-") as work:
        h = Harness(server, cli, kafka_script, work)
        try:
            return run_checks(h, rng, kafka_script)
        finally:
            h.kill_if_running()


def run_checks(h, rng, kafka_script):
    """Every check, in order, against one server (restarted where a check says so)."""
    articles = h.run_cli("sample", f"--count={ARTICLES}", "--seed=11").stdout.splitlines()
    clicks_raw = h.run_cli("simulate", f"--count={ARTICLES}", "--seed=11",
                           f"--sessions={SESSIONS}").stdout.splitlines()
    # Duplicates: 300 clicks sent twice, later in the stream.
    for line in rng.sample(clicks_raw, 300):
        clicks_raw.insert(rng.randrange(len(clicks_raw) // 2, len(clicks_raw)), line)
    clicks = [json.loads(l) for l in clicks_raw]
    known = {json.loads(a)["id"] for a in articles}
    counts, events = expected_state(clicks, known)
    log(f"{len(articles)} articles, {len(clicks)} clicks ({sum(counts.values())} unique)")

    # Bad messages: 3 articles, 3 clicks.
    bad_articles = ['{"id": "broken"', '{"id":"typo","headlin":"x"}']
    no_headline = json.dumps({"id": "nohl", "publishedAt": "2026-01-01T00:00:00Z"})
    bad_click_json = ['not json']
    unknown_click = json.dumps({"eventId": "u1", "sessionId": "s", "articleId": "missing",
                                "occurredAt": "2026-01-01T00:00:00Z"})
    no_time_click = json.dumps({"eventId": "u2", "sessionId": "s", "articleId":
                                json.loads(articles[0])["id"]})
    half = len(clicks_raw) // 3
    h.produce(h.articles_topic, articles[:700])
    h.produce(h.articles_topic, bad_articles, "--raw", "--format=json")
    h.produce(h.articles_topic, [no_headline], "--format=json")
    h.produce(h.articles_topic, articles[700:])
    h.produce(h.clicks_topic, clicks_raw[:half])
    h.produce(h.clicks_topic, bad_click_json, "--raw", "--format=json")
    h.produce(h.clicks_topic, [unknown_click, no_time_click])

    h.start()
    total_progress = len(known) + sum(counts.values())
    kill_points = [rng.uniform(0.03, 0.25), rng.uniform(0.3, 0.5), rng.uniform(0.55, 0.8)]
    for step, fraction in enumerate(kill_points):
        target = int(total_progress * fraction)
        while progress(h.stats()) < target:
            time.sleep(0.01)
        h.kill9()
        log(f"kill -9 after {target}+ of {total_progress} events ({fraction:.0%})")
        if step == 0:
            h.produce(h.clicks_topic, clicks_raw[half:2 * half])  # while the service is down
        if step == 1:
            h.produce(h.clicks_topic, clicks_raw[2 * half:])
        h.start()
        resumed_in = wait_progress(h, progress(h.stats()))
        log(f"ingestion resumed {resumed_in:.1f} s after the restart")
        # With dynamic membership the old member's session had to time out first (44 s).
        assert resumed_in < 15, f"ingestion resumed only after {resumed_in:.1f} s"
    produced = len(articles) + 3 + len(clicks_raw) + 3
    s = wait_caught_up(h, produced)
    assert int(s["articles"]) == ARTICLES, s["articles"]
    assert int(s["clicks"]) == sum(counts.values()), (s["clicks"], sum(counts.values()))
    want_rejected = {"articles/undecodable": 2, "articles/missing_headline": 1,
                     "clicks/undecodable": 1, "clicks/unknown_article": 1, "clicks/bad_time": 1}
    got_rejected = {k: int(v) for k, v in s.get("rejected", {}).items()}
    assert got_rejected == want_rejected, got_rejected
    as_of = (max(max(v) for v in events.values()) // 1_000_000) + 1
    check_activity(h, sorted(known), counts, events, as_of)
    log("exact state after 3 kills: articles, clicks, popularity, rejections")

    got = dead_letters(h, h.articles_topic + "-dlq", 3)
    assert got == ["missing_headline", "undecodable", "undecodable"], got
    got = dead_letters(h, h.clicks_topic + "-dlq", 3)
    assert got == ["bad_time", "undecodable", "unknown_article"], got
    log("dead-letter topics hold every bad message with its reason")

    # A new article is searchable within a second of being produced.
    fresh = json.dumps({"id": "fresh-1", "headline": "Zanzibar quokka festival opens",
                        "section": "world", "publishedAt": "2026-11-27T00:00:00Z"})
    t0 = produce_acked(h, h.articles_topic, [fresh])
    while h.run_cli("get", "fresh-1", check=False).returncode != 0:
        assert time.time() - t0 < 1.0, "new article not visible within 1 s"
        time.sleep(0.01)
    log(f"new article visible {1000 * (time.time() - t0):.0f} ms after the broker acknowledged it")

    covisited_become_related(h, produced + 2 + 10)
    outage(h, kafka_script, articles, produced + 2 + 10)  # fresh-1, fresh-2, 10 clicks
    h.proc.send_signal(signal.SIGTERM)
    assert h.proc.wait(timeout=30) == 0
    print("ok: exactly-once ingestion through kill -9, bad messages and a broker outage")
    return 0


def produce_acked(h, topic, lines):
    """Produces `lines` and returns when the broker acknowledged them, the time freshness is
    measured from. The CLI's idempotent producer sometimes spends a second getting its producer
    id before it sends anything (seen in 2 of 8 runs here: 1.03 s for 10 clicks), which is the
    client's start-up, not the service's freshness."""
    started = time.time()
    h.produce(topic, lines)
    acked = time.time()
    if acked - started > 0.5:
        log(f"producing {len(lines)} events took {1000 * (acked - started):.0f} ms")
    return acked


def related_ids(h, article_id):
    r = json.loads(h.run_cli("related", article_id, "--json", "--limit=20").stdout)
    return [i["article_id"] for i in r.get("items", [])]


def wait_lists_settled(h, timeout=60):
    """Waits until the candidate refresher has had no changed article waiting, and rebuilt no
    list, for a while longer than its rounds take: a list served before that may lag the state
    by a round. (Its counters move only at the end of a round that had work.)"""
    deadline = time.time() + timeout
    quiet_since, last = time.time(), None
    while time.time() < deadline:
        c = h.stats().get("candidates", {})
        now = (int(c.get("refresh_pending", 0)), int(c.get("refreshed", 0)),
               int(c.get("refresh_rounds", 0)))
        round_s = float(str(c.get("last_refresh_round", "0s")).rstrip("s") or 0)
        if now[0] != 0 or now != last:
            quiet_since, last = time.time(), now
        elif time.time() - quiet_since > max(2.0, 3 * round_s):
            return
        time.sleep(0.05)
    raise AssertionError(f"candidate lists not settled: {h.stats().get('candidates')}")


def covisited_become_related(h, produced):
    """Two articles with no word in common, read together by several sessions, are related
    within a second of the clicks being produced."""
    pension = json.dumps({"id": "fresh-2", "headline": "Parliament passes pension reform bill",
                          "section": "politics", "publishedAt": "2026-11-27T00:00:00Z"})
    h.produce(h.articles_topic, [pension])
    while h.run_cli("get", "fresh-2", check=False).returncode != 0:
        time.sleep(0.01)
    assert "fresh-2" not in related_ids(h, "fresh-1")[:3]
    # The refresher rebuilds lists after clicks in arrival order within a budget per round, so
    # a backlog left by the 48k-click stream would delay these (docs/architecture.md); the check
    # is of a new pair's freshness on a server that has caught up.
    wait_lists_settled(h)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    clicks = []
    for s in range(5):
        for article in ("fresh-1", "fresh-2"):
            clicks.append(json.dumps({"eventId": f"co-{s}-{article}", "sessionId": f"co-{s}",
                                      "articleId": article, "occurredAt": now}))
    t0 = produce_acked(h, h.clicks_topic, clicks)
    while "fresh-2" not in related_ids(h, "fresh-1")[:3]:
        assert time.time() - t0 < 1.0, ("co-visited article not related within 1 s",
                                         h.stats().get("candidates"))
    log(f"co-visited pair related {1000 * (time.time() - t0):.0f} ms after the broker "
        f"acknowledged the clicks (headlines share no words)")

    # Everything behind a ranking is in RocksDB: a kill -9 and restart changes no list, once
    # every click is applied and the served lists have caught up with it.
    wait_caught_up(h, produced)
    wait_lists_settled(h)
    probe = ["fresh-1", "fresh-2", "sample-0", "sample-700", "sample-1400"]
    before = {a: related_ids(h, a) for a in probe}
    h.kill9()
    h.start()
    after = {a: related_ids(h, a) for a in probe}
    assert before == after, (before, after)
    log("related lists (default hybrid: content, behaviour index, co-visitation, trending) "
        "identical after kill -9 and restart")


def outage(h, kafka_script, articles, produced):
    failures, calls, stop = [], [0], threading.Event()
    some_id = json.loads(articles[5])["id"]

    def query():
        while not stop.is_set():
            r = h.run_cli("related", some_id, "--json", check=False)
            calls[0] += 1
            if r.returncode != 0:
                failures.append(r.stderr)
            time.sleep(0.1)

    t = threading.Thread(target=query)
    t.start()
    subprocess.run([kafka_script, "stop"], check=True)
    down_since = time.time()
    saw_disconnected = False
    while time.time() - down_since < 10:
        ingest = h.stats()["ingest"]
        if not ingest.get("connected", False):
            saw_disconnected = True
            assert ingest.get("state") == "disconnected", ingest
            assert ingest.get("last_error"), ingest
        time.sleep(0.5)
    subprocess.run([kafka_script, "start"], check=True)
    restarted = time.time()
    extra = [json.dumps({"eventId": f"after-{i}", "sessionId": f"o{i % 10}",
                         "articleId": some_id, "occurredAt": "2026-11-27T01:00:00Z"})
             for i in range(50)]
    before = int(h.stats()["clicks"])
    h.produce(h.clicks_topic, extra)
    s = wait_caught_up(h, produced + len(extra))
    log(f"caught up {time.time() - restarted:.1f} s after the broker came back")
    assert time.time() - restarted < 30, "ingestion took over 30 s to resume after the outage"
    stop.set()
    t.join()
    assert saw_disconnected, "Stats never reported the broker as disconnected"
    assert not failures, failures[:3]
    assert int(s["clicks"]) == before + 50, (s["clicks"], before)
    assert s["ingest"]["connected"]
    # Recovered: the state says so, and the outage's error is not reported as current.
    for _ in range(50):
        ingest = h.stats()["ingest"]
        if ingest.get("state") == "live" and not ingest.get("last_error"):
            break
        time.sleep(0.1)
    assert ingest.get("state") == "live" and not ingest.get("last_error"), ingest
    log(f"broker outage: {calls[0]} GetRelated calls, none failed; caught up after restart")


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
