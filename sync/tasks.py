from celery import shared_task

from sync import heartbeats, liveness, plans, runs, schedules
from sync.pipeline.runner import Deferred


@shared_task
def send_heartbeats():
    heartbeats.request_heartbeats(source="beat")


@shared_task
def record_heartbeat(queue, sent_at, source):
    heartbeats.record_heartbeat(queue, sent_at, source)


@shared_task(bind=True, max_retries=None)
def run_import(self, run_id):
    """A run deferred by a rate limit comes back through Celery's retry, not by sleeping;
    RUN_MAX_DEFERRALS bounds how often."""
    try:
        runs.execute_run(run_id)
    except Deferred as deferred:
        raise self.retry(countdown=deferred.countdown) from None


@shared_task
def run_plan(plan_id):
    """A plan (a dry run) reads as much as its run would: it goes to the sync queue."""
    plans.build(plan_id)


@shared_task
def take_over_stale_runs():
    liveness.take_over_stale()


@shared_task
def run_scheduled_import(schedule_id):
    schedules.run_scheduled_import(schedule_id)
