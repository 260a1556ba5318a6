"""Smoke test of app/cache.py against the Redis in REDIS_URL (no Flask needed)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from app.cache import allow_request, cached_product, client  # noqa: E402

loads = []
first = cached_product(42, lambda pid: loads.append(pid) or {"id": pid})
second = cached_product(42, lambda pid: loads.append(pid) or {"id": pid})
assert first == second == {"id": 42}, (first, second)
assert loads == [42], loads
assert all(allow_request("10.0.0.1", limit=5) for _ in range(5))
assert not allow_request("10.0.0.1", limit=5)
client.set("catalogue:version", "7")  # no TTL
print("cache smoke ok")
