#!/usr/bin/python3
"""An A/B experiment end to end against a real Kafka broker, with two replicas and a kill -9.

Two `headliner` replicas share topics, an experiments file (one experiment, control and treatment
50/50) and a token key. Simulated readers ask replica A for related headlines and click item i of
a response with a probability set by the variant they were served (treatment clicks more), so the
click-through rates are known. Clicks go to the clicks topic with the response's token, some of
them twice (the same event id) and some with a forged token. Replica B is killed with SIGKILL
while it consumes and started again. Then:
  - both replicas' `Admin.ExperimentReport` equal the figures computed here from the raw events:
    units, impressions, clicks per variant, CTR with its delta-method interval, lift and p-value;
  - the two replicas report identical numbers (every replica applies the same events exactly
    once, the crashed one included);
  - the forged tokens are counted as such and attributed to nothing;
  - an interleaving experiment in a second layer (every response is also a team draft of two
    rankings) reports the wins, ties and clicks per team computed here from the responses' teams
    and the clicks' positions, identically on both replicas.

Usage: experiments_test.py HEADLINER HEADLINER_CLI
Needs a broker as kafka_ingest_test.py does (skips with 77 without one, unless CI requires it).
"""
import json
import math
import os
import random
import re
import sys
import tempfile
import time
import urllib.request
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kafka_ingest_test import BROKERS, Harness, broker_missing, free_port, log  # noqa: E402

READERS = 500
Z95 = 1.959963984540054
CLICK_PROBABILITY = {"control": 0.06, "treatment": 0.12}  # per shown item of the first three


class Replica(Harness):
    """A server of the experiment run: its own data dir, port and consumer group."""

    def __init__(self, server, cli, work, name, run):
        super().__init__(server, cli, None, work)  # a free port for gRPC
        self.metrics_addr = f"127.0.0.1:{free_port()}"
        self.articles_topic = f"exp-articles-{run}"
        self.clicks_topic = f"exp-clicks-{run}"
        self.impressions_topic = f"exp-impressions-{run}"
        shared = os.path.dirname(work)
        with open(self.config, "w") as f:
            f.write(f"""data_dir: {work}/data
server:
  grpc_addr: "{self.addr}"
  admin_addr: ""  # Admin on the same port
  metrics_addr: "{self.metrics_addr}"
experiments:
  file: {shared}/experiments.yaml
  token_key_file: {shared}/token.key
kafka:
  brokers: "{BROKERS}"
  group_id: "exp-{name}-{run}"
  articles_topic: "{self.articles_topic}"
  clicks_topic: "{self.clicks_topic}"
  impressions_topic: "{self.impressions_topic}"
  articles_dead_letter_topic: ""
  clicks_dead_letter_topic: ""
  batch_max_events: 100
""")

    def report(self, key="ab"):
        return json.loads(self.run_cli("experiments", "report", key, "--json").stdout)

    def experiment_metrics(self, key):
        """{(series, variant): value} of the experiment's series at the metrics endpoint."""
        text = urllib.request.urlopen(f"http://{self.metrics_addr}/metrics", timeout=5).read()
        out = {}
        for m in re.finditer(r'^(headliner_experiment_\w+_total)\{experiment="([^"]*)",'
                             r'variant="([^"]*)"\} (\S+)$', text.decode(), re.M):
            if m.group(2) == key:
                out[(m.group(1), m.group(3))] = float(m.group(4))
        return out

    def caught_up(self, topics):
        parts = self.stats().get("ingest", {}).get("partitions", [])
        mine = [p for p in parts if p.get("topic") in topics]
        return {p["topic"] for p in mine} == topics and all(
            int(p.get("next_offset", 0)) == int(p.get("high_watermark", -1)) for p in mine)


def delta_method(units):
    """CTR and the variance of its estimate from per-unit (impressions, clicks) rows."""
    n = len(units)
    mi = sum(u[0] for u in units) / n
    mc = sum(u[1] for u in units) / n
    vi = sum((u[0] - mi) ** 2 for u in units) / (n - 1)
    vc = sum((u[1] - mc) ** 2 for u in units) / (n - 1)
    cov = sum((u[0] - mi) * (u[1] - mc) for u in units) / (n - 1)
    return mc / mi, (vc / mi**2 - 2 * mc * cov / mi**3 + mc**2 * vi / mi**4) / n


