#!/usr/bin/python3
"""Runs the README's shell command blocks as written, against `scripts/demo`'s server (issue 17).

Every ```sh block of README.md is run in order, one command (with its continuation lines) at a
time, from a scratch directory that links the checkout's build/, scripts/, deploy/, tests/,
proto/ and examples/ (so files the README creates, e.g. catalog.jsonl, land there). A command fails the test
when it exits non-zero, or prints nothing and writes no file. Scratch paths the README names
(/tmp/h1, /tmp/h2, /tmp/headliner-checkpoint-1) are moved into the scratch directory.

A command that starts the server (`build/headliner ...`) stops the server running before it (the
demo's, or the one an earlier block started, which hold the same ports), runs in the background
and is waited for until it answers on its port; the server stays up for the blocks after it, as a
reader's would. What is not run is listed in SKIPPED_BLOCKS and SKIPPED_COMMANDS, each with why.

Usage: readme_test.py REPO_DIR. Needs grpcurl on PATH, in build/tools (scripts/test builds it there)
or in ~/go/bin,
and the demo's ports (127.0.0.1:50051, :50052, :9464, and :3000 for the example news site) free.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

# Blocks not run, by the start of their first command, and why.
SKIPPED_BLOCKS = {
    "scripts/demo": "this test runs scripts/demo itself; scripts/test is what runs this test",
    "scripts/crash-loop": "long runs behind flags; scripts/test runs short crash-loop and fuzz "
                          "smoke runs, HEADLINER_SANITIZERS=1 the sanitizers",
    "build/headliner-cli --admin_addr localhost:50052 --tls_ca":
        "needs a CA and client certificates: tls_test and admin_port_test make them and run "
        "the same call",
    "scripts/image build": "needs root and two minutes: scripts/test runs scripts/image build "
                           "and check itself",
}
# Single commands not run, by their start, and why.
SKIPPED_COMMANDS = {
    "kcat ": "an alternative client, not installed here; the line before does the same",
    "tests/deploy/k8s_package_test.sh": "ctest's k8s_package runs it",
    "(cd examples/frontend && npm ci": "a second example site that runs until stopped: "
                                       "scripts/demo started the same one on port 3000 (the "
                                       "lines before use it) and ctest's e2e_frontend runs it",
}
# Fenced blocks in other languages are not commands: the configuration reference (yaml) and
# fragments of a reader's own code (python).
NOT_COMMANDS = {"yaml": "the configuration reference: checked with headliner --check_config",
                "python": "a reader's own code: the GrowthBook hash is run by ctest's "
                          "readme_growthbook, the embedding producer is a fragment (...)"}
UCI = "../shared/data/uci-news-dev.csv"


def log(*args):
    print(f"[{time.strftime('%H:%M:%S')}]", *args, flush=True)


def sh_blocks(readme):
    """The README's ```sh blocks, each a list of commands (continuation lines joined)."""
    blocks = []
    for body in re.findall(r"```sh\n(.*?)```", readme, re.S):
        commands, current = [], ""
        for line in body.splitlines():
            current += line
            if current.endswith("\\"):
                current = current[:-1] + " "
                continue
            # A trailing comment is for the reader (and may hold a '#' inside a word: keep those).
            command = re.sub(r"\s+#\s.*$", "", current).strip()
            if command and not command.startswith("#"):
                commands.append(command)
            current = ""
        blocks.append(commands)
    return blocks


