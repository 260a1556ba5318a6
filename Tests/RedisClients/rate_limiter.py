"""The seed's sliding-window rate limiter: a pipeline of ZREMRANGEBYSCORE, ZADD, ZCARD, EXPIRE.

Time is injected (a list of request timestamps), so the transcript is deterministic.
"""
import sys

from common import connect, emit, port_from_argv

r = connect(port_from_argv())
r.flushdb()
transaction = len(sys.argv) > 2 and sys.argv[2] == "multi"


def rate_limit(key: str, limit: int, window_ms: int, now_ms: int, seq: int) -> bool:
    window_start = now_ms - window_ms
    pipe = r.pipeline(transaction=transaction)
    pipe.zremrangebyscore(key, 0, window_start)
    pipe.zadd(key, {f"{now_ms}-{seq}": now_ms})
    pipe.zcard(key)
    pipe.expire(key, -(-window_ms // 1000))
    removed, added, count, expired = pipe.execute()
    return removed, added, count, expired, count <= limit


base = 1_700_000_000_000
timeline = [0, 100, 200, 300, 400, 500, 600, 30_000, 59_000, 60_150, 60_350, 61_000, 120_700, 200_000]
allowed = []
for seq, t in enumerate(timeline):
    result = rate_limit("ratelimit:203.0.113.7", 5, 60_000, base + t, seq)
    emit("request", t, result)
    allowed.append(result[-1])
emit("allowed", allowed)
assert allowed[:5] == [True] * 5 and allowed[5] is False
emit("window", r.zrange("ratelimit:203.0.113.7", 0, -1, withscores=True))
ttl = r.ttl("ratelimit:203.0.113.7")
assert 0 < ttl <= 60
emit("ttl_ok", 0 < ttl <= 60)
# a second client is independent
emit("other_ip", rate_limit("ratelimit:198.51.100.1", 5, 60_000, base, 0))
emit("count_range", r.zcount("ratelimit:203.0.113.7", base + 150_000, "+inf"))