def close(a, b, what):
    assert abs(a - b) <= 1e-9 * max(1.0, abs(b)), f"{what}: reported {a}, computed {b}"


def check_report(report, per_unit, forged):
    exp = report["experiments"][0]
    variants = {v["variant"]: v for v in exp["variants"]}
    estimates = {}
    for name in ("control", "treatment"):
        units = list(per_unit[name].values())
        v = variants[name]
        assert int(v.get("units", 0)) == len(units), (name, v, len(units))
        assert int(v.get("impressions", 0)) == sum(u[0] for u in units), (name, v)
        assert int(v.get("clicks", 0)) == sum(u[1] for u in units), (name, v)
        ctr, var = delta_method(units)
        estimates[name] = (ctr, var)
        close(float(v["ctr"]), ctr, f"{name} CTR")
        close(float(v["ctr_low"]), ctr - Z95 * math.sqrt(var), f"{name} CTR low")
    (c, vc), (t, vt) = estimates["control"], estimates["treatment"]
    treatment = variants["treatment"]
    close(float(treatment["lift"]), t / c - 1, "lift")
    close(float(treatment["p_value"]), math.erfc(abs(t - c) / math.sqrt(2 * (vt + vc))), "p")
    assert int(report.get("unattributed_clicks", {}).get("forged_token", 0)) == forged, report
    return t, c


def check_metrics(replica, report):
    """The metrics endpoint exports the report's sums per variant."""
    got = replica.experiment_metrics("ab")
    for v in report["experiments"][0]["variants"]:
        for field in ("units", "impressions", "clicks"):
            series = (f"headliner_experiment_{field}_total", v["variant"])
            assert got.get(series) == float(v.get(field, 0)), (
                f"{series}: metrics {got.get(series)}, report {v.get(field, 0)}")
    log(f"the metrics endpoint exports the report's units, impressions and clicks per variant: "
        f"{len(got)} series")


def check_interleaving(report, team_clicks):
    """The interleaving readout against the clicks per team of each impression made here."""
    got = report["experiments"][0]["interleaving"]
    expected = {
        "impressions_with_clicks": len(team_clicks),
        "wins_a": sum(a > b for a, b in team_clicks),
        "wins_b": sum(b > a for a, b in team_clicks),
        "ties": sum(a == b for a, b in team_clicks),
        "clicks_a": sum(a for a, _ in team_clicks),
        "clicks_b": sum(b for _, b in team_clicks),
    }
    for field, value in expected.items():
        assert int(got.get(field, 0)) == value, (field, got, expected)
    wins, losses = expected["wins_a"], expected["wins_b"]
    n, k = wins + losses, min(wins, losses)
    p = min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2**n) if n else 1.0
    close(float(got.get("p_value", 0)), p, "sign-test p")


