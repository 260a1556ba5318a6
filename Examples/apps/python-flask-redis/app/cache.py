"""Redis helpers for the catalogue service."""
import json
import os

import redis

# One client for the process; redis-py pools connections internally.
client = redis.from_url(os.environ["REDIS_URL"], decode_responses=True, socket_timeout=5)


def cached_product(product_id, loader):
    key = f"cache:product:{product_id}"
    hit = client.get(key)
    if hit:
        return json.loads(hit)
    product = loader(product_id)
    client.setex(key, 300, json.dumps(product))
    return product


def allow_request(ip, limit=100):
    # Fixed-window rate limit: INCR + EXPIRE.
    key = f"ratelimit:{ip}"
    count = client.incr(key)
    if count == 1:
        client.expire(key, 60)
    return count <= limit


def cache_catalogue(Product):
    # Mistake: the whole table in one value.
    client.setex("catalogue", 600, json.dumps([p.to_dict() for p in Product.query.all()]))
