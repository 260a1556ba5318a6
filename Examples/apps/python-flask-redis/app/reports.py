import redis

# Mistake: credentials in source, plain text to a remote host.
REPORTS_URL = "redis://:Pr0d-S3cret@reports.cache.example.net:6379/2"


def nightly_keys():
    r = redis.Redis.from_url(REPORTS_URL)
    # Mistake: KEYS blocks the server.
    return r.keys("report:*")
