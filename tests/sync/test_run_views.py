from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

import pytest
from django.utils import timezone

from mappings.defaults import apply_default_template
from mappings.models import ObjectSetting
from sync.identity import save_links
from sync.models import Outcome, SyncLogEntry, SyncRun
from sync.tasks import run_import
from tests.conftest import make_org

pytestmark = pytest.mark.django_db


def make_run(store, **fields):
    fields = {"source": "customer", "kind": SyncRun.Kind.FULL, **fields}
    return SyncRun.objects.create(store=store, **fields)


def log(store, run, source_id, outcome, **fields):
    fields = {"source": run.source, **fields}
    return SyncLogEntry.objects.create(
        store=store, run=run, source_id=source_id, outcome=outcome, **fields
    )


@pytest.fixture
def enqueued(django_capture_on_commit_callbacks):
    """Collects the ids of the runs whose task is enqueued, which happens only on commit."""

    @contextmanager
    def capture():
        run_ids = []
        with (
            patch.object(run_import, "delay") as delay,
            django_capture_on_commit_callbacks(execute=False) as callbacks,
        ):
            yield run_ids
        assert not delay.called, "enqueued before the transaction committed"
        for callback in callbacks:
            callback()
        run_ids.extend(call.args[0] for call in delay.call_args_list)

    return capture


def test_an_operator_starts_an_import_and_its_task_is_enqueued_on_commit(
    client_for, oscar, store_a, enqueued
):
    client = client_for(oscar)
    with enqueued() as run_ids:
        response = client.post(
            f"/stores/{store_a.pk}/runs/start/", {"source": "customer", "kind": "full"}
        )
    run = SyncRun.objects.get()
    assert response.status_code == 302
    assert response.url == f"/stores/{store_a.pk}/runs/{run.pk}/"
    assert (run.store, run.source, run.kind, run.status) == (store_a, "customer", "full", "queued")
    assert (run.trigger, run.requested_by) == ("manual", oscar)
    assert run_ids == [run.pk]


def test_a_second_full_import_while_one_is_active_is_refused_with_a_message(
    client_for, oscar, store_a
):
    make_run(store_a, status=SyncRun.Status.RUNNING)
    response = client_for(oscar).post(
        f"/stores/{store_a.pk}/runs/start/", {"source": "customer", "kind": "full"}, follow=True
    )
    assert "already queued or running" in response.content.decode()
    assert SyncRun.objects.count() == 1


def test_an_unknown_object_is_not_started(client_for, oscar, store_a):
    response = client_for(oscar).post(
        f"/stores/{store_a.pk}/runs/start/", {"source": "invoice", "kind": "full"}, follow=True
    )
    assert "Not started" in response.content.decode()
    assert not SyncRun.objects.exists()


def test_the_runs_page_lists_the_stores_runs_with_counts_and_who_started_them(
    client_for, victor, oscar, store_a, store_b
):
    make_run(store_a, requested_by=oscar, created=12, failed=3, seen=15, expected=40)
    make_run(store_b, source="order")
    page = client_for(victor).get(f"/stores/{store_a.pk}/runs/").content.decode()
    assert "12 · 0 · 0 · 0 · " in page
    assert "15 / 40" in page
    assert "oscar" in page
    assert "order" not in page.split('id="run-table"')[1]


def test_a_viewer_reads_runs_but_sees_no_import_form(client_for, victor, store_a):
    page = client_for(victor).get(f"/stores/{store_a.pk}/runs/").content.decode()
    assert 'id="import-objects"' not in page


def test_cancelling_a_queued_run_cancels_it(client_for, oscar, store_a):
    run = make_run(store_a)
    response = client_for(oscar).post(f"/stores/{store_a.pk}/runs/{run.pk}/cancel/", follow=True)
    run.refresh_from_db()
    assert run.status == SyncRun.Status.CANCELLED
    assert "Run cancelled." in response.content.decode()


def test_cancelling_a_running_run_asks_it_to_stop(client_for, oscar, store_a):
    run = make_run(store_a, status=SyncRun.Status.RUNNING)
    client_for(oscar).post(f"/stores/{store_a.pk}/runs/{run.pk}/cancel/")
    run.refresh_from_db()
    assert (run.status, run.cancel_requested) == (SyncRun.Status.RUNNING, True)


