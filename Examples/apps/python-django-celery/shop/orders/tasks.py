from celery import shared_task
import django_rq
from django.core.cache import cache
from django_redis import get_redis_connection


@shared_task
def recount(order_id):
    conn = get_redis_connection("default")
    conn.incr(f"orders:count:{order_id}")
    conn.expire(f"orders:count:{order_id}", 3600)


def enqueue_receipt(order_id):
    queue = django_rq.get_queue("default")
    queue.enqueue("shop.orders.jobs.send_receipt", order_id)
