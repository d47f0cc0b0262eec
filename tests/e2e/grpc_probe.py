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
    print("ok: health SERVING and reflection lists the services")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
