"""The record lists of a store: one per object, with each record's name, its Salesforce record
and its latest sync, the actions on rows and on many rows, filters, columns and saved views."""

from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from integrations.salesforce.client import RecordResult
from mappings.defaults import apply_default_template
from mappings.models import DeleteAction, ObjectSetting
from sync.models import IdentityLink, Outcome, SavedListView, SyncLogEntry, SyncRun
from sync.tasks import run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(org_a):
    org_a.instance_url = "https://acme.my.salesforce.com"
    org_a.save()
    return org_a


def link(store, source_id, *, source_type="order", target="Order", label="", target_id=None):
    return IdentityLink.objects.create(
        store=store,
        org_id=store.salesforce_org_id,
        source_type=source_type,
        source_id=str(source_id),
        target_object=target,
        target_id=target_id or f"801{int(source_id):015d}",
        label=label,
    )


def log(store, source_id, outcome, *, source="order", direction="import", ago=0):
    entry = SyncLogEntry.objects.create(
        store=store,
        source=source,
        source_id=str(source_id),
        outcome=outcome,
        direction=direction,
    )
    if ago:
        SyncLogEntry.objects.filter(pk=entry.pk).update(
            created_at=timezone.now() - timedelta(days=ago)
        )
    return entry


def rows(response) -> list[str]:
    """The BigCommerce ids of the rows shown."""
    table = response.context["table"]
    return [row.record.source_id for row in table.page.object_list]


def headers(response) -> list[str]:
    return [str(column.header) for column in response.context["table"].columns]


def orders_url(store, **params):
    url = reverse("object_records", args=[store.pk, "orders"])
    return url


def test_the_list_shows_a_linked_record_with_its_name_salesforce_link_and_last_outcome(
    client_for, victor, store_a, org
):
    record = link(store_a, 101, label="Order #101 · Jane Doe")
    log(store_a, 101, Outcome.CREATED, ago=2)
    log(store_a, 101, Outcome.FAILED)
    link(store_a, 101, source_type="order", target="Account", target_id="001000000000000101")

    response = client_for(victor).get(orders_url(store_a))

    page = response.content.decode()
    assert response.status_code == 200
    assert rows(response) == ["101"]  # one row per record: the Order, not its other links
    assert "Order #101 · Jane Doe" in page
    lightning = f"https://acme.my.salesforce.com/lightning/r/Order/{record.target_id}/view"
    assert f'href="{lightning}"' in page
    assert '<span class="badge bad">Failed</span>' in page  # the latest row, not the first
    assert "Import →" in page


def test_a_link_made_before_names_were_kept_shows_a_dash_and_never_synced(
    client_for, victor, store_a, org
):
    link(store_a, 7, source_type="customer", target="Contact", target_id="003000000000000007")

    response = client_for(victor).get(reverse("object_records", args=[store_a.pk, "customers"]))

    cells = response.content.decode()
    assert rows(response) == ["7"]
    assert "—" in cells
    assert "Never synced" in cells


def test_orders_and_opportunities_are_two_lists(client_for, victor, store_a, org):
    link(store_a, 1, target="Order")
    link(store_a, 2, target="Opportunity", target_id="006000000000000002")
    client = client_for(victor)

    orders = client.get(reverse("object_records", args=[store_a.pk, "orders"]))
    opportunities = client.get(reverse("object_records", args=[store_a.pk, "opportunities"]))

    assert (rows(orders), rows(opportunities)) == (["1"], ["2"])


def test_a_store_the_user_is_not_a_member_of_is_not_found(client_for, bob, store_a, org):
    response = client_for(bob).get(orders_url(store_a))
    assert response.status_code == 404


def test_an_unknown_object_is_not_found(client_for, victor, store_a):
    response = client_for(victor).get(f"/stores/{store_a.pk}/records/widgets/")
    assert response.status_code == 404


def test_the_list_costs_the_same_queries_whatever_its_rows(client_for, oscar, store_a, org):
    client = client_for(oscar)
    link(store_a, 1)
    log(store_a, 1, Outcome.UPDATED)
    client.get(orders_url(store_a))  # warm: the session, the user
    with CaptureQueriesContext(connection) as few:
        client.get(orders_url(store_a))
    for source_id in range(2, 40):
        link(store_a, source_id)
        log(store_a, source_id, Outcome.FAILED)
    with CaptureQueriesContext(connection) as many:
        response = client.get(orders_url(store_a))
    assert len(rows(response)) == 39
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.fixture
def enqueued(django_capture_on_commit_callbacks):
    """The ids of the runs whose task is queued once the request's transaction commits."""

    @contextmanager
    def capture():
        run_ids = []
        with (
            patch.object(run_import, "delay") as delay,
            django_capture_on_commit_callbacks(execute=True),
        ):
            yield run_ids
        run_ids.extend(call.args[0] for call in delay.call_args_list)

    return capture


