from celery import shared_task

from logs import retention


@shared_task
def purge_expired_log_entries():
    retention.purge_expired_entries()
