#!/usr/bin/python3
"""End-to-end: a full disk pauses ingestion, never aborts the process, and ingestion resumes by
itself with exact state once there is room again.

On a small tmpfs (mounted here: needs root; otherwise the test skips with exit 77) with a real
Kafka broker:
  1. a catalog is ingested; then a filler file leaves less than storage.min_free_disk_mib free;
  2. clicks produced meanwhile are not applied: Stats says paused_storage and counts refusals,
     GetRelated keeps answering, UpsertArticle is RESOURCE_EXHAUSTED, the process stays up;
  3. kill -9 and restart on the full disk: it starts read-only (it used to abort in 22 ms) and
     serves;
  4. the filler is removed: within seconds the storage is writable, ingestion resumes, and every
     click is applied exactly once;
  5. SIGTERM stops it cleanly (it used to abort on the failed log flush).
Before the guard, RocksDB hit ENOSPC itself and the process aborted (SIGABRT) at the next close
or start.

usage: disk_full_test.py HEADLINER HEADLINER_CLI
Needs a broker at $HEADLINER_KAFKA_BROKERS (default 127.0.0.1:9092): skips without one, unless
HEADLINER_REQUIRE_KAFKA=1.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

from kafka_ingest_test import BROKERS, SKIP, broker_missing, log

ARTICLES, CLICKS = 400, 600
TMPFS_MIB, MIN_FREE_MIB = 48, 12


def free_mib(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize / (1 << 20)


class Server:
    def __init__(self, binary, cli, work, disk):
        self.binary, self.cli, self.work = binary, cli, work
        run = f"{int(time.time())}-{os.getpid()}"
        self.articles, self.clicks = f"df-articles-{run}", f"df-clicks-{run}"
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.addr = f"127.0.0.1:{s.getsockname()[1]}"
        s.close()
        self.config = os.path.join(work, "config.yaml")
        with open(self.config, "w") as f:
            f.write(f"""data_dir: {disk}/data
server:
  grpc_addr: "{self.addr}"
  admin_addr: ""  # Admin on the same port
storage:
  min_free_disk_mib: {MIN_FREE_MIB}
  write_buffer_mib: 1
  max_wal_mib: 4
  block_cache_mib: 8
kafka:
  brokers: "{BROKERS}"
  group_id: "df-{run}"
  articles_topic: "{self.articles}"
  clicks_topic: "{self.clicks}"
  articles_dead_letter_topic: ""
  clicks_dead_letter_topic: ""
