from django.db import migrations

TASK_NAME = "Take over stale runs"


def schedule_takeover(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=60, period="seconds")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "sync.tasks.take_over_stale_runs",
            "interval": every_minute,
            "description": "Queues again the runs whose worker stopped, or ends them.",
        },
    )


def unschedule_takeover(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sync", "0007_run_owner_heartbeat_checkpoint"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule_takeover, unschedule_takeover)]