def main(server, cli):
    if (missing := broker_missing()) is not None:
        return missing
    run = f"{int(time.time())}-{os.getpid()}"
    rng = random.Random(20261130)
    with tempfile.TemporaryDirectory(prefix="headliner-exp-") as work:
        with open(f"{work}/experiments.yaml", "w") as f:
            f.write("""layers:
  - name: blend
    experiments:
      - key: ab
        unit: session
        control: control
        variants:
          - {name: control, weight: 0.5}
          - {name: treatment, weight: 0.5, ranking: {freshness_weight: 0.2}}
  - name: order
    experiments:
      - key: mix
        type: interleave
        unit: session
        control: served
        variants:
          - name: served
          - {name: diverse, ranking: {mmr_lambda: 0.5}}
""")
        with open(f"{work}/token.key", "w") as f:
            f.write(uuid.uuid4().hex)
        replicas = []
        for name in ("a", "b"):
            os.makedirs(f"{work}/{name}")
            replicas.append(Replica(server, cli, f"{work}/{name}", name, run))
        a, b = replicas
        try:
            catalog = a.run_cli("sample", "--count", "300").stdout.splitlines()
            # The topics exist before the servers subscribe (the clicks and impressions ones
            # created by a message that is rejected and counted).
            for topic in (a.clicks_topic, a.impressions_topic):
                a.run_cli("produce", "--raw", f"--topic={topic}", "-", stdin="topic created\n")
            a.produce(a.articles_topic, catalog)
            for r in replicas:
                r.start()
            ids = [json.loads(line)["id"] for line in catalog]
            deadline = time.time() + 60
            while int(a.stats().get("articles", 0)) < len(ids) and time.time() < deadline:
                time.sleep(0.2)

            per_unit = {"control": {}, "treatment": {}}
            team_clicks = []  # per impression with clicks: [clicks on A, clicks on B]
            clicks, forged = [], 0
            for reader in range(READERS):
                session = f"reader-{run}-{reader}"
                for _ in range(rng.randint(1, 3)):
                    resp = json.loads(a.run_cli("related", rng.choice(ids), "--session", session,
                                                "--limit", "5", "--json").stdout)
                    by_key = {e["experiment"]: e for e in resp["experiments"]}
                    variant = by_key["ab"]["variant"]
                    teams = by_key["mix"].get("teams", [])
                    assert by_key["mix"]["variant"] == "interleaved"
                    assert len(teams) == len(resp.get("items", [])), resp
                    row = per_unit[variant].setdefault(session, [0, 0])
                    row[0] += 1
                    impression = [0, 0]
                    for position, item in enumerate(resp.get("items", [])[:3]):
                        if rng.random() >= CLICK_PROBABILITY[variant]:
                            continue
                        row[1] += 1
                        impression[teams[position] == "INTERLEAVING_TEAM_B"] += 1
                        click = {"event_id": uuid.uuid4().hex, "session_id": session,
                                 "article_id": item["article_id"], "token": resp["token"],
                                 "position": position,
                                 "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
                        clicks.append(json.dumps(click))
                        if rng.random() < 0.1:
                            clicks.append(json.dumps(click))  # redelivered: counted once
                    if sum(impression):
                        team_clicks.append(impression)
                    if rng.random() < 0.02:  # a forged token on an otherwise good click
                        forged += 1
                        clicks.append(json.dumps({
                            "event_id": uuid.uuid4().hex, "session_id": session,
                            "article_id": ids[0], "token": resp["token"].split(".")[0] + ".AAAA",
                            "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}))
            half = len(clicks) // 2
            a.produce(a.clicks_topic, clicks[:half])
            b.kill9()  # while the clicks arrive
            a.produce(a.clicks_topic, clicks[half:])
            b.start()
            topics = {a.clicks_topic, a.impressions_topic}
            deadline = time.time() + 120
            while not all(r.caught_up(topics) for r in replicas) and time.time() < deadline:
                time.sleep(0.5)
            for r in replicas:
                assert r.caught_up(topics), r.stats().get("ingest")
            reports = [r.report() for r in replicas]
            t, c = check_report(reports[0], per_unit, forged)
            assert reports[0] == reports[1], f"replicas differ:\n{reports[0]}\n{reports[1]}"
            check_metrics(replicas[0], reports[0])
            mixed = [r.report("mix") for r in replicas]
            assert mixed[0] == mixed[1], f"replicas differ:\n{mixed[0]}\n{mixed[1]}"
            check_interleaving(mixed[0], team_clicks)
            log(f"interleaving readout matches on both replicas: {len(team_clicks)} impressions "
                f"with clicks, wins A/B {mixed[0]['experiments'][0]['interleaving'].get('wins_a', 0)}"
                f"/{mixed[0]['experiments'][0]['interleaving'].get('wins_b', 0)}")
            log(f"experiment readout matches the raw events on both replicas: CTR control "
                f"{c:.4f}, treatment {t:.4f}; {len(clicks)} clicks, {forged} forged")
        finally:
            for r in replicas:
                r.kill_if_running()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