""")
        self.proc = None

    def cli_run(self, *args, stdin=None, check=True):
        env = dict(os.environ, HEADLINER_ADDR=self.addr, HEADLINER_ADMIN_ADDR=self.addr,
                   HEADLINER_KAFKA_BROKERS=BROKERS)
        r = subprocess.run([self.cli, *args], input=stdin, capture_output=True, text=True, env=env)
        if check and r.returncode != 0:
            raise RuntimeError(f"headliner-cli {' '.join(args)}: {r.stderr}")
        return r

    def start(self):
        self.log = open(os.path.join(self.work, "server.log"), "a")
        self.proc = subprocess.Popen([self.binary, f"--config={self.config}"], stdout=self.log,
                                     stderr=self.log)
        for _ in range(300):
            r = self.cli_run("stats", "--json", check=False)
            if r.returncode == 0 and '"brokers"' in r.stdout:
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited with {self.proc.returncode} during start")
            time.sleep(0.05)
        raise AssertionError("server did not start")

    def stats(self):
        return json.loads(self.cli_run("stats", "--json").stdout)

    def wait(self, what, cond, timeout=60):
        t0 = time.time()
        while time.time() - t0 < timeout:
            s = self.stats()
            if cond(s):
                return s
            assert self.proc.poll() is None, f"server died ({self.proc.returncode})"
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}: {self.stats()}")


def main(binary, cli):
    if (missing := broker_missing()) is not None:
        return missing
    work = tempfile.mkdtemp(prefix="headliner-disk-full-")
    disk = os.path.join(work, "disk")
    os.mkdir(disk)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_MIB}m", "tmpfs", disk],
                      capture_output=True).returncode != 0:
        print("SKIP: cannot mount a tmpfs here (needs root)")
        return SKIP
    server = Server(binary, cli, work, disk)
    try:
        return run(server, disk)
    finally:
        if server.proc is not None and server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()
        subprocess.run(["umount", "-l", disk])
        subprocess.run(["rm", "-rf", work])


def fill(disk, leave_mib):
    path = os.path.join(disk, "filler")
    size = int((free_mib(disk) - leave_mib) * (1 << 20))
    with open(path, "wb") as f:
        f.write(b"\0" * max(size, 0))
    return path


def run(srv, disk):
    articles = srv.cli_run("sample", f"--count={ARTICLES}", "--seed=5").stdout
    clicks = srv.cli_run("simulate", f"--count={ARTICLES}", "--seed=5",
                         f"--sessions={CLICKS // 3}").stdout.splitlines()[:CLICKS]
    unique = len({json.loads(c)["event_id"] for c in clicks})
    srv.cli_run("produce", f"--topic={srv.articles}", "-", stdin=articles)
    # The first click creates the clicks topic before the server subscribes.
    srv.cli_run("produce", f"--topic={srv.clicks}", "-", stdin=clicks[0] + "\n")
    srv.start()
    srv.wait("the catalog", lambda s: int(s.get("articles", 0)) == ARTICLES and
             int(s.get("clicks", 0)) == 1)
    log(f"{ARTICLES} articles ingested; {free_mib(disk):.1f} MiB free on the {TMPFS_MIB} MiB tmpfs")

    filler = fill(disk, MIN_FREE_MIB / 2)
    log(f"filled: {free_mib(disk):.1f} MiB free, under storage.min_free_disk_mib={MIN_FREE_MIB}")
    srv.cli_run("produce", f"--topic={srv.clicks}", "-", stdin="\n".join(clicks[1:]) + "\n")
    s = srv.wait("paused_storage", lambda s: s["ingest"].get("state") == "paused_storage")
    assert int(s["ingest"].get("storage_refusals", 0)) > 0, s["ingest"]
    assert "disk nearly full" in s["ingest"].get("last_error", ""), s["ingest"]
    assert int(s.get("clicks", 0)) == 1, s
    related = json.loads(srv.cli_run("related", "sample-1", "--json").stdout)
    assert related.get("items"), related
    late = os.path.join(srv.work, "late.jsonl")  # not on the full disk
    with open(late, "w") as f:
        f.write(json.dumps({"id": "late", "headline": "Written on a full disk"}) + "\n")
    upsert = srv.cli_run("load", late, check=False)
    assert upsert.returncode != 0 and "disk nearly full" in upsert.stdout + upsert.stderr, upsert
    log("full disk: ingestion paused_storage with refusals counted, GetRelated answers, "
        "UpsertArticle refused")

    srv.proc.send_signal(signal.SIGKILL)
    srv.proc.wait()
    srv.start()
    s = srv.stats()
    assert s.get("storage_read_only") is True, s
    related = json.loads(srv.cli_run("related", "sample-1", "--json").stdout)
    assert related.get("items"), related
    log("kill -9 and restart on the full disk: started read-only and serving")

    os.remove(filler)
    t0 = time.time()
    s = srv.wait("all clicks applied", lambda s: int(s.get("clicks", 0)) == unique)
    assert not s.get("storage_read_only"), s
    log(f"room again: writable and all {unique} clicks applied {time.time() - t0:.1f} s after "
        "the filler was removed")
    time.sleep(2)  # nothing is applied twice
    assert int(srv.stats().get("clicks", 0)) == unique
    srv.proc.send_signal(signal.SIGTERM)
    code = srv.proc.wait(timeout=30)
    assert code == 0, f"exit code {code} on SIGTERM"
    print("ok: a full disk pauses ingestion, serving goes on, no abort, exact state after")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
