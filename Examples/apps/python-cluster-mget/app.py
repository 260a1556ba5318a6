"""Profile lookup: stores two profile records of a user and reads both back in one MGET.

On one Redis node any two keys can go in one MGET. On a Redis Cluster (Memorystore for Redis
Cluster, ElastiCache cluster mode) both keys must hash to the same slot, or the server answers
CROSSSLOT. `user:1` and `user:2` hash to different slots; `{user}:1` and `{user}:2` share the hash
tag `user`, so they always land in one slot.

    python3 app.py               # MGET user:1 user:2        (CROSSSLOT on a cluster)
    python3 app.py --hash-tags   # MGET {user}:1 {user}:2    (works on both)

Like a request handler, a failed lookup is logged and the process carries on (exit 0).
"""
import os
import sys

import redis


def main() -> int:
    tagged = "--hash-tags" in sys.argv[1:]
    keys = ["{user}:1", "{user}:2"] if tagged else ["user:1", "user:2"]
    r = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379"))
    for i, key in enumerate(keys, start=1):
        r.set(key, f"profile-{i}", ex=300)
    try:
        print("profiles:", [v.decode() if v else None for v in r.mget(keys)])
    except redis.exceptions.ResponseError as e:
        print(f"profile lookup failed: {e}", file=sys.stderr)
    r.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
