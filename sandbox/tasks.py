from celery import shared_task

from sandbox.bigcommerce import activity
from sandbox.bigcommerce.models import SandboxStore


@shared_task(acks_late=False, soft_time_limit=3700, time_limit=3720)
def simulate_activity(store_hash, events_per_minute, duration_seconds):
    # Not late-acked: a simulation interrupted by a worker restart is not worth replaying.
    store = SandboxStore.objects.get(store_hash=store_hash)
    activity.simulate_activity(
        store, events_per_minute=events_per_minute, duration_seconds=duration_seconds
    )
