#!/usr/bin/python3
"""Checks grpc.health.v1 and server reflection of a running headliner with a real Python gRPC
client. Messages are encoded by hand (three fields), so no generated stubs are needed."""
import sys

import grpc


def varint_field(number, value):
    return bytes([(number << 3) | 0]) + bytes([value])


def string_field(number, text):
    data = text.encode()
    return bytes([(number << 3) | 2, len(data)]) + data


def main(addr):
    channel = grpc.insecure_channel(addr)
    grpc.channel_ready_future(channel).result(timeout=5)
    check = channel.unary_unary("/grpc.health.v1.Health/Check",
                                request_serializer=lambda b: b,
                                response_deserializer=lambda b: b)
    for service in ["", "headliner.v1.RelatedHeadlines"]:
        reply = check(string_field(1, service) if service else b"", timeout=5)
        if reply != varint_field(1, 1):  # status = SERVING
            print(f"health of '{service}' is not SERVING: {reply!r}")
            return 1
    reflect = channel.stream_stream(
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
        request_serializer=lambda b: b, response_deserializer=lambda b: b)
    replies = list(reflect(iter([string_field(7, "*")]), timeout=5))  # list_services
    listing = b"".join(replies)
    for name in [b"headliner.v1.RelatedHeadlines", b"headliner.v1.Admin", b"grpc.health.v1.Health"]:
        if name not in listing:
            print(f"reflection does not list {name.decode()}")
            return 1
    # 5,000 requests with invalid UTF-8 in article_id: INVALID_ARGUMENT with a message each
    # (the caller checks that the server's log stayed small: library logs are rate-limited).
    related = channel.unary_unary("/headliner.v1.RelatedHeadlines/GetRelated",
                                  request_serializer=lambda b: b,
                                  response_deserializer=lambda b: b)
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
    sys.exit(main(sys.argv[1]))
