"""redis-py's RedisCluster against a 3-shard cluster: discover the topology from one node, write
10,000 keys across every shard (plain SETs and a pipeline), read them back, and print a transcript
that is the same for redis-server's cluster and `infera server --cluster-enabled yes`.

usage: cluster_keys.py PORT
"""
import sys

import redis
from redis.cluster import RedisCluster

port = int(sys.argv[1])
rc = RedisCluster(host="127.0.0.1", port=port, socket_timeout=10)

slots = sorted((r[0], r[1]) for r in rc.cluster_slots(target_nodes=RedisCluster.RANDOM).keys())
print("slot ranges:", slots)

N = 10_000
for i in range(0, 2_000):
    rc.set(f"key:{i}", f"value:{i}")
pipe = rc.pipeline()
for i in range(2_000, N):
    pipe.set(f"key:{i}", f"value:{i}")
results = pipe.execute()
assert all(results), "pipeline SET failed"

missing = 0
for i in range(0, N, 1):
    if rc.get(f"key:{i}") != f"value:{i}".encode():
        missing += 1
print("read back:", N - missing, "of", N)
assert missing == 0

# Primaries in slot order: the node owning slot 0 first.
owners = [rc.dbsize(target_nodes=rc.nodes_manager.get_node_from_slot(lo)) for (lo, _) in slots]
print("keys per shard (slot order):", owners)
assert sum(owners) == N and all(n > 0 for n in owners), owners

# Same-slot multi-key commands work; cross-slot ones are refused (client side by redis-py).
rc.mset({"{user}:1": "a", "{user}:2": "b"})
print("hash-tag MGET:", rc.mget("{user}:1", "{user}:2"))
try:
    rc.mget("user:1", "user:2")
    print("cross-slot MGET: allowed")
except redis.exceptions.RedisClusterException as e:
    print("cross-slot MGET refused:", e)
print("keyslot {user}:1 =", rc.keyslot("{user}:1"), "server says", rc.cluster_keyslot("{user}:1"))
rc.close()
print("ok")
