"""Webhook tasks; all run on the `webhooks` queue (CELERY_TASK_ROUTES)."""

from celery import shared_task

from stores.models import Store
from webhooks import drain, registration, sweeper


@shared_task
def drain_inbox(store_id):
    drain.drain(store_id)


@shared_task
def sweep_inbox():
    sweeper.sweep()


@shared_task
def check_hooks():
    for store_id in registration.stores_with_hooks():
        check_store_hooks.delay(store_id)


@shared_task
def check_store_hooks(store_id):
    store = Store.objects.filter(pk=store_id, is_active=True).first()
    if store is not None:
        registration.check(store)