def test_resync_failed_starts_a_run_of_exactly_the_failed_records(
    client_for, oscar, store_a, enqueued
):
    run = make_run(store_a, status=SyncRun.Status.SUCCEEDED, failed=2)
    log(store_a, run, "1", Outcome.FAILED)
    log(store_a, run, "2", Outcome.CREATED)
    log(store_a, run, "3", Outcome.FAILED)
    log(store_a, run, "3", Outcome.UPDATED)  # failed, then passed on a later attempt
    log(store_a, run, "4", Outcome.FAILED)
    with enqueued() as run_ids:
        response = client_for(oscar).post(f"/stores/{store_a.pk}/runs/{run.pk}/resync-failed/")
    resync = SyncRun.objects.exclude(pk=run.pk).get()
    assert response.url == f"/stores/{store_a.pk}/runs/{resync.pk}/"
    assert resync.kind == SyncRun.Kind.RESYNC
    assert resync.source_ids == ["1", "4"]
    assert run_ids == [resync.pk]


def test_resync_failed_of_an_orders_run_repairs_its_customers_and_guests_first(
    client_for, oscar, store_a, enqueued
):
    run = make_run(store_a, source="order", status=SyncRun.Status.PARTIAL, failed=2)
    log(store_a, run, "11", Outcome.FAILED)  # an order
    log(store_a, run, "11", Outcome.FAILED, source="customer")  # its customer
    log(store_a, run, "email:guest@example.com", Outcome.FAILED, source="guest")
    log(store_a, run, "12", Outcome.FAILED)
    with enqueued() as run_ids:
        response = client_for(oscar).post(f"/stores/{store_a.pk}/runs/{run.pk}/resync-failed/")
    resyncs = list(SyncRun.objects.exclude(pk=run.pk).order_by("pk"))
    assert [(r.source, r.kind, r.source_ids) for r in resyncs] == [
        ("customer", "resync", ["11"]),
        ("guest", "resync", ["email:guest@example.com"]),
        ("order", "resync", ["11", "12"]),
    ]
    assert run_ids == [resyncs[0].pk]  # each queues the next when it ends
    assert [r.next_run_id for r in resyncs] == [resyncs[1].pk, resyncs[2].pk, None]
    assert response.url == f"/stores/{store_a.pk}/runs/{resyncs[0].pk}/"


def test_a_run_that_completed_with_failures_says_so_in_amber(client_for, victor, store_a):
    run = make_run(store_a, status=SyncRun.Status.PARTIAL, failed=3, created=22)
    page = client_for(victor).get(f"/stores/{store_a.pk}/runs/{run.pk}/").content.decode()
    assert '<span class="badge warn">Completed with 3 failures</span>' in page
    listing = client_for(victor).get(f"/stores/{store_a.pk}/runs/").content.decode()
    assert "Completed with 3 failures" in listing


def test_a_run_whose_every_record_failed_says_so_in_red(client_for, victor, store_a):
    run = make_run(store_a, status=SyncRun.Status.PARTIAL, failed=25, seen=25)
    page = client_for(victor).get(f"/stores/{store_a.pk}/runs/{run.pk}/").content.decode()
    assert '<span class="badge bad">All 25 failed</span>' in page
    listing = client_for(victor).get(f"/stores/{store_a.pk}/runs/").content.decode()
    assert '<span class="badge bad">All 25 failed</span>' in listing
    assert "badge ok" not in listing


def test_the_runs_list_filters_by_object_direction_kind_outcome_and_trigger(
    client_for, victor, store_a
):
    wanted = make_run(
        store_a, source="order", direction="export", kind="incremental",
        status=SyncRun.Status.FAILED, trigger="schedule",
    )  # fmt: skip
    make_run(store_a, source="order", direction="export", kind="incremental", trigger="schedule")
    make_run(store_a, source="customer", status=SyncRun.Status.FAILED, trigger="schedule")
    make_run(store_a, source="order", status=SyncRun.Status.FAILED, trigger="manual")
    client = client_for(victor)
    query = "source=order&direction=export&kind=incremental&status=failed&trigger=schedule"
    rows = client.get(f"/stores/{store_a.pk}/runs/?{query}").context["table"].data
    assert [row.pk for row in rows] == [wanted.pk]
    assert (
        len(client.get(f"/stores/{store_a.pk}/runs/?trigger=schedule").context["table"].data) == 3
    )