class Runner:
    def __init__(self, repo, scratch):
        self.repo, self.scratch = repo, scratch
        self.work = os.path.join(scratch, "work")
        os.makedirs(self.work)
        for name in ["build", "scripts", "deploy", "tests", "proto", "examples"]:
            os.symlink(os.path.join(repo, name), os.path.join(self.work, name))
        shared = os.path.join(os.path.dirname(repo), "shared")
        if os.path.isdir(shared):  # the README's ../shared, from the scratch directory
            os.symlink(shared, os.path.join(scratch, "shared"))
        self.env = dict(os.environ)
        tools = os.path.join(repo, "build", "tools")  # scripts/test puts grpcurl there
        gobin = os.path.expanduser("~/go/bin")
        self.env["PATH"] = f"{self.env['PATH']}:{tools}:{gobin}:/usr/local/go/bin"
        assert shutil.which("grpcurl", path=self.env["PATH"]), \
            "grpcurl is not installed: scripts/test builds it into build/tools"
        self.servers = []  # Popen of servers this test started, newest last
        self.demo_pid = None
        self.frontend_pid = None

    def rewrite(self, command):
        for path, name in [("/tmp/h1", "h1"), ("/tmp/h2", "h2"),
                           ("/tmp/headliner-checkpoint-1", "checkpoint-1")]:
            command = command.replace(path, os.path.join(self.scratch, name))
        return command

    def start_demo(self):
        log("scripts/demo")
        os.makedirs(os.path.join(self.scratch, "demo"))
        r = subprocess.run(["bash", os.path.join(self.repo, "scripts/demo")], cwd=self.repo,
                           env=dict(self.env, DATA_DIR=os.path.join(self.scratch, "demo")),
                           capture_output=True, text=True, timeout=900)
        assert r.returncode == 0, f"scripts/demo failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
        m = re.search(r"headliner is running \(pid (\d+)", r.stdout)
        assert m, f"scripts/demo did not say which pid it started:\n{r.stdout[-2000:]}"
        self.demo_pid = int(m.group(1))
        m = re.search(r"the example news site, pid (\d+)", r.stdout)
        assert m, f"scripts/demo did not start the example news site:\n{r.stdout[-2000:]}"
        self.frontend_pid = int(m.group(1))  # serves the README's blocks until the end

    def stop_frontend(self):
        if self.frontend_pid is not None:
            try:
                os.kill(self.frontend_pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            self.frontend_pid = None

    def stop_servers(self):
        if self.demo_pid is not None:
            try:
                os.kill(self.demo_pid, signal.SIGTERM)
                for _ in range(600):
                    os.kill(self.demo_pid, 0)
                    time.sleep(0.1)
            except ProcessLookupError:
                pass
            self.demo_pid = None
        for p in self.servers:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
                p.wait(timeout=60)
        self.servers = []

    def start_server(self, command):
        self.stop_servers()
        command = command.rstrip("&").strip()
        out = open(os.path.join(self.scratch, f"server-{len(os.listdir(self.scratch))}.log"), "w")
        p = subprocess.Popen(["bash", "-c", command], cwd=self.work, env=self.env, stdout=out,
                             stderr=subprocess.STDOUT, start_new_session=True)
        self.servers.append(p)
        m = re.search(r"--grpc_addr[ =](\S+)", command)
        addr = m.group(1) if m else "127.0.0.1:50051"
        deadline = time.time() + 120
        while time.time() < deadline:
            assert p.poll() is None, f"the server exited: {command}\n" + open(out.name).read()[-2000:]
            r = subprocess.run(["build/headliner-cli", "--addr", addr, "health"], cwd=self.work,
                               env=self.env, capture_output=True, text=True)
            if r.returncode == 0:
                return
            time.sleep(0.2)
        raise AssertionError(f"the server did not answer on {addr}: {command}")

    def run(self, command):
        files_before = set(os.listdir(self.work))
        r = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=self.work,
                           env=self.env, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, (f"exit {r.returncode}: {command}\n{r.stdout[-2000:]}\n"
                                   f"{r.stderr[-2000:]}")
        wrote = [f for f in set(os.listdir(self.work)) - files_before
                 if os.path.getsize(os.path.join(self.work, f)) > 0]
        redirected = re.search(r">\s*(\S+)\s*$", command)
        if redirected:
            target = os.path.join(self.work, redirected.group(1))
            assert os.path.exists(target) and os.path.getsize(target) > 0, \
                f"wrote nothing to {redirected.group(1)}: {command}"
        elif not (r.stdout + r.stderr).strip() and not wrote:
            raise AssertionError(f"printed nothing: {command}\n{r.stderr[-2000:]}")


def is_server(command):
    words = [w for w in command.split() if not re.match(r"^[A-Z_]+=", w)]
    return bool(words) and words[0] == "build/headliner"


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    repo = os.path.abspath(sys.argv[1])
    readme = open(os.path.join(repo, "README.md")).read()
    blocks = sh_blocks(readme)
    for lang in re.findall(r"^```(\w+)\n", readme, re.M):
        if lang != "sh":
            assert lang in NOT_COMMANDS, f"a ```{lang} block: say in NOT_COMMANDS why it is not run"
            log(f"a {lang} block: not run: {NOT_COMMANDS[lang]}")
    # The configuration reference is a valid configuration, every key of it known.
    for i, yaml in enumerate(re.findall(r"^```yaml\n(.*?)```", readme, re.S | re.M)):
        path = os.path.join(tempfile.gettempdir(), f"headliner-readme-{os.getpid()}-{i}.yaml")
        with open(path, "w") as f:
            f.write(yaml)
        r = subprocess.run([os.path.join(repo, "build/headliner"), f"--config={path}",
                            "--check_config"], capture_output=True, text=True)
        os.unlink(path)
        assert r.returncode == 0, f"the README's yaml block {i + 1} is not a valid config: {r.stderr}"
    scratch = tempfile.mkdtemp(prefix="headliner-readme-")
    runner = Runner(repo, scratch)
    ran = skipped = 0
    try:
        runner.start_demo()
        for i, commands in enumerate(blocks):
            why = next((w for k, w in SKIPPED_BLOCKS.items() if commands[0].startswith(k)), None)
            if why:
                log(f"block {i + 1} ({commands[0][:40]}...): skipped: {why}")
                skipped += 1
                continue
            log(f"block {i + 1}: {len(commands)} commands")
            for command in commands:
                why = next((w for k, w in SKIPPED_COMMANDS.items() if command.startswith(k)),
                           None)
                if why is None and UCI in command and not os.path.isdir(
                        os.path.join(scratch, "shared")):
                    why = "no ../shared beside the checkout (the UCI headlines)"
                if why:
                    log(f"  skipped: {command[:60]}: {why}")
                    continue
                command = runner.rewrite(command)
                log(f"  $ {command[:110]}")
                if is_server(command):
                    runner.start_server(command)
                else:
                    runner.run(command)
                ran += 1
    finally:
        runner.stop_servers()
        runner.stop_frontend()
    shutil.rmtree(scratch, ignore_errors=True)
    log(f"ok: {ran} README commands ran, {skipped} blocks skipped (each says why)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
