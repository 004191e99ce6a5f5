"""Import everything: one run per enabled object of a store, in dependency order, sharing reads."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from mappings.defaults import apply_default_template
from mappings.models import ObjectSetting
from sync.models import SyncRun
from sync.pipeline import runner
from sync.runs import RunRefused, execute_run, start_everything
from tests.sync.conftest import import_now

ORDER = ["customer", "category", "product", "order", "refund"]


def run_chain(first_id, queued):
    """Execute the runs as the worker would: each run queues the next when it ends."""
    executed = []
    next_id = first_id
    while next_id is not None:
        execute_run(next_id)
        executed.append(SyncRun.objects.get(pk=next_id))
        next_id = queued.pop() if queued else None
    return executed


@pytest.mark.django_db(transaction=True)
def test_import_everything_imports_every_object_with_fewer_bigcommerce_calls(
    demo, owner, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr("sync.tasks.run_import.delay", queued.append)
    monkeypatch.setattr("sync.runs.execute", without_sleeps)
    with django_capture_on_commit_callbacks(execute=True):
        started = start_everything(demo.store, "full", trigger="manual", user=owner)
    # Guests come with their orders: the orders run imports them, so they are not read twice.
    assert [run.source for run in started] == ORDER
    assert queued == [started[0].pk]
    runs = run_chain(queued.pop(), queued)
    assert [run.source for run in runs] == ORDER
    assert {run.source: run.status for run in runs} == dict.fromkeys(ORDER, "succeeded")
    assert sum(run.failed for run in runs) == 0
    by_source = {run.source: run for run in runs}
    assert by_source["order"].created == 60 and by_source["customer"].created == 25
    together = sum(run.bigcommerce_calls for run in runs)

    # The same store imported again one object at a time: the same reads, each run its own.
    cache.clear()  # the customer group names, read once by each pass
    one_by_one = [import_now(demo.store, source) for source in ["guest", *ORDER]]
    assert all(run.status == "succeeded" for run in one_by_one)
    alone = sum(run.bigcommerce_calls for run in one_by_one)
    assert together < alone
    assert together == alone - 2  # the guests' read of their orders; the refunds' orders


def without_sleeps(run):
    return runner.execute(run, sleep=lambda seconds: None)


@pytest.mark.django_db
def test_import_everything_skips_disabled_objects_and_keeps_guests_without_orders(store_a):
    apply_default_template(store_a)
    ObjectSetting.objects.filter(store=store_a, source__in=["order", "category"]).update(
        enabled=False
    )
    started = start_everything(store_a, "incremental", trigger="manual")
    assert [run.source for run in started] == ["customer", "guest", "product", "refund"]
    assert all(run.kind == "incremental" and run.status == "queued" for run in started)
    assert [run.next_run_id for run in started] == [*(run.pk for run in started[1:]), None]


@pytest.mark.django_db
def test_import_everything_is_refused_while_an_import_of_one_object_is_active(store_a):
    SyncRun.objects.create(store=store_a, source="product", kind="full", status="running")
    with pytest.raises(RunRefused, match="Products"):
        start_everything(store_a, "full", trigger="manual")
    assert SyncRun.objects.count() == 1


@pytest.mark.django_db
def test_the_console_button_starts_it_and_refuses_it_while_an_import_is_active(
    client_for, oscar, victor, store_a, django_capture_on_commit_callbacks
):
    url = f"/stores/{store_a.pk}/runs/start-everything/"
    page = client_for(oscar).get(f"/stores/{store_a.pk}/runs/").content.decode()
    assert url in page and "Import everything" in page
    assert url not in client_for(victor).get(f"/stores/{store_a.pk}/runs/").content.decode()
    assert client_for(victor).post(url, {"kind": "full"}).status_code == 403

    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(oscar).post(url, {"kind": "full"}, follow=True)
    runs = list(SyncRun.objects.order_by("pk"))
    assert [run.source for run in runs] == ORDER
    assert response.redirect_chain[-1][0] == f"/stores/{store_a.pk}/runs/{runs[0].pk}/"
    assert "one run per object" in response.content.decode()

    again = client_for(oscar).post(url, {"kind": "incremental"}, follow=True)
    assert "already queued or running" in again.content.decode()
    assert SyncRun.objects.count() == len(ORDER)


@pytest.mark.django_db
def test_the_api_starts_it_and_answers_409_while_an_import_is_active(
    client, oscar, store_a, django_capture_on_commit_callbacks
):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.create(user=oscar).key}"
    url = f"/api/v1/stores/{store_a.pk}/runs/import-everything/"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"kind": "full"}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()["runs"]
    assert [run["source"] for run in body] == ORDER
    assert {(run["kind"], run["trigger"], run["status"]) for run in body} == {
        ("full", "api", "queued")
    }
    assert len(callbacks) == 1  # the first run; each queues the next when it ends

    refused = client.post(url, {"kind": "full"}, content_type="application/json")
    assert refused.status_code == 409
    assert "already queued or running" in refused.json()["detail"]
    assert client.post(url, {"kind": "weekly"}, content_type="application/json").status_code == 400
