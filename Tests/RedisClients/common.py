"""Shared helpers for the real-client scenarios run against redis-server and `infera server`.

Every scenario prints a deterministic transcript (one JSON value per line) and asserts the
pattern's own invariants; the Swift test runs it against both servers and compares transcripts.
"""
import json
import sys

import redis


def connect(port: int, **kwargs) -> "redis.Redis":
    return redis.Redis(host="127.0.0.1", port=port, socket_timeout=10, socket_connect_timeout=10,
                       decode_responses=True, **kwargs)


def emit(*values):
    print(json.dumps(values if len(values) != 1 else values[0], sort_keys=True), flush=True)


def port_from_argv() -> int:
    if len(sys.argv) < 2:
        raise SystemExit("usage: %s PORT" % sys.argv[0])
    return int(sys.argv[1])