@pytest.fixture
def settings_a(store_a):
    apply_default_template(store_a)
    ObjectSetting.objects.filter(store=store_a, source="customer").update(direction="both")
    return store_a


def customer(store, source_id=7, label="Jane Doe (jane@example.com)"):
    contact = link(
        store,
        source_id,
        source_type="customer",
        target="Contact",
        target_id=f"003{source_id:015d}",
        label=label,
    )
    link(
        store, source_id, source_type="customer", target="Account", target_id=f"001{source_id:015d}"
    )
    return contact


def customers_url(store):
    return reverse("object_records", args=[store.pk, "customers"])


def delete_url(store, row):
    return reverse("record_link_delete", args=[store.pk, "customers", row.pk])


def test_an_operator_sees_the_row_actions_and_a_viewer_none(
    client_for, oscar, victor, settings_a, org
):
    row = customer(settings_a)
    operator_page = client_for(oscar).get(customers_url(settings_a)).content.decode()
    viewer_page = client_for(victor).get(customers_url(settings_a)).content.decode()
    for action in ("Import customer 7", "Export customer 7", "Delete the link of customer 7"):
        assert action in operator_page
        assert action not in viewer_page
    assert delete_url(settings_a, row) in operator_page


def test_row_import_and_export_start_runs_for_an_operator(
    client_for, oscar, settings_a, org, enqueued
):
    row = customer(settings_a)
    client = client_for(oscar)
    with enqueued() as run_ids:
        imported = client.post(
            reverse("record_import", args=[settings_a.pk]), {"source": "customer", "source_id": "7"}
        )
        exported = client.post(
            reverse("record_export", args=[settings_a.pk]),
            {"source": "customer", "source_id": row.target_id},
        )
    runs = {run.direction: run for run in SyncRun.objects.all()}
    assert runs["import"].source_ids == ["7"] and runs["export"].source_ids == [row.target_id]
    assert imported.url == reverse("run_detail", args=[settings_a.pk, runs["import"].pk])
    assert exported.url == reverse("run_detail", args=[settings_a.pk, runs["export"].pk])
    assert sorted(run_ids) == sorted(run.pk for run in runs.values())


def test_a_viewer_can_neither_import_nor_export_a_row(
    client_for, victor, settings_a, org, enqueued
):
    row = customer(settings_a)
    client = client_for(victor)
    with enqueued() as run_ids:
        imported = client.post(
            reverse("record_import", args=[settings_a.pk]), {"source": "customer", "source_id": "7"}
        )
        exported = client.post(
            reverse("record_export", args=[settings_a.pk]),
            {"source": "customer", "source_id": row.target_id},
        )
    assert (imported.status_code, exported.status_code) == (403, 403)
    assert run_ids == [] and not SyncRun.objects.exists()


def test_the_delete_page_names_the_record_and_deletes_only_after_a_post(
    client_for, oscar, settings_a, org
):
    row = customer(settings_a)
    client = client_for(oscar)

    page = client.get(delete_url(settings_a, row)).content.decode()

    assert "Jane Doe (jane@example.com)" in page
    assert "003000000000000007" in page and "001000000000000007" in page
    assert "the Salesforce records stay" in page
    assert IdentityLink.objects.count() == 2
    response = client.post(delete_url(settings_a, row))
    assert response.url == customers_url(settings_a)
    assert not IdentityLink.objects.exists()
    entry = SyncLogEntry.objects.get()
    assert (entry.source, entry.source_id, entry.outcome) == ("customer", "7", Outcome.DELETED)
    assert entry.target_id == row.target_id


class FakeSalesforce:
    def __init__(self, refuse=False):
        self.deleted = []
        self.refuse = refuse

    def delete_many(self, ids):
        from integrations import errors

        self.deleted += ids
        error = (
            errors.ValidationFailed("Cannot delete", code="DELETE_FAILED") if self.refuse else None
        )
        return [RecordResult({"Id": i}, error=error) for i in ids]