def test_a_webhook_batch_is_one_row_that_opens_onto_its_runs(client_for, victor, store_a):
    batch = "a" * 32
    customers = make_run(
        store_a, kind="records", trigger="webhook", batch=batch, created=2, failed=1,
        status=SyncRun.Status.PARTIAL,
    )  # fmt: skip
    orders = make_run(
        store_a, source="order", kind="records", trigger="webhook", batch=batch, updated=5,
        status=SyncRun.Status.SUCCEEDED,
    )  # fmt: skip
    alone = make_run(store_a, status=SyncRun.Status.SUCCEEDED)
    client = client_for(victor)
    response = client.get(f"/stores/{store_a.pk}/runs/")
    rows = response.context["table"].data
    assert len(rows) == 2
    folded = next(row for row in rows if row.pk != alone.pk)
    assert (folded.runs, folded.created, folded.updated, folded.failed) == (2, 2, 5, 1)
    assert folded.status == SyncRun.Status.PARTIAL
    page = response.content.decode()
    assert f'href="?batch={batch}"' in page
    assert "Webhook batch of 2 runs" in page
    assert "Customers, Orders" in page
    one_by_one = client.get(f"/stores/{store_a.pk}/runs/?batch={batch}").context["table"].data
    assert {row.pk for row in one_by_one} == {customers.pk, orders.pk}


def test_the_runs_table_refreshes_itself_only_while_a_run_is_active(client_for, victor, store_a):
    run = make_run(store_a, status=SyncRun.Status.RUNNING)
    client = client_for(victor)
    page = client.get(f"/stores/{store_a.pk}/runs/").content.decode()
    assert 'hx-trigger="every 3s"' in page
    partial = client.get(f"/stores/{store_a.pk}/runs/", headers={"HX-Request": "true"})
    assert b'id="run-table-box"' in partial.content
    assert b"<h1>" not in partial.content  # the table alone, not the page
    run.status = SyncRun.Status.SUCCEEDED
    run.save()
    assert 'hx-trigger="every 3s"' not in client.get(f"/stores/{store_a.pk}/runs/").content.decode()


def test_the_run_page_shows_counters_error_and_its_log_rows(client_for, victor, store_a):
    run = make_run(store_a, status=SyncRun.Status.FAILED, failed=1, error="Org API limit reached")
    log(store_a, run, "77", Outcome.FAILED, error_code="REQUIRED_FIELD_MISSING")
    other = make_run(store_a, source="order", status=SyncRun.Status.SUCCEEDED)
    log(store_a, other, "88", Outcome.CREATED)
    page = client_for(victor).get(f"/stores/{store_a.pk}/runs/{run.pk}/").content.decode()
    assert "Org API limit reached" in page
    assert "REQUIRED_FIELD_MISSING" in page
    assert "<code>77</code>" in page
    assert "<code>88</code>" not in page
    assert "Re-sync failed records" not in page  # a viewer has no buttons


def test_an_active_run_page_refreshes_from_its_progress_endpoint(client_for, victor, store_a):
    run = make_run(store_a, status=SyncRun.Status.RUNNING, seen=250, expected=1000)
    client = client_for(victor)
    page = client.get(f"/stores/{store_a.pk}/runs/{run.pk}/").content.decode()
    assert f"/stores/{store_a.pk}/runs/{run.pk}/progress/" in page
    progress = client.get(f"/stores/{store_a.pk}/runs/{run.pk}/progress/").json()
    assert progress["status"] == "running"
    assert progress["active"] is True
    assert (progress["seen"], progress["expected"]) == (250, 1000)


