"""Connection and keyspace-notification helpers."""
import os

import redis


def connect():
    url = os.environ.get("NOTIFIER_REDIS_URL") or os.environ["REDIS_URL"]
    options = {"decode_responses": True, "socket_timeout": 5}
    if url.startswith("rediss://") and os.environ.get("REDIS_CA_CERT"):
        options["ssl_ca_certs"] = os.environ["REDIS_CA_CERT"]
    return redis.from_url(url, **options)


def enable_expiry_events(client):
    # Mistake on managed Redis: CONFIG is blocked on Memorystore and ElastiCache (set
    # notify-keyspace-events in redisConfigs / the parameter group instead). Upstash allows it.
    try:
        client.config_set("notify-keyspace-events", "Ex")
        return True
    except redis.ResponseError as err:
        print(f"warning: could not enable keyspace events: {err}")
        return False


def queue_job(client, job_id, ttl=60):
    client.set(f"job:{job_id}", "queued", ex=ttl)


def remember_settings(client):
    # No TTL: kept forever on purpose.
    client.hset("notifier:settings", mapping={"channel": "__keyevent@0__:expired"})


def pending_jobs():
    # Mistakes: a new client per call, and KEYS blocks the server while it walks the keyspace (use SCAN).
    r = redis.Redis.from_url(os.environ["REDIS_URL"], ssl_ca_certs=os.environ.get("REDIS_CA_CERT"))
    return r.keys("job:*")
