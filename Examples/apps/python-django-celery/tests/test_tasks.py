import fakeredis
from shop.orders import tasks


def test_recount(monkeypatch):
    r = fakeredis.FakeRedis()
    r.set("orders:count:1", 0)