def test_an_active_run_shows_a_progress_bar_rate_and_time_left_that_refresh(
    client_for, victor, store_a
):
    started = timezone.now() - timedelta(seconds=100)
    run = make_run(
        store_a, status=SyncRun.Status.RUNNING, seen=250, expected=1000, started_at=started
    )
    client = client_for(victor)
    page = client.get(f"/stores/{store_a.pk}/runs/{run.pk}/").content.decode()
    assert '<progress max="100" value="25"' in page
    assert "250 of 1000 records" in page
    assert "2.5 records/s" in page
    assert "about 5 min 0 s left" in page or "about 4 min 59 s left" in page
    url = f"/stores/{store_a.pk}/runs/{run.pk}/progress/?shown=running"
    SyncRun.objects.filter(pk=run.pk).update(seen=500)
    panel = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert '<progress max="100" value="50"' in panel and "<h1>" not in panel
    SyncRun.objects.filter(pk=run.pk).update(status=SyncRun.Status.SUCCEEDED)
    finished = client.get(url, headers={"HX-Request": "true"})
    assert finished["HX-Refresh"] == "true"  # the page reloads to show the outcome


def test_the_run_log_pages_by_id_without_page_numbers(client_for, victor, store_a):
    run = make_run(store_a)
    for source_id in range(60):
        log(store_a, run, str(source_id), Outcome.CREATED)
    client = client_for(victor)
    first = client.get(f"/stores/{store_a.pk}/runs/{run.pk}/").context["entries"]
    assert [e.source_id for e in first.rows[:2]] == ["59", "58"]
    assert first.newer is None
    second = client.get(f"/stores/{store_a.pk}/runs/{run.pk}/?before={first.older}")
    rows = second.context["entries"].rows
    assert [e.source_id for e in rows] == [str(i) for i in range(9, -1, -1)]
    assert second.context["entries"].older is None
    assert second.context["entries"].newer == rows[0].pk


