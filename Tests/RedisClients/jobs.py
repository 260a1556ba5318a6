"""Job functions executed by the RQ worker in rq_queue.py (importable by the worker)."""


def add(a, b):
    return a + b


def shout(text):
    return text.upper()


def fail(message):
    raise ValueError(message)
