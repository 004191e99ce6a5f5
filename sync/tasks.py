from celery import shared_task

from sync import liveness, runs, services


@shared_task
def send_heartbeats():
    services.request_heartbeats(source="beat")


@shared_task
def record_heartbeat(queue, sent_at, source):
    services.record_heartbeat(queue, sent_at, source)


@shared_task
def run_import(run_id):
    runs.execute_run(run_id)


@shared_task
def take_over_stale_runs():
    liveness.take_over_stale()


@shared_task
def run_scheduled_import(schedule_id):
    from sync import schedules

    schedules.run_scheduled_import(schedule_id)
