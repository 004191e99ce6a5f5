"""Coupon revenue's runs: a daily schedule once it is enabled, none while it is off, and never a
part of Import everything."""

import pytest
from django_celery_beat.models import PeriodicTask

from mappings.defaults import apply_default_template
from mappings.models import ObjectSetting
from sync import schedules
from sync.models import ImportSchedule, SyncRun
from sync.runs import start_everything

pytestmark = pytest.mark.django_db

SOURCE = "coupon_revenue"


@pytest.fixture
def setting(store_a) -> ObjectSetting:
    apply_default_template(store_a)
    return ObjectSetting.objects.get(store=store_a, source=SOURCE)


def enable(setting) -> None:
    setting.enabled = True
    setting.save()


def test_no_schedule_while_coupon_revenue_is_off(setting):
    setting.save()
    assert not ImportSchedule.objects.filter(source=SOURCE).exists()


def test_enabling_coupon_revenue_schedules_a_daily_full_import_once(setting):
    enable(setting)
    enable(setting)
    schedule = ImportSchedule.objects.get(source=SOURCE)
    assert (schedule.kind, schedule.direction, schedule.every_minutes, schedule.enabled) == (
        "full",
        "import",
        1440,
        True,
    )
    task = PeriodicTask.objects.get(pk=schedule.periodic_task_id)
    assert (task.interval.every, task.interval.period, task.enabled) == (1440, "minutes", True)


def test_a_schedule_the_admin_changed_or_disabled_is_kept(setting):
    enable(setting)
    schedule = ImportSchedule.objects.get(source=SOURCE)
    schedule.enabled, schedule.every_minutes = False, 720
    schedules.save_schedule(schedule)
    setting.save()
    assert list(
        ImportSchedule.objects.filter(source=SOURCE).values_list("enabled", "every_minutes")
    ) == [(False, 720)]


def test_a_scheduled_turn_of_an_object_turned_off_is_skipped(
    setting, django_capture_on_commit_callbacks
):
    enable(setting)
    schedule = ImportSchedule.objects.get(source=SOURCE)
    setting.enabled = False
    setting.save()
    with django_capture_on_commit_callbacks(execute=False):
        assert schedules.run_scheduled_import(schedule.pk) is None
    assert not SyncRun.objects.exists()

    enable(setting)
    with django_capture_on_commit_callbacks(execute=False):
        run = schedules.run_scheduled_import(schedule.pk)
    assert (run.source, run.kind, run.trigger) == (SOURCE, "full", "schedule")


def test_import_everything_leaves_coupon_revenue_out(setting, store_a):
    enable(setting)
    started = start_everything(store_a, "full", trigger="manual")
    assert SOURCE not in [run.source for run in started]
