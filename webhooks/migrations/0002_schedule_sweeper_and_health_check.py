from django.db import migrations

SCHEDULES = (
    (
        "Webhook inbox sweeper",
        "webhooks.tasks.sweep_inbox",
        60,
        "Returns webhook events held by a dead worker to the inbox and re-enqueues waiting drains.",
    ),
    (
        "Webhook health check",
        "webhooks.tasks.check_hooks",
        600,
        "Re-activates deactivated BigCommerce hooks and backfills the gap with an incremental import.",
    ),
)


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, seconds, description in SCHEDULES:
        interval, _ = IntervalSchedule.objects.get_or_create(every=seconds, period="seconds")
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "interval": interval, "description": description}
        )


def unschedule(apps, schema_editor):
    names = [name for name, *_ in SCHEDULES]
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
