import json
import logging

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from sync import schedules
from sync.models import ImportSchedule, SyncRun
from sync.tasks import run_scheduled_import

pytestmark = pytest.mark.django_db


def schedule_for(store, **fields):
    fields = {"source": "order", "kind": "incremental", "every_minutes": 15, **fields}
    return schedules.save_schedule(ImportSchedule(store=store, **fields))


def test_saving_a_schedule_creates_its_beat_task(store_a):
    schedule = schedule_for(store_a)
    task = PeriodicTask.objects.get(pk=schedule.periodic_task_id)
    assert task.task == "sync.tasks.run_scheduled_import"
    assert json.loads(task.kwargs) == {"schedule_id": schedule.pk}
    assert (task.interval.every, task.interval.period) == (15, IntervalSchedule.MINUTES)
    assert task.enabled


def test_changing_the_interval_and_disabling_update_the_same_task(store_a):
    schedule = schedule_for(store_a)
    schedule.every_minutes = 1440
    schedule.enabled = False
    schedules.save_schedule(schedule)
    task = PeriodicTask.objects.get(task="sync.tasks.run_scheduled_import")
    assert task.pk == schedule.periodic_task_id
    assert task.interval.every == 1440
    assert not task.enabled


def test_deleting_a_schedule_deletes_its_task(store_a):
    schedule = schedule_for(store_a)
    schedules.delete_schedule(schedule)
    assert not ImportSchedule.objects.exists()
    assert not PeriodicTask.objects.filter(task="sync.tasks.run_scheduled_import").exists()


def test_the_task_starts_a_scheduled_run_and_remembers_it(
    store_a, django_capture_on_commit_callbacks
):
    schedule = schedule_for(store_a, kind="full")
    with django_capture_on_commit_callbacks(execute=False):
        run_scheduled_import(schedule.pk)
    run = SyncRun.objects.get()
    assert (run.source, run.kind, run.trigger, run.requested_by) == (
        "order",
        "full",
        "schedule",
        None,
    )
    schedule.refresh_from_db()
    assert schedule.last_run == run


def test_the_task_skips_its_turn_while_an_import_is_active(store_a, caplog):
    schedule = schedule_for(store_a)
    active = SyncRun.objects.create(
        store=store_a, source="order", kind=SyncRun.Kind.FULL, status=SyncRun.Status.RUNNING
    )
    with caplog.at_level(logging.INFO, logger="sync.schedules"):
        run_scheduled_import(schedule.pk)
    assert list(SyncRun.objects.all()) == [active]
    assert "skipped" in caplog.text
    schedule.refresh_from_db()
    assert schedule.last_run is None


def test_a_paused_store_or_a_disabled_schedule_starts_nothing(store_a):
    disabled = schedule_for(store_a, enabled=False)
    run_scheduled_import(disabled.pk)
    store_a.is_active = False
    store_a.save()
    run_scheduled_import(schedule_for(store_a, source="customer").pk)
    assert not SyncRun.objects.exists()


def test_the_task_of_a_schedule_deleted_with_its_store_removes_itself(store_b):
    schedule = schedule_for(store_b)
    store_b.delete()
    run_scheduled_import(schedule.pk)
    assert not PeriodicTask.objects.filter(task="sync.tasks.run_scheduled_import").exists()


def test_an_admin_adds_edits_and_deletes_a_schedule_in_the_console(client_for, alice, store_a):
    client = client_for(alice)
    data = {"source": "customer", "kind": "incremental", "every_minutes": 30, "enabled": "on"}
    response = client.post(f"/stores/{store_a.pk}/schedules/new/", data)
    assert response.status_code == 302
    schedule = ImportSchedule.objects.get()
    assert schedule.periodic_task.interval.every == 30

    data.pop("enabled")
    client.post(f"/stores/{store_a.pk}/schedules/{schedule.pk}/", data)
    schedule.refresh_from_db()
    assert not schedule.enabled and not schedule.periodic_task.enabled

    page = client.get(f"/stores/{store_a.pk}/schedules/").content.decode()
    assert "Customers" in page and "30 min" in page and "disabled" in page

    client.post(f"/stores/{store_a.pk}/schedules/{schedule.pk}/delete/")
    assert not ImportSchedule.objects.exists()
    assert not PeriodicTask.objects.filter(task="sync.tasks.run_scheduled_import").exists()


def test_a_second_schedule_of_the_same_object_and_kind_is_refused(client_for, alice, store_a):
    schedule_for(store_a, source="customer")
    data = {"source": "customer", "kind": "incremental", "every_minutes": 60}
    response = client_for(alice).post(f"/stores/{store_a.pk}/schedules/new/", data)
    assert response.status_code == 200
    assert "already has this import (or export) of this object" in response.content.decode()
    assert ImportSchedule.objects.count() == 1


def test_an_interval_under_five_minutes_is_refused(client_for, alice, store_a):
    data = {"source": "customer", "kind": "incremental", "every_minutes": 1}
    response = client_for(alice).post(f"/stores/{store_a.pk}/schedules/new/", data)
    assert response.status_code == 200
    assert not ImportSchedule.objects.exists()


def test_only_admins_change_schedules(client_for, oscar, victor, bob, store_a, store_b):
    schedule = schedule_for(store_a)
    data = {"source": "customer", "kind": "full", "every_minutes": 60}
    for user in (oscar, victor):
        client = client_for(user)
        assert client.get(f"/stores/{store_a.pk}/schedules/").status_code == 200
        assert client.post(f"/stores/{store_a.pk}/schedules/new/", data).status_code == 403
        assert (
            client.post(f"/stores/{store_a.pk}/schedules/{schedule.pk}/", data).status_code == 403
        )
        delete = f"/stores/{store_a.pk}/schedules/{schedule.pk}/delete/"
        assert client.post(delete).status_code == 403
    assert client_for(bob).get(f"/stores/{store_a.pk}/schedules/").status_code == 404
    assert ImportSchedule.objects.get() == schedule
