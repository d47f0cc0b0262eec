#!/usr/bin/python3
"""Kafka security end to end: Headliner and headliner-cli against the broker's SASL_SSL listener
and its SSL listener with client certificates (mTLS).

The local broker (scripts/kafka start) has, besides PLAINTEXT, a SASL_SSL listener (TLS with a
test CA and certificate made by keytool; SASL PLAIN and SCRAM-SHA-512 for the user "headliner",
SCRAM's credential set with the broker's own ConfigCommand) and an SSL listener that requires a
client certificate (a PKCS12 keystore made by keytool, its password in a file); `scripts/kafka
sasl-env` and `mtls-env` print the client settings. This test:
  1. publishes a catalog and clicks with headliner-cli through SASL_SSL (settings from the
     environment, the password from a file named by HEADLINER_KAFKA_SECRET_FILE_SASL_PASSWORD);
  2. starts headliner with the password in `kafka.secret_files` of its YAML config, checks that it
     applies every event, answers GetRelated from them, and applies a click produced live;
  3. checks that a wrong password and a client that does not trust the broker's CA are refused;
  4. checks SCRAM-SHA-512 against what the linked librdkafka can do: before 2.6.1 (Debian 12 has
     2.0.2) a Kafka 4 broker refuses its SCRAM proof, and the service warns about it at start;
     from 2.6.1 SCRAM must work;
  5. starts headliner through the mTLS listener (the keystore password in `kafka.secret_files`)
     and checks it applies every event; a client without a certificate is refused;
  6. checks that no password appears in any log, output or Stats answer.

Usage: kafka_security_test.py HEADLINER HEADLINER_CLI SCRIPTS_KAFKA
Without those listeners it skips (exit 77), unless HEADLINER_REQUIRE_KAFKA=1 (CI).
"""
import concurrent.futures
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77
ARTICLES = 300


def log(*args):
    print(f"[{time.strftime('%H:%M:%S')}]", *args, flush=True)


def listener_env(kafka_script, which):
    """The export lines of `scripts/kafka sasl-env|mtls-env` as a dict, or None without one."""
    r = subprocess.run([kafka_script, which], capture_output=True, text=True)
    if r.returncode != 0:
        return None
    env = {}
    for line in r.stdout.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        env[name] = value
    host, port = env["HEADLINER_KAFKA_BROKERS"].rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except OSError:
        return None
    return env


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One headliner process with its own data dir, port and consumer group."""

    def __init__(self, binary, cli, work, name, kafka_yaml, topics, client_env):
        self.binary, self.cli, self.name = binary, cli, name
        self.port = free_port()  # four servers at once: no two may share a port
        self.addr = f"127.0.0.1:{self.port}"
        self.client_env = client_env
        self.config = os.path.join(work, f"{name}.yaml")
        self.log_path = os.path.join(work, f"{name}.log")
        articles, clicks = topics
        with open(self.config, "w") as f:
            f.write(f"""data_dir: {work}/{name}-data
server:
  grpc_addr: "{self.addr}"
  admin_addr: ""
kafka:
  group_id: "{name}-{os.getpid()}"
  articles_topic: "{articles}"
  clicks_topic: "{clicks}"
  articles_dead_letter_topic: "{articles}-dlq"
  clicks_dead_letter_topic: "{clicks}-dlq"
{kafka_yaml}""")
        # The server's own environment carries no password: only the config's secret file does.
        env = {k: v for k, v in os.environ.items() if not k.startswith("HEADLINER_")}
        env.update({k: v for k, v in client_env.items() if "SECRET_FILE" not in k})
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([binary, f"--config={self.config}"], stdout=self.log,
                                     stderr=subprocess.STDOUT, env=env)

    def cli_run(self, *args, check=True):
        env = dict(os.environ, HEADLINER_ADDR=self.addr, HEADLINER_ADMIN_ADDR=self.addr)
        r = subprocess.run([self.cli, *args], capture_output=True, text=True, env=env)
        if check and r.returncode != 0:
            raise AssertionError(f"headliner-cli {' '.join(args)}: {r.stderr}")
        return r

    def stats(self):
        r = self.cli_run("stats", "--json", check=False)
        return json.loads(r.stdout) if r.returncode == 0 else None

    def wait_started(self):
        for _ in range(300):
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.name} exited: {open(self.log_path).read()}")
            s = self.stats()
            if s is not None and s.get("ingest", {}).get("brokers"):
                return
            time.sleep(0.05)
        raise AssertionError(f"{self.name} did not start")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return open(self.log_path).read()


def produce(cli, env, topic, lines, extra_env=None):
    run_env = {k: v for k, v in os.environ.items() if not k.startswith("HEADLINER_")}
    run_env.update(env)
    run_env.update(extra_env or {})
    return subprocess.run([cli, "produce", f"--topic={topic}", "-"],
                          input="\n".join(lines) + "\n", capture_output=True, text=True,
                          env=run_env)


def wait_applied(server, articles, clicks, timeout=60):
    deadline = time.time() + timeout
    s = None
    while time.time() < deadline:
        s = server.stats() or {}
        if int(s.get("articles", 0)) >= articles and int(s.get("clicks", 0)) >= clicks:
            return time.time()
        time.sleep(0.1)
    raise AssertionError(f"{server.name}: not applied ({articles} articles, {clicks} clicks): "
                         f"{json.dumps(s)[:2000]}")


def librdkafka_version():
    """(major, minor, patch) of Debian's librdkafka1 package, which the binaries link."""
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "librdkafka1"],
                       capture_output=True, text=True, check=True)
    return tuple(int(x) for x in r.stdout.split("-")[0].split(".")[:3])


