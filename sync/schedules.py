"""Scheduled imports and exports: each ImportSchedule has a django-celery-beat PeriodicTask
kept in step.

The schedule row is what people edit; the PeriodicTask is what beat reads. Both change in one
transaction here, through model saves and deletes so that beat's change tracking notices.
Some objects get a schedule of their own when their setting is saved (`ensure_schedules`): an
object that exports, an incremental export every few minutes; coupon revenue, a daily import.
"""

import json
import logging

from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from mappings.export_targets import target_of
from mappings.models import SourceObject
from sync.models import ImportSchedule, RunDirection, SyncRun
from sync.runs import RunRefused, start_run

logger = logging.getLogger(__name__)

TASK = "sync.tasks.run_scheduled_import"


def task_name(schedule_id: int) -> str:
    return f"Scheduled import {schedule_id}"


@transaction.atomic
def save_schedule(schedule: ImportSchedule) -> ImportSchedule:
    """Save a new or changed schedule and its PeriodicTask."""
    schedule.save()
    task = schedule.periodic_task or PeriodicTask(name=task_name(schedule.pk), task=TASK)
    task.interval, _ = IntervalSchedule.objects.get_or_create(
        every=schedule.every_minutes, period=IntervalSchedule.MINUTES
    )
    task.kwargs = json.dumps({"schedule_id": schedule.pk})
    task.enabled = schedule.enabled
    task.description = str(schedule)
    task.save()
    if schedule.periodic_task_id != task.pk:
        schedule.periodic_task = task
        schedule.save(update_fields=["periodic_task"])
    return schedule


@transaction.atomic
def delete_schedule(schedule: ImportSchedule) -> None:
    if schedule.periodic_task is not None:
        schedule.periodic_task.delete()
    schedule.delete()


def run_scheduled_import(schedule_id: int) -> SyncRun | None:
    """Start the schedule's run; skip this turn if the store is paused or an import is active."""
    schedule = ImportSchedule.objects.select_related("store").filter(pk=schedule_id).first()
    if schedule is None:
        _forget_orphan_task(schedule_id)
        return None
    if not schedule.enabled or not schedule.store.is_active or _object_off(schedule):
        logger.info(
            "Scheduled import %s skipped: disabled, store paused or object off.", schedule_id
        )
        return None
    with transaction.atomic():
        try:
            run = start_run(
                schedule.store,
                schedule.source,
                schedule.kind,
                trigger="schedule",
                direction=schedule.direction,
            )
        except RunRefused as refused:
            logger.info("Scheduled import %s skipped: %s", schedule_id, refused)
            return None
        ImportSchedule.objects.filter(pk=schedule.pk).update(last_run=run)
    return run


def _object_off(schedule: ImportSchedule) -> bool:
    """The object's setting is turned off (a store without one has the template's, on)."""
    return schedule.store.object_settings.filter(source=schedule.source, enabled=False).exists()


EXPORT_POLL_MINUTES = 5
DAY_MINUTES = 24 * 60


def ensure_schedules(setting) -> None:
    """The schedules a saved object setting calls for, on `post_save` (sync/apps.py)."""
    ensure_export_schedule(setting)
    ensure_revenue_schedule(setting)


def ensure_export_schedule(setting) -> None:
    """An object that exports gets an incremental export every few minutes, unless the
    store has one (or had one, disabled on purpose)."""
    if not (setting.enabled and setting.exports) or target_of(setting.source) is None:
        return
    _ensure_schedule(
        setting, RunDirection.EXPORT, ImportSchedule.Kind.INCREMENTAL, EXPORT_POLL_MINUTES
    )


def ensure_revenue_schedule(setting) -> None:
    """Coupon revenue, once enabled, gets a full import every day (yesterday's sums), unless
    the store has an import of it (or had one, disabled on purpose)."""
    if not setting.enabled or setting.source != SourceObject.COUPON_REVENUE:
        return
    _ensure_schedule(setting, RunDirection.IMPORT, ImportSchedule.Kind.FULL, DAY_MINUTES)


def _ensure_schedule(setting, direction: str, kind: str, every_minutes: int) -> None:
    if ImportSchedule.objects.filter(
        store=setting.store, source=setting.source, direction=direction
    ).exists():
        return
    save_schedule(
        ImportSchedule(
            store=setting.store,
            source=setting.source,
            direction=direction,
            kind=kind,
            every_minutes=every_minutes,
        )
    )


def _forget_orphan_task(schedule_id: int) -> None:
    """A schedule deleted with its store leaves its PeriodicTask behind; remove it."""
    for task in PeriodicTask.objects.filter(name=task_name(schedule_id)):
        task.delete()
    logger.info("Scheduled import %s no longer exists; its beat task was removed.", schedule_id)
