#!/usr/bin/python3
"""Checks grpc.health.v1 and server reflection of a running headliner with a real Python gRPC
client. Messages are encoded by hand (three fields), so no generated stubs are needed.

Usage: grpc_probe.py ADDR [ADMIN_ADDR]. With ADMIN_ADDR, Admin must be served there and not on
ADDR (an Admin call on the public port is UNIMPLEMENTED)."""
import sys

import grpc


def varint_field(number, value):
    return bytes([(number << 3) | 0]) + bytes([value])


def string_field(number, text):
    data = text.encode()
    return bytes([(number << 3) | 2, len(data)]) + data


def top_level_fields(message):
    """The field numbers of a protobuf message's top-level fields (wire types 0 and 2 only)."""
    def varint(i):
        value, shift = 0, 0
        while True:
            b = message[i]
            value |= (b & 0x7f) << shift
            i, shift = i + 1, shift + 7
            if b < 0x80:
                return value, i
    fields, i = [], 0
    while i < len(message):
        key, i = varint(i)
        if key & 7 == 0:
            _, i = varint(i)
        elif key & 7 == 2:
            length, i = varint(i)
            i += length
        else:
            raise ValueError(f"wire type {key & 7}")
        fields.append(key >> 3)
    return fields


def raw(channel, method, streaming=False):
    call = channel.stream_stream if streaming else channel.unary_unary
    return call(method, request_serializer=lambda b: b, response_deserializer=lambda b: b)


def check_port(channel, services, absent):
    """Health SERVING for "" and `services`; reflection lists `services` and not `absent`."""
    grpc.channel_ready_future(channel).result(timeout=5)
    check = raw(channel, "/grpc.health.v1.Health/Check")
    for service in [""] + services:
        reply = check(string_field(1, service) if service else b"", timeout=5)
        if reply != varint_field(1, 1):  # status = SERVING
            return f"health of '{service}' is not SERVING: {reply!r}"
    reflect = raw(channel, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                  streaming=True)
    replies = list(reflect(iter([string_field(7, "*")]), timeout=5))  # list_services
    listing = b"".join(replies)
    for name in services + ["grpc.health.v1.Health"]:
        if name.encode() not in listing:
            return f"reflection does not list {name}"
    for name in absent:
        if name.encode() in listing:
            return f"reflection lists {name}, which belongs on another port"
    # Each listed service is described too (grpcurl needs its file, issue 17): a
    # file_descriptor_response (4), not an error_response (7).
    for name in services + ["grpc.health.v1.Health"]:
        reply = b"".join(reflect(iter([string_field(4, name)]), timeout=5))  # file_containing_symbol
        if 4 not in top_level_fields(reply):
            return f"reflection lists {name} but does not describe it: {reply[:200]!r}"
    return None


def main(addr, admin_addr=None):
    channel = grpc.insecure_channel(addr)
    related_name, admin_name = "headliner.v1.RelatedHeadlines", "headliner.v1.Admin"
    if admin_addr is None:
        error = check_port(channel, [related_name, admin_name], [])
    else:
        error = (check_port(channel, [related_name], [admin_name]) or
                 check_port(grpc.insecure_channel(admin_addr), [admin_name], [related_name]))
        try:
            raw(channel, "/headliner.v1.Admin/Stats")(b"", timeout=5)
            error = error or "Admin.Stats answered on the public port"
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.UNIMPLEMENTED:
                error = error or f"Admin.Stats on the public port: {e.code()}, not UNIMPLEMENTED"
    if error:
        print(error)
        return 1
    # 5,000 requests with invalid UTF-8 in article_id: INVALID_ARGUMENT with a message each
    # (the caller checks that the server's log stayed small: library logs are rate-limited).
    related = raw(channel, "/headliner.v1.RelatedHeadlines/GetRelated")
    bad = bytes([0x0a, 3, 0xff, 0xfe, 0xfd])
    futures = [related.future(bad, timeout=10) for _ in range(5000)]
    for f in futures:
        try:
            f.result()
            print("a request with invalid UTF-8 succeeded")
            return 1
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.INVALID_ARGUMENT or "not a valid" not in e.details():
                print(f"invalid UTF-8 answered {e.code()} {e.details()!r}")
                return 1
    print("ok: health SERVING, reflection lists the services, bad UTF-8 is INVALID_ARGUMENT")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
