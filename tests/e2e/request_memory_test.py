#!/usr/bin/python3
"""End-to-end: concurrent large requests cannot take the server's memory with them.

Starts the real server, then sends 200 concurrent requests of 3.9 MB (over the contract's size,
refused by the transport) and 500 concurrent requests of the contract's largest size (GetRelated
with 1000 excluded ids of 250 bytes, served), each wave over 8 connections, and checks the
server's peak resident memory (VmHWM) grew by less than 160 MB. Before the bounds
(server.max_message_bytes 4 MB, no memory quota) the oversize requests were read whole and
answered (500 of them took RSS from 47 MB to 2.59 GB; the 200 here add 233 MB).

The server runs with jemalloc told to return freed pages at once (MALLOC_CONF): the peak should
count what the requests hold, not the dirty pages the allocator keeps for reuse, which made the
same run's growth vary from 84 to 170 MB.
usage: request_memory_test.py SERVER CLI
"""
import os
import socket
import subprocess
import sys
import tempfile
import time

import grpc


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def field(number, payload):
    """A length-delimited protobuf field (wire type 2)."""
    tag = (number << 3) | 2
    out, n = bytearray([tag]), len(payload)
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out) + payload


def get_related_request(exclude_ids):
    # GetRelatedRequest{article_id: "a", filter: RequestFilter{exclude_ids: ...}}; exclude_ids is
    # field 4 of Filter (see related.proto), filter field 5 of the request.
    flt = b"".join(field(4, i.encode()) for i in exclude_ids)
    return field(1, b"a") + field(5, flt)


def vm_hwm_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def wave(addr, payload, count, connections=8):
    channels = [grpc.insecure_channel(addr, options=[
        ("grpc.max_send_message_length", 8 << 20),
        ("grpc.use_local_subchannel_pool", 1)]) for _ in range(connections)]
    calls = [c.unary_unary("/headliner.v1.RelatedHeadlines/GetRelated",
                           request_serializer=lambda b: b,
                           response_deserializer=lambda b: b) for c in channels]
    futures = [calls[i % connections].future(payload, timeout=60) for i in range(count)]
    codes = {}
    for f in futures:
        try:
            f.result()
            code = grpc.StatusCode.OK
        except grpc.RpcError as e:
            code = e.code()
        codes[code] = codes.get(code, 0) + 1
    for c in channels:
        c.close()
    return codes


def main(server, cli):
    work = tempfile.mkdtemp()
    addr = f"127.0.0.1:{free_port()}"
    admin_addr = f"127.0.0.1:{free_port()}"
    log = open(os.path.join(work, "server.log"), "w")
    server_env = dict(os.environ, MALLOC_CONF="dirty_decay_ms:0,muzzy_decay_ms:0")
    proc = subprocess.Popen([server, "--data_dir", os.path.join(work, "data"),
                             "--grpc_addr", addr, "--admin_addr", admin_addr],
                            stdout=log, stderr=log, env=server_env)
    try:
        env = dict(os.environ, HEADLINER_ADDR=addr, HEADLINER_ADMIN_ADDR=admin_addr)
        for _ in range(100):
            if subprocess.run([cli, "stats"], env=env, capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        else:
            print("FAIL: server not ready")
            return 1
        base = vm_hwm_kb(proc.pid)
        oversize = get_related_request(["x" * 200] * 19500)  # 3.9 MB
        codes = wave(addr, oversize, 200)
        if codes.get(grpc.StatusCode.RESOURCE_EXHAUSTED, 0) != 200:
            print(f"FAIL: oversize requests answered {codes}")
            return 1
        largest = get_related_request([f"{i:04d}" + "y" * 246 for i in range(1000)])  # ~256 KB
        codes = wave(addr, largest, 500)
        if codes.get(grpc.StatusCode.OK, 0) != 500:
            print(f"FAIL: largest valid requests answered {codes}")
            return 1
        growth_mb = (vm_hwm_kb(proc.pid) - base) / 1024
        print(f"peak RSS grew {growth_mb:.0f} MB (from {base / 1024:.0f} MB)")
        if growth_mb > 160:
            print("FAIL: concurrent large requests grew the server's memory by over 160 MB")
            return 1
        if proc.poll() is not None:
            print("FAIL: server exited")
            return 1
        print("ok: concurrent large requests are bounded")
        return 0
    finally:
        proc.kill()
        proc.wait()
        log.close()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