def check_scram(r):
    """SCRAM-SHA-512 as the linked librdkafka can do it against a Kafka 4 broker."""
    version = librdkafka_version()
    if version < (2, 6, 1):
        assert r.returncode != 0 and "invalid credentials" in r.stderr, (
            f"SCRAM-SHA-512 worked with librdkafka {version}: the nonce bug is fixed here, so "
            f"docs/operations.md and ScramCompatibilityWarning are out of date: {r.stderr}")
        log(f"SCRAM-SHA-512 refused as expected with librdkafka {version} (fixed in 2.6.1)")
    else:
        assert r.returncode == 0, f"SCRAM-SHA-512 failed with librdkafka {version}: {r.stderr}"
        log(f"SCRAM-SHA-512 works with librdkafka {version}")


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    server_bin, cli, kafka_script = sys.argv[1:]
    env = listener_env(kafka_script, "sasl-env")
    mtls = listener_env(kafka_script, "mtls-env")
    if env is None or mtls is None:
        msg = "no SASL_SSL or SSL listener (scripts/kafka start)"
        if os.environ.get("HEADLINER_REQUIRE_KAFKA") == "1":
            print("FAIL:", msg)
            return 1
        print("SKIP:", msg)
        return SKIP
    password_file = env["HEADLINER_KAFKA_SECRET_FILE_SASL_PASSWORD"]
    password = open(password_file).read().strip()
    keystore_password_file = mtls["HEADLINER_KAFKA_SECRET_FILE_SSL_KEYSTORE_PASSWORD"]
    keystore_password = open(keystore_password_file).read().strip()
    assert min(len(password), len(keystore_password)) >= 16, "passwords should be long and random"
    run = f"{int(time.time())}-{os.getpid()}"
    topics = (f"sasl-articles-{run}", f"sasl-clicks-{run}")
    outputs = []  # every text a password must not appear in

    with tempfile.TemporaryDirectory(prefix="headliner-sasl-") as work:
        articles = subprocess.run([cli, "sample", f"--count={ARTICLES}", "--seed=5"],
                                  capture_output=True, text=True, check=True).stdout.splitlines()
        clicks = subprocess.run([cli, "simulate", f"--count={ARTICLES}", "--seed=5",
                                 "--sessions=400"], capture_output=True, text=True,
                                check=True).stdout.splitlines()
        for topic, lines in ((topics[0], articles), (topics[1], clicks)):
            r = produce(cli, env, topic, lines)
            outputs += [r.stdout, r.stderr]
            assert r.returncode == 0, f"produce through SASL_SSL failed: {r.stderr}"
            assert f"produced {len(lines)} messages" in r.stdout, r.stdout
        log(f"produced {len(articles)} articles and {len(clicks)} clicks through SASL_SSL")

        # Refused, each in its own producer at once: a wrong password, a client that does not
        # trust the broker's CA, SCRAM from an old librdkafka, a client without a certificate on
        # the mTLS listener. Each message gives up after 8 s instead of librdkafka's 5 minutes.
        wrong_file = os.path.join(work, "wrong-password")
        with open(wrong_file, "w") as f:
            f.write("not-the-password\n")
        give_up = {"HEADLINER_KAFKA_PRODUCER_PROPERTY_MESSAGE_TIMEOUT_MS": "8000"}
        attempts = {
            "wrong password": (env, dict(give_up, HEADLINER_KAFKA_SECRET_FILE_SASL_PASSWORD=wrong_file)),
            "no CA": ({k: v for k, v in env.items() if not k.endswith("SSL_CA_LOCATION")}, give_up),
            "SCRAM": (dict(env, HEADLINER_KAFKA_PROPERTY_SASL_MECHANISM="SCRAM-SHA-512"), give_up),
            "no certificate": ({k: v for k, v in mtls.items() if "KEYSTORE" not in k}, give_up),
        }
        with concurrent.futures.ThreadPoolExecutor(len(attempts)) as pool:
            futures = {name: pool.submit(produce, cli, client_env, topics[1], clicks[:1], extra)
                       for name, (client_env, extra) in attempts.items()}
            results = {name: f.result() for name, f in futures.items()}
        for r in results.values():
            outputs += [r.stdout, r.stderr]
        for name, expected in (("wrong password", "Authentication failed"),
                               ("no CA", "certificate verify failed"),
                               ("no certificate", "alert bad certificate")):
            r = results[name]
            assert r.returncode != 0 and expected in r.stderr, f"{name}: not refused: {r.stderr}"
            log(f"{name}: refused:", r.stderr.strip().splitlines()[-1][:160])
        check_scram(results["SCRAM"])

        good = Server(server_bin, cli, work, "good",
                      f"  secret_files:\n    sasl.password: {password_file}\n", topics, env)
        bad = Server(server_bin, cli, work, "bad",
                     f"  secret_files:\n    sasl.password: {wrong_file}\n", topics, env)
        mtls_server = Server(server_bin, cli, work, "mtls",
                             f"  secret_files:\n    ssl.keystore.password: {keystore_password_file}\n",
                             topics, mtls)
        scram = Server(server_bin, cli, work, "scram",
                       f"  properties:\n    sasl.mechanism: SCRAM-SHA-512\n"
                       f"  secret_files:\n    sasl.password: {password_file}\n", topics,
                       {k: v for k, v in env.items() if "MECHANISM" not in k})
        try:
            good.wait_started()
            bad.wait_started()
            scram.wait_started()
            mtls_server.wait_started()
            wait_applied(good, ARTICLES, len(clicks))
            log(f"applied {ARTICLES} articles and {len(clicks)} clicks read through SASL_SSL")
            first = json.loads(articles[0])["id"]
            related = json.loads(good.cli_run("related", first, "--json").stdout)
            assert related.get("items"), f"no related headlines for {first}: {related}"

            # A click produced now is applied within seconds.
            live = json.loads(clicks[0])
            live.update(eventId=f"live-{run}", sessionId=f"live-{run}")
            before = int(good.stats().get("clicks", 0))
            sent = time.time()
            r = produce(cli, env, topics[1], [json.dumps(live)])
            assert r.returncode == 0, r.stderr
            applied = wait_applied(good, ARTICLES, before + 1, timeout=15)
            log(f"a live click applied {applied - sent:.2f} s after it was produced")

            wait_applied(mtls_server, ARTICLES, len(clicks) + 1)
            log(f"the server reading through mTLS applied every event too")
            outputs.append(json.dumps(mtls_server.stats()))

            bad_stats = bad.stats()
            outputs.append(json.dumps(good.stats()))
            outputs.append(json.dumps(bad_stats))
            assert int(bad_stats.get("clicks", 0)) == 0 and int(bad_stats.get("articles", 0)) == 0
            error = bad_stats.get("ingest", {}).get("last_error", "")
            assert "uthenticat" in error, f"the refused server does not say why: {bad_stats}"
            log("the server with a wrong password applies nothing and reports:", error[:160])
        finally:
            outputs.append(good.stop())
            outputs.append(bad.stop())
            outputs.append(mtls_server.stop())
            scram_log = scram.stop()
            outputs.append(scram_log)
        if librdkafka_version() < (2, 6, 1):
            assert "cannot complete SCRAM with Kafka 4.0 or later" in scram_log, scram_log[:3000]
            log("a server configured for SCRAM warns at start that this librdkafka cannot")

    for text in outputs:
        assert password not in text, "the SASL password appears in an output or log"
        assert keystore_password not in text, "the keystore password appears in an output or log"
        assert "not-the-password" not in text, "a wrong password appears in an output or log"
    log("no password in any log, output or Stats answer")
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
