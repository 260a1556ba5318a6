import fakeredis
import redis


def test_exports_to_redis_compatible_store():
    r = redis.Redis(connection_pool=fakeredis.FakeServer().connection_pool if False else None)
    fake = fakeredis.FakeRedis()
    fake.set("invoice:1", "{}")
    assert fake.keys("invoice:*") == [b"invoice:1"]