def test_a_viewer_may_not_start_cancel_or_resync(client_for, victor, store_a):
    run = make_run(store_a, failed=1)
    client = client_for(victor)
    posts = [
        (f"/stores/{store_a.pk}/runs/start/", {"source": "customer", "kind": "full"}),
        (f"/stores/{store_a.pk}/runs/{run.pk}/cancel/", {}),
        (f"/stores/{store_a.pk}/runs/{run.pk}/resync-failed/", {}),
        (f"/stores/{store_a.pk}/records/import/", {"source": "customer", "source_id": "5"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    run.refresh_from_db()
    assert run.status == SyncRun.Status.QUEUED
    assert SyncRun.objects.count() == 1


def test_another_stores_runs_are_404(client_for, bob, store_a, store_b):
    run = make_run(store_a)
    client = client_for(bob)
    assert client.get(f"/stores/{store_a.pk}/runs/").status_code == 404
    assert client.get(f"/stores/{store_a.pk}/runs/{run.pk}/").status_code == 404
    assert client.get(f"/stores/{store_b.pk}/runs/{run.pk}/").status_code == 404
    assert client.post(f"/stores/{store_b.pk}/runs/{run.pk}/cancel/").status_code == 404


def test_importing_a_record_by_id_queues_a_run_of_that_record(client_for, oscar, store_a):
    response = client_for(oscar).post(
        f"/stores/{store_a.pk}/records/import/", {"source": "order", "source_id": " 1042 "}
    )
    run = SyncRun.objects.get()
    assert response.url == f"/stores/{store_a.pk}/runs/{run.pk}/"
    assert (run.source, run.kind, run.source_ids) == ("order", SyncRun.Kind.RECORDS, ["1042"])


def test_the_records_index_counts_each_stores_records_and_finds_one_by_id(
    client_for, oscar, store_a, store_b
):
    save_links(store_a, "customer", "Contact", [("5", "003000000000005AAA", "")])
    save_links(store_a, "customer", "Account", [("5", "001000000000005AAA", "")])
    save_links(store_a, "product", "Product2", [("9", "01t000000000009AAA", "")])
    store_b.salesforce_org = make_org("Org B")
    store_b.save()
    save_links(store_b, "customer", "Contact", [("6", "003000000000006AAA", "")])
    client = client_for(oscar)
    page = client.get("/records/")
    counts = dict(page.context["index"])[store_a]
    assert {listed.slug: n for listed, n in counts if n} == {"customers": 1, "products": 1}
    assert [store for store, _ in page.context["index"]] == [store_a]
    assert f'href="/stores/{store_a.pk}/records/customers/"' in page.content.decode()
    assert page.context["links"] is None  # nothing searched: no list of every link
    filtered = client.get("/records/", {"record_id": "01t000000000009AAA"}).content.decode()
    assert "01t000000000009AAA" in filtered
    assert "003000000000005AAA" not in filtered
    by_object = client.get("/records/", {"store": store_a.pk, "source_type": "customer"})
    assert sorted(link.target_id for link in by_object.context["links"].rows) == [
        "001000000000005AAA",
        "003000000000005AAA",
    ]


def test_a_viewer_sees_the_records_index_without_actions(client_for, victor, store_a):
    save_links(store_a, "customer", "Contact", [("5", "003000000000005AAA", "")])
    page = client_for(victor).get("/records/", {"record_id": "5"}).content.decode()
    assert "003000000000005AAA" in page
    assert "<button" not in page.split('id="record-table"')[1]


def test_the_store_page_links_each_objects_record_list(client_for, victor, store_a):
    page = client_for(victor).get(f"/stores/{store_a.pk}/").content.decode()
    for slug in ("customers", "guests", "categories", "products", "orders", "opportunities"):
        assert f'href="/stores/{store_a.pk}/records/{slug}/"' in page
    assert f'href="/stores/{store_a.pk}/records/refunds/"' in page


def test_the_store_page_links_runs_logs_records_and_schedules(client_for, victor, store_a):
    page = client_for(victor).get(f"/stores/{store_a.pk}/").content.decode()
    assert f'href="/stores/{store_a.pk}/runs/"' in page
    assert f'href="/logs/?store={store_a.pk}"' in page
    assert f'href="/records/?store={store_a.pk}"' in page
    assert f'href="/stores/{store_a.pk}/schedules/"' in page


# --- exports ----------------------------------------------------------------------------------


def exports(store, *sources, direction="both"):
    apply_default_template(store)
    ObjectSetting.objects.filter(store=store, source__in=sources).update(direction=direction)


def test_an_operator_starts_an_incremental_export_and_lands_on_its_page(
    client_for, oscar, store_a, enqueued
):
    exports(store_a, "customer")
    with enqueued() as run_ids:
        response = client_for(oscar).post(
            f"/stores/{store_a.pk}/runs/start/",
            {"source": "customer", "kind": "incremental", "direction": "export"},
            follow=True,
        )
    run = SyncRun.objects.get()
    assert response.redirect_chain == [(f"/stores/{store_a.pk}/runs/{run.pk}/", 302)]
    page = response.content.decode()
    assert "Incremental export of customers queued." in page
    assert "Salesforce → BigCommerce" in page
    assert (run.direction, run.kind, run.requested_by) == ("export", "incremental", oscar)
    assert run_ids == [run.pk]


def test_the_runs_page_offers_an_export_for_the_objects_that_export(client_for, oscar, store_a):
    exports(store_a, "customer")
    exports(store_a, "order", direction="export")
    exports(store_a, "category")  # categories never flow back
    page = client_for(oscar).get(f"/stores/{store_a.pk}/runs/").content.decode()
    assert 'aria-label="Kind of export of Customers"' in page
    assert 'aria-label="Kind of export of Orders"' in page
    for label in ("Products", "Categories", "Guest customers (from orders)", "Refunds"):
        assert f'aria-label="Kind of export of {label}"' not in page
    assert '<option value="incremental" selected>Incremental export</option>' in page
    record_form = page.split('id="export-record"')[1].split("</form>")[0]
    assert "Export a record by Salesforce Id" in record_form
    assert '<option value="customer">Customers</option>' in record_form
    assert '<option value="product">' not in record_form
    assert page.count('id="id_source_id"') == 1 and 'id="id_export_source_id"' in record_form


def test_the_runs_page_offers_no_export_while_everything_imports(client_for, oscar, store_a):
    exports(store_a)
    page = client_for(oscar).get(f"/stores/{store_a.pk}/runs/").content.decode()
    assert "Kind of export" not in page and 'id="export-record"' not in page


def test_an_export_of_an_object_that_does_not_export_is_refused_with_the_reason(
    client_for, oscar, store_a
):
    exports(store_a)
    client = client_for(oscar)
    response = client.post(
        f"/stores/{store_a.pk}/runs/start/",
        {"source": "customer", "kind": "full", "direction": "export"},
        follow=True,
    )
    assert response.redirect_chain == [(f"/stores/{store_a.pk}/runs/", 302)]
    assert "Customers are not exported: set their direction to" in response.content.decode()
    response = client.post(
        f"/stores/{store_a.pk}/records/export/",
        {"source": "product", "source_id": "01t000000000009AAA"},
        follow=True,
    )
    assert "Products are not exported: set their direction to" in response.content.decode()
    assert not SyncRun.objects.exists()


def test_exporting_a_record_by_salesforce_id_queues_a_run_of_that_record(
    client_for, oscar, store_a
):
    exports(store_a, "product")
    client = client_for(oscar)
    response = client.post(
        f"/stores/{store_a.pk}/records/export/",
        {"source": "product", "source_id": " 01t000000000009AAA "},
        follow=True,
    )
    run = SyncRun.objects.get()
    assert "Selected records (export) of products queued." in response.content.decode()
    assert (run.direction, run.kind, run.source_ids) == (
        "export",
        "records",
        ["01t000000000009AAA"],
    )
    refused = client.post(
        f"/stores/{store_a.pk}/records/export/",
        {"source": "product", "source_id": "42"},
        follow=True,
    )
    assert "Not started. Salesforce id:" in refused.content.decode()
    assert SyncRun.objects.count() == 1


def test_a_viewer_may_not_export(client_for, victor, store_a):
    exports(store_a, "customer")
    client = client_for(victor)
    posts = [
        (
            f"/stores/{store_a.pk}/runs/start/",
            {"source": "customer", "kind": "full", "direction": "export"},
        ),
        (
            f"/stores/{store_a.pk}/records/export/",
            {"source": "customer", "source_id": "003000000000005AAA"},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert not SyncRun.objects.exists()
    assert "Kind of export" not in client.get(f"/stores/{store_a.pk}/runs/").content.decode()


def test_the_runs_list_and_run_page_show_the_direction(client_for, victor, store_a):
    run = make_run(store_a, direction="export", kind=SyncRun.Kind.INCREMENTAL)
    client = client_for(victor)
    table = client.get(f"/stores/{store_a.pk}/runs/").content.decode().split('id="run-table"')[1]
    assert "Salesforce → BigCommerce" in table and "Incremental export" in table
    page = client.get(f"/stores/{store_a.pk}/runs/{run.pk}/").content.decode()
    assert f"Run #{run.pk}: Incremental export of customers" in page
    assert (
        '<dt>Direction</dt><dd><span class="badge" title="Export">Salesforce → BigCommerce' in page
    )


def test_the_customer_list_exports_the_record_an_export_reads(client_for, oscar, victor, store_a):
    exports(store_a, "customer")
    save_links(store_a, "customer", "Contact", [("5", "003000000000005AAA", "")])
    save_links(store_a, "customer", "Account", [("5", "001000000000005AAA", "")])
    save_links(store_a, "category", "BigCommerce_Category__c", [("7", "a00000000000007AAA", "")])
    url = f"/stores/{store_a.pk}/records/customers/"
    page = client_for(oscar).get(url).content.decode()
    assert "Import customer 5" in page and "Export customer 5" in page
    assert f'action="/stores/{store_a.pk}/records/export/"' in page
    assert 'name="source_id" value="003000000000005AAA"' in page
    assert "001000000000005AAA" not in page  # the Contact's Account is no row of its own
    categories = client_for(oscar).get(f"/stores/{store_a.pk}/records/categories/")
    assert "Import category 7" in categories.content.decode()
    assert "Export category 7" not in categories.content.decode()
    assert "Export customer 5" not in client_for(victor).get(url).content.decode()


def test_the_customer_list_offers_no_export_for_an_object_that_imports_only(
    client_for, oscar, store_a
):
    exports(store_a)
    save_links(store_a, "customer", "Contact", [("5", "003000000000005AAA", "")])
    page = client_for(oscar).get(f"/stores/{store_a.pk}/records/customers/").content.decode()
    assert "Import customer 5" in page and "Export customer 5" not in page
    assert "Export selected" not in page