@pytest.mark.parametrize("refuse", [False, True])
def test_where_the_setting_deletes_in_salesforce_the_salesforce_records_go_too(
    client_for, oscar, settings_a, org, refuse
):
    ObjectSetting.objects.filter(store=settings_a, source="customer").update(
        on_delete=DeleteAction.DELETE
    )
    row = customer(settings_a)
    client = client_for(oscar)
    fake = FakeSalesforce(refuse=refuse)

    page = client.get(delete_url(settings_a, row)).content.decode()
    assert "these 2 Salesforce records are deleted too" in page
    assert fake.deleted == []
    with patch("sync.deletion.SalesforceClient.for_org", return_value=fake):
        client.post(delete_url(settings_a, row))

    assert sorted(fake.deleted) == ["001000000000000007", "003000000000000007"]
    assert IdentityLink.objects.exists() == refuse  # a refused delete keeps the links
    outcome = SyncLogEntry.objects.get().outcome
    assert outcome == (Outcome.FAILED if refuse else Outcome.DELETED)


def test_a_viewer_cannot_delete_a_link(client_for, victor, settings_a, org):
    row = customer(settings_a)
    client = client_for(victor)
    assert client.get(delete_url(settings_a, row)).status_code == 403
    assert client.post(delete_url(settings_a, row)).status_code == 403
    assert IdentityLink.objects.count() == 2 and not SyncLogEntry.objects.exists()


def test_a_row_of_another_list_is_not_found(client_for, oscar, settings_a, org):
    order = link(settings_a, 101)
    response = client_for(oscar).get(delete_url(settings_a, order))
    assert response.status_code == 404


def action_url(store, slug="customers"):
    return reverse("records_action", args=[store.pk, slug])


@pytest.mark.parametrize(
    ("action", "direction", "expected"),
    [
        ("import-selected", "import", ["7", "9"]),
        ("export-selected", "export", ["003000000000000007", "003000000000000009"]),
        ("import-filtered", "import", ["7", "8", "9"]),
        ("export-filtered", "export", [f"00300000000000000{i}" for i in (7, 8, 9)]),
    ],
)
def test_a_mass_action_starts_exactly_one_run_of_the_right_records(
    client_for, oscar, settings_a, org, enqueued, action, direction, expected
):
    rows = [customer(settings_a, i) for i in (7, 8, 9)]
    chosen = [rows[0].pk, rows[2].pk]
    with enqueued() as run_ids:
        response = client_for(oscar).post(
            action_url(settings_a), {"action": action, "link": chosen, "query": ""}
        )
    run = SyncRun.objects.get()
    assert (run.kind, run.source, run.direction) == ("records", "customer", direction)
    assert sorted(run.source_ids) == expected
    assert run_ids == [run.pk]
    assert response.url == reverse("run_detail", args=[settings_a.pk, run.pk])


def test_a_mass_export_of_an_object_that_does_not_export_is_refused(
    client_for, oscar, settings_a, org
):
    link(settings_a, 101)
    response = client_for(oscar).post(
        action_url(settings_a, "orders"), {"action": "export-filtered", "query": ""}
    )
    assert response.url == reverse("object_records", args=[settings_a.pk, "orders"])
    assert not SyncRun.objects.exists()


def test_a_viewer_cannot_start_a_mass_action(client_for, victor, settings_a, org, enqueued):
    customer(settings_a)
    with enqueued() as run_ids:
        response = client_for(victor).post(
            action_url(settings_a), {"action": "import-filtered", "query": ""}
        )
    assert response.status_code == 403
    assert run_ids == [] and not SyncRun.objects.exists()


@pytest.fixture
def mixed(store_a, org):
    """Four orders: failed today, created 10 days ago, exported yesterday, never synced."""
    link(store_a, 1, label="Order #1 · Ann Failed")
    log(store_a, 1, Outcome.FAILED)
    link(store_a, 2, label="Order #2 · Bo Created")
    log(store_a, 2, Outcome.CREATED, ago=10)
    exported = link(store_a, 3, label="Order #3 · Cy Exported")
    log(store_a, exported.target_id, Outcome.UPDATED, direction="export", ago=1)
    link(store_a, 4, label="Order #4 · Di Never")
    return store_a


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["1", "2", "3", "4"]),
        ({"outcome": "failed"}, ["1"]),
        ({"outcome": "never"}, ["4"]),
        ({"direction": "export"}, ["3"]),
        ({"direction": "import"}, ["1", "2"]),
        ({"synced_after": str(timezone.localdate() - timedelta(days=3))}, ["1", "3"]),
        ({"synced_before": str(timezone.localdate() - timedelta(days=5))}, ["2"]),
        ({"q": "bo created"}, ["2"]),  # in the name, whatever the case
        ({"q": "3"}, ["3"]),  # a BigCommerce id matches whole: not 13, not the dates
        ({"q": "801000000000000000004"[:15]}, ["1", "2", "3", "4"]),  # Salesforce Id prefix
    ],
)
def test_filters_and_search_narrow_the_rows(client_for, victor, mixed, params, expected):
    response = client_for(victor).get(orders_url(mixed), params)
    assert sorted(rows(response)) == expected


