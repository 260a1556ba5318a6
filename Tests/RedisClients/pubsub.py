"""Pub/sub between two connections: SUBSCRIBE/PSUBSCRIBE on one, PUBLISH on the other."""
import time

from common import connect, emit, port_from_argv

port = port_from_argv()
pub = connect(port)
sub = connect(port)
p = sub.pubsub()
p.subscribe("chat:lobby")
p.psubscribe("chat:room:*")


def next_message(timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = p.get_message(timeout=0.5)
        if m is not None:
            return m
    raise SystemExit("no message within %.1fs" % timeout)


emit("confirm", next_message(), next_message())
emit("numsub", pub.pubsub_numsub("chat:lobby", "chat:none"), pub.pubsub_numpat())
emit("channels", sorted(pub.pubsub_channels("chat:*")))
emit("publish", pub.publish("chat:lobby", "hello"), pub.publish("chat:room:42", "hi room"),
     pub.publish("chat:nobody", "lost"))
emit("received", next_message(), next_message())
for i in range(50):
    pub.publish("chat:lobby", f"msg {i}")
got = [next_message()["data"] for _ in range(50)]
assert got == [f"msg {i}" for i in range(50)], got
emit("burst_in_order", len(got))
p.unsubscribe("chat:lobby")
emit("unsubscribe", next_message())
emit("publish_after_unsubscribe", pub.publish("chat:lobby", "nobody hears"))
p.punsubscribe()
emit("punsubscribe", next_message())
p.close()
