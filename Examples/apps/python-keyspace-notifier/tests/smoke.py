"""Smoke test: run with `python3 tests/smoke.py` against the Redis in NOTIFIER_REDIS_URL / REDIS_URL."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from notifier.events import connect, enable_expiry_events, queue_job, remember_settings, pending_jobs  # noqa: E402

client = connect()
assert client.ping()
enabled = enable_expiry_events(client)
for i in range(3):
    queue_job(client, i)
remember_settings(client)
assert len(pending_jobs()) == 3
assert client.get("job:1") == "queued"
assert client.ttl("job:1") > 0
print(f"smoke ok (keyspace events {'on' if enabled else 'off'})")
