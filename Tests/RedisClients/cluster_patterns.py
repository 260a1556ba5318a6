"""Patterns a Redis Cluster refuses or treats differently, sent with a plain redis-py client to
REDIS_URL (`infera verify` reports each with its count and first key). Every refusal is caught, like
a request handler would, so the script exits 0.

usage: REDIS_URL=... cluster_patterns.py
"""
import os
import sys

import redis

r = redis.Redis.from_url(os.environ["REDIS_URL"])
errors = []


def attempt(label, fn):
    try:
        fn()
    except redis.exceptions.ResponseError as e:
        errors.append(f"{label}: {e}")


attempt("mget", lambda: r.mget("user:1", "user:2"))                   # CROSSSLOT
attempt("mget", lambda: r.mget("user:3", "user:4"))                   # CROSSSLOT again (count 2)
attempt("mget-tagged", lambda: r.mget("{user}:1", "{user}:2"))        # fine


def transaction():
    p = r.pipeline(transaction=True)
    p.set("cart:1", "x")
    p.set("order:1", "y")
    p.execute()                                                      # CROSSSLOT at EXEC


attempt("multi", transaction)
attempt("eval-declared", lambda: r.eval("return 1", 2, "a", "b"))      # CROSSSLOT (declared keys)
attempt("eval-undeclared", lambda: r.eval(
    "redis.call('set', KEYS[1], 'v'); return redis.call('get', 'session:42')", 1, "{s}:1"))
attempt("select", lambda: r.execute_command("SELECT", "2"))           # ERR SELECT is not allowed
r.keys("user:*")                                                       # one node's keys only
r.scan(0)
print("\n".join(errors), file=sys.stderr)
r.close()