def test_a_search_looks_only_in_the_fields_the_user_chose(client_for, victor, mixed):
    client = client_for(victor)
    url = reverse("record_list_choices", args=[mixed.pk, "orders"])
    client.post(url, {"columns": ["label"], "search_fields": ["source_id"], "query": ""})
    assert rows(client.get(orders_url(mixed), {"q": "Ann"})) == []
    assert rows(client.get(orders_url(mixed), {"q": "1"})) == ["1"]


def test_sorting_by_a_column(client_for, victor, mixed):
    link(mixed, 10, label="Order #10")
    client = client_for(victor)
    assert rows(client.get(orders_url(mixed), {"sort": "source_id"})) == ["1", "2", "3", "4", "10"]
    assert rows(client.get(orders_url(mixed), {"sort": "-label"}))[0] == "4"


def test_the_columns_a_user_chooses_stay_theirs(client_for, victor, oscar, mixed):
    client = client_for(victor)
    response = client.post(
        reverse("record_list_choices", args=[mixed.pk, "orders"]),
        {
            "columns": ["label", "last_outcome"],
            "search_fields": ["label"],
            "query": "outcome=failed",
        },
    )
    assert response.url == orders_url(mixed) + "?outcome=failed"
    assert headers(client.get(orders_url(mixed))) == [
        "BigCommerce id",
        "Name",
        "Outcome",
        "Actions",
    ]
    customers = client.get(reverse("object_records", args=[mixed.pk, "customers"]))
    assert "Salesforce record" in headers(customers)  # not on the customers' list
    assert "Salesforce record" in headers(client_for(oscar).get(orders_url(mixed)))  # nor theirs


def test_a_saved_view_is_shared_with_the_stores_members_only(
    client_for, oscar, victor, bob, mixed, store_b
):
    response = client_for(oscar).post(
        reverse("record_list_view_save", args=[mixed.pk, "orders"]),
        {"name": "Failing", "query": "outcome=failed&sort=-label", "columns": ["label"]},
    )
    view = SavedListView.objects.get()
    assert (view.name, view.filters, view.sort, view.columns) == (
        "Failing",
        {"outcome": ["failed"]},
        "-label",
        ["label"],
    )
    assert response.url.startswith(orders_url(mixed) + "?")

    viewer = client_for(victor)
    assert f'<option value="{view.pk}"' in viewer.get(orders_url(mixed)).content.decode()
    chosen = viewer.get(orders_url(mixed), {"view": view.pk})
    assert chosen.status_code == 302
    shown = viewer.get(chosen.url)
    assert rows(shown) == ["1"]
    assert headers(shown) == ["BigCommerce id", "Name", "Actions"]

    outsider = client_for(bob)
    assert outsider.get(orders_url(mixed), {"view": view.pk}).status_code == 404
    own_store = outsider.get(reverse("object_records", args=[store_b.pk, "orders"]))
    assert "Failing" not in own_store.content.decode()
    assert (
        outsider.get(
            reverse("object_records", args=[store_b.pk, "orders"]), {"view": view.pk}
        ).context["view"]
        is None
    )


def test_a_viewer_cannot_save_a_view(client_for, victor, mixed):
    response = client_for(victor).post(
        reverse("record_list_view_save", args=[mixed.pk, "orders"]),
        {"name": "Mine", "query": "outcome=failed"},
    )
    assert response.status_code == 403 and not SavedListView.objects.exists()


def test_a_mass_action_on_the_filtered_rows_takes_only_those(client_for, oscar, mixed, enqueued):
    with enqueued():
        client_for(oscar).post(
            reverse("records_action", args=[mixed.pk, "orders"]),
            {"action": "import-filtered", "query": "outcome=never"},
        )
    assert SyncRun.objects.get().source_ids == ["4"]
