"""RQ (PyPI `rq`) processing jobs end to end: enqueue, a burst worker runs them, results read back."""
import logging

from rq import Queue, SimpleWorker
from rq.job import Job, JobStatus

from common import emit, port_from_argv
import redis

port = port_from_argv()
r = redis.Redis(host="127.0.0.1", port=port, socket_timeout=10)
r.flushdb()
q = Queue("default", connection=r)
jobs = [q.enqueue("jobs.add", i, i * 10) for i in range(5)]
jobs.append(q.enqueue("jobs.shout", "hello rq"))
bad = q.enqueue("jobs.fail", "boom")
low = Queue("low", connection=r)
later = low.enqueue("jobs.add", 100, 1)
emit("queued", len(q), len(low), [j.get_status() for j in jobs[:2]])
worker = SimpleWorker([q, low], connection=r)
logging.disable(logging.CRITICAL)  # worker log lines carry pids and times
worked = worker.work(burst=True, logging_level="CRITICAL")
emit("worker_ran", worked)
for j in jobs + [later]:
    j.refresh()
    emit("job", j.func_name, j.get_status(), j.return_value())
bad.refresh()
emit("failed_job", bad.get_status(), "ValueError: boom" in (bad.exc_info or ""))
emit("queues_empty", len(q), len(low))
emit("registries", q.finished_job_registry.count, q.failed_job_registry.count)
fetched = Job.fetch(jobs[0].id, connection=r)
emit("fetch", fetched.get_status() == JobStatus.FINISHED, fetched.return_value())
assert [j.return_value() for j in jobs[:5]] == [i + i * 10 for i in range(5)]
assert bad.get_status() == JobStatus.FAILED
