"""The seed's part-1 patterns with redis-py: cache-aside with TTL, session keys, counters."""
import json

import redis

from common import connect, emit, port_from_argv

r = connect(port_from_argv())
r.flushdb()

# --- cache-aside with TTL -------------------------------------------------------------------
DATABASE = {1: {"id": 1, "name": "Ada", "plan": "pro"}, 2: {"id": 2, "name": "Linus", "plan": "free"}}
loads = []


def get_user(user_id: int):
    key = f"cache:user:{user_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached), "hit"
    loads.append(user_id)
    user = DATABASE.get(user_id)
    if user is None:
        r.set(key, json.dumps(None), ex=30, nx=True)  # negative caching, shorter TTL
        return None, "miss"
    r.setex(key, 3600, json.dumps(user, sort_keys=True))
    return user, "miss"


for uid in (1, 1, 2, 3, 1, 3):
    user, how = get_user(uid)
    emit("get_user", uid, how, user)
emit("db_loads", loads)
ttl = r.ttl("cache:user:1")
assert 3590 <= ttl <= 3600, ttl
emit("ttl_user_1_in_range", 3590 <= ttl <= 3600)
assert 0 < r.ttl("cache:user:3") <= 30
emit("pttl_positive", r.pttl("cache:user:2") > 3_590_000)
# invalidate on write
DATABASE[1]["plan"] = "enterprise"
emit("invalidate", r.delete("cache:user:1"))
emit("after_invalidate", get_user(1))
emit("keys", sorted(r.keys("cache:user:*")))
emit("scan", sorted(r.scan_iter(match="cache:*", count=2)))
emit("mget", r.mget("cache:user:1", "cache:user:2", "cache:user:404"))
emit("getex_persist", r.getex("cache:user:2", persist=True) is not None, r.ttl("cache:user:2"))
emit("set_keepttl", r.set("cache:user:1", "x", keepttl=True), 3590 <= r.ttl("cache:user:1") <= 3600)
emit("set_get", r.set("cache:user:1", "y", get=True))
emit("expire_nx", r.expire("cache:user:2", 100, nx=True), r.expire("cache:user:2", 50, nx=True))
emit("expire_gt", r.expire("cache:user:2", 200, gt=True), r.expire("cache:user:2", 10, gt=True), r.ttl("cache:user:2"))
emit("persist", r.persist("cache:user:2"), r.ttl("cache:user:2"))

# --- session keys ---------------------------------------------------------------------------
sid = "sess:0f8e1c"
r.hset(f"session:{sid}", mapping={"user_id": "42", "csrf": "t0k3n", "cart_items": "0"})
r.expire(f"session:{sid}", 1800)
emit("session", r.hgetall(f"session:{sid}"), r.ttl(f"session:{sid}"))
emit("session_cart", r.hincrby(f"session:{sid}", "cart_items", 3), r.hget(f"session:{sid}", "cart_items"))
emit("session_touch", r.expire(f"session:{sid}", 1800), r.ttl(f"session:{sid}"))
emit("session_fields", sorted(r.hkeys(f"session:{sid}")), r.hlen(f"session:{sid}"), r.hexists(f"session:{sid}", "csrf"))
emit("session_hmget", r.hmget(f"session:{sid}", ["user_id", "missing"]))
emit("session_hdel", r.hdel(f"session:{sid}", "csrf"), r.hexists(f"session:{sid}", "csrf"))
emit("session_hsetnx", r.hsetnx(f"session:{sid}", "user_id", "7"), r.hget(f"session:{sid}", "user_id"))
emit("session_float", r.hincrbyfloat(f"session:{sid}", "balance", 10.5), r.hincrbyfloat(f"session:{sid}", "balance", -0.25))
emit("logout", r.delete(f"session:{sid}"), r.exists(f"session:{sid}"))
# flask-session/express-session style: a JSON string with SETEX
r.setex("sess:abc", 86400, json.dumps({"user": 1}))
emit("string_session", json.loads(r.get("sess:abc")), r.ttl("sess:abc"), r.type("sess:abc"))

# --- counters ---------------------------------------------------------------------------------
emit("incr", [r.incr("page:views") for _ in range(5)])
emit("incrby", r.incrby("page:views", 10), r.decr("page:views"), r.decrby("page:views", 4))
emit("incrbyfloat", r.incrbyfloat("temperature", 21.5), r.incrbyfloat("temperature", -0.1))
emit("daily", r.incr("visits:2024-01-01"), r.expire("visits:2024-01-01", 86400 * 7), r.ttl("visits:2024-01-01"))
emit("hash_counters", r.hincrby("stats:api", "GET /users", 1), r.hincrby("stats:api", "GET /users", 1),
     r.hincrby("stats:api", "POST /users", 1), r.hgetall("stats:api"))
emit("getset", r.getset("page:views", 0), r.get("page:views"))
emit("msetnx", r.msetnx({"a": 1, "b": 2}), r.msetnx({"b": 3, "c": 4}), r.mget("a", "b", "c"))
emit("strlen_append", r.append("log", "line1;"), r.append("log", "line2;"), r.strlen("log"), r.getrange("log", 0, 4))
try:
    r.incr("log")
except redis.exceptions.ResponseError as e:  # noqa: F821 (imported via common)
    emit("incr_error", str(e))
try:
    r.hset("log", "f", "v")
except Exception as e:
    emit("wrongtype", type(e).__name__, str(e))
emit("dbsize", r.dbsize())
emit("types", {k: r.type(k) for k in sorted(r.keys())})
