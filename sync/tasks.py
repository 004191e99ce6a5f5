from celery import shared_task

from sync import heartbeats, liveness, runs, schedules


@shared_task
def send_heartbeats():
    heartbeats.request_heartbeats(source="beat")


@shared_task
def record_heartbeat(queue, sent_at, source):
    heartbeats.record_heartbeat(queue, sent_at, source)


@shared_task
def run_import(run_id):
    runs.execute_run(run_id)


@shared_task
def take_over_stale_runs():
    liveness.take_over_stale()


@shared_task
def run_scheduled_import(schedule_id):
    schedules.run_scheduled_import(schedule_id)
