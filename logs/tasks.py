from celery import shared_task

from logs import services


@shared_task
def purge_expired_log_entries():
    services.purge_expired_entries()
