import json
from html import unescape

import pytest

from integrations.recording import Call, mask_body
from sync.models import Outcome, SyncLogEntry, SyncRun

pytestmark = pytest.mark.django_db

API_TOKEN = "sf-session-token-00DXX0000008cRg!AQ4AQFzK"


def make_entry(store, source_id="101", outcome=Outcome.CREATED, **fields):
    fields = {"source": "customer", **fields}
    return SyncLogEntry.objects.create(store=store, source_id=source_id, outcome=outcome, **fields)


def recorded_call() -> dict:
    """A call as the clients record it: bodies masked by integrations.recording."""
    request = {"LastName": "Lovelace", "session_id": API_TOKEN}
    response = [{"success": False, "errors": [{"statusCode": "REQUIRED_FIELD_MISSING"}]}]
    return Call(
        system="salesforce",
        method="PATCH",
        path="/services/data/v62.0/composite/sobjects/Contact/BC_External_Id__c",
        status=200,
        duration_ms=84.2,
        request_bytes=120,
        response_bytes=90,
        request_body=mask_body(json.dumps(request)),
        response_body=mask_body(json.dumps(response)),
    ).as_dict()


@pytest.fixture
def failed_entry(store_a):
    return make_entry(
        store_a,
        "55",
        Outcome.FAILED,
        target_object="Contact",
        error_code="REQUIRED_FIELD_MISSING",
        error_message="Required fields are missing: [LastName]",
        error_fields=["LastName"],
        values={"Email": "ada@example.com", "FirstName": "Ada"},
        calls=[recorded_call()],
        attempt=2,
    )


def listed_ids(client, **params) -> list[str]:
    return [entry.source_id for entry in client.get("/logs/", params).context["entries"].rows]


def test_the_log_lists_the_users_stores_newest_first(client_for, victor, store_a, store_b):
    make_entry(store_a, "1")
    make_entry(store_b, "2")
    make_entry(store_a, "3")
    assert listed_ids(client_for(victor)) == ["3", "1"]


def test_each_filter_returns_only_matching_rows(client_for, alice, store_a, store_b):
    run = SyncRun.objects.create(store=store_a, source="order", kind=SyncRun.Kind.FULL)
    make_entry(store_a, "1", Outcome.FAILED)
    make_entry(store_a, "2", Outcome.CREATED, source="order", run=run)
    make_entry(store_a, "3", Outcome.FAILED, source="order", run=run)
    make_entry(store_a, "1", Outcome.UPDATED)
    client = client_for(alice)
    assert listed_ids(client, outcome="failed") == ["3", "1"]
    assert listed_ids(client, source="order") == ["3", "2"]
    assert listed_ids(client, source_id="1") == ["1", "1"]
    assert listed_ids(client, run=run.pk) == ["3", "2"]
    assert listed_ids(client, run=run.pk, outcome="failed") == ["3"]
    assert listed_ids(client, store=store_a.pk, source="customer") == ["1", "1"]


def test_filters_by_direction_error_code_dates_and_either_records_id(client_for, alice, store_a):
    old = make_entry(store_a, "1", Outcome.FAILED, error_code="REQUIRED_FIELD_MISSING")
    SyncLogEntry.objects.filter(pk=old.pk).update(created_at="2026-11-01T12:00:00Z")
    make_entry(store_a, "2", Outcome.FAILED, error_code="STRING_TOO_LONG", target_id="003A1")
    make_entry(
        store_a, "003B2", Outcome.UPDATED, direction="export", target_object="customer",
        target_id="3",
    )  # fmt: skip
    client = client_for(alice)
    assert listed_ids(client, direction="export") == ["003B2"]
    assert listed_ids(client, error_code="STRING_TOO_LONG") == ["2"]
    assert listed_ids(client, date_to="2026-11-02") == ["1"]
    assert listed_ids(client, date_from="2026-11-02") == ["003B2", "2"]
    assert listed_ids(client, record="003A1") == ["2"]  # a Salesforce Id finds its row
    assert listed_ids(client, record="3") == ["003B2"]  # so does the BigCommerce id of an export


def test_log_rows_name_objects_as_people_do_and_link_salesforce_records(
    client_for, victor, store_a
):
    store_a.salesforce_org.instance_url = "https://acme.my.salesforce.com"
    store_a.salesforce_org.save()
    row = make_entry(
        store_a, "5", source="order_item", target_object="OrderItem", target_id="802A1"
    )
    page = client_for(victor).get("/logs/").content.decode()
    assert "<td>Order item</td>" in page
    assert 'href="https://acme.my.salesforce.com/lightning/r/OrderItem/802A1/view"' in page
    detail = client_for(victor).get(f"/logs/{row.pk}/").content.decode()
    assert "<h1>Order item <code>5</code>" in detail


def test_an_operator_resyncs_the_checked_rows_in_one_run_per_object(
    client_for, oscar, store_a, django_capture_on_commit_callbacks
):
    rows = [
        make_entry(store_a, "7", Outcome.FAILED, source="order"),
        make_entry(store_a, "8", Outcome.FAILED),
        make_entry(store_a, "8", Outcome.CREATED),
        make_entry(store_a, "9", Outcome.CREATED),
    ]
    chosen = [rows[0].pk, rows[1].pk, rows[2].pk]
    response = client_for(oscar).post("/logs/resync/", {"entry": chosen, "back": "outcome=failed"})
    assert response.status_code == 302 and response.url == "/logs/?outcome=failed"
    runs = list(SyncRun.objects.order_by("pk"))
    assert [(r.source, r.kind, r.source_ids) for r in runs] == [
        ("customer", "resync", ["8"]),
        ("order", "resync", ["7"]),
    ]
    assert runs[0].next_run_id == runs[1].pk  # customers before the orders that need them


def test_resync_all_failed_rows_of_the_filter_takes_every_page(client_for, oscar, store_a):
    for source_id in range(60):
        make_entry(store_a, str(source_id), Outcome.FAILED, error_code="UNABLE_TO_LOCK_ROW")
    make_entry(store_a, "99", Outcome.FAILED, error_code="STRING_TOO_LONG")
    make_entry(store_a, "100", Outcome.CREATED)
    client_for(oscar).post(
        "/logs/resync/", {"scope": "failed", "back": "error_code=UNABLE_TO_LOCK_ROW"}
    )
    run = SyncRun.objects.get()
    assert sorted(run.source_ids, key=int) == [str(i) for i in range(60)]


def test_a_viewer_sees_no_mass_resync_and_may_not_post_it(client_for, victor, store_a):
    make_entry(store_a, "1", Outcome.FAILED)
    client = client_for(victor)
    page = client.get("/logs/").content.decode()
    assert "Re-sync selected" not in page and 'name="entry"' not in page
    assert client.post("/logs/resync/", {"scope": "failed"}).status_code == 403
    assert not SyncRun.objects.exists()


def test_filtering_on_another_users_store_shows_nothing_of_it(client_for, victor, store_a, store_b):
    make_entry(store_b, "2")
    response = client_for(victor).get("/logs/", {"store": store_b.pk})
    assert response.context["entries"].rows == []
    assert "Select a valid choice" in response.content.decode()


def test_the_log_pages_by_id(client_for, victor, store_a):
    for source_id in range(120):
        make_entry(store_a, str(source_id))
    client = client_for(victor)
    first = client.get("/logs/").context["entries"]
    assert len(first.rows) == 50 and first.rows[0].source_id == "119"
    second = client.get("/logs/", {"before": first.older}).context["entries"]
    assert second.rows[0].source_id == "69"
    back = client.get("/logs/", {"after": second.newer}).context["entries"]
    assert [e.pk for e in back.rows] == [e.pk for e in first.rows]
    assert back.newer is None


def test_the_detail_shows_the_error_the_values_and_the_calls_but_no_secret(
    client_for, victor, failed_entry
):
    page = unescape(client_for(victor).get(f"/logs/{failed_entry.pk}/").content.decode())
    assert "REQUIRED_FIELD_MISSING" in page
    assert "Required fields are missing: [LastName]" in page
    assert "ada@example.com" in page
    assert "PATCH /services/data/v62.0/composite/sobjects/Contact/BC_External_Id__c" in page
    assert "84 ms" in page
    assert "Lovelace" in page
    assert '"session_id": "••••"' in page
    assert API_TOKEN not in page
    assert API_TOKEN not in json.dumps(failed_entry.calls)


def test_resync_of_a_failed_row_queues_a_resync_of_its_record(client_for, oscar, failed_entry):
    response = client_for(oscar).post(f"/logs/{failed_entry.pk}/resync/")
    run = SyncRun.objects.get()
    assert response.url == f"/stores/{failed_entry.store_id}/runs/{run.pk}/"
    assert (run.kind, run.source, run.source_ids) == (SyncRun.Kind.RESYNC, "customer", ["55"])
    assert run.requested_by == oscar


def test_any_row_can_import_its_record_again(client_for, oscar, store_a):
    entry = make_entry(store_a, "8", Outcome.UNCHANGED, source="product")
    page = client_for(oscar).get(f"/logs/{entry.pk}/").content.decode()
    assert "Import this record again</button>" in page
    assert "Retry this failed attempt" not in page
    assert f'href="/stores/{store_a.pk}/records/product/8/view/">Record history' in page
    client_for(oscar).post(f"/logs/{entry.pk}/resync-record/")
    run = SyncRun.objects.get()
    assert (run.kind, run.source, run.source_ids) == (SyncRun.Kind.RECORDS, "product", ["8"])


def test_a_failed_row_offers_a_retry_and_a_new_sync_each_saying_what_it_does(
    client_for, oscar, failed_entry
):
    page = client_for(oscar).get(f"/logs/{failed_entry.pk}/").content.decode()
    assert "Retry this failed attempt</button>" in page
    assert "Tries this failed import of the record once more, as a re-sync run." in page
    assert "Import this record again</button>" in page
    assert "Reads the record from BigCommerce now and writes it to Salesforce" in page


def test_an_export_row_is_exported_again_and_links_to_its_bigcommerce_record(
    client_for, oscar, store_a
):
    entry = make_entry(
        store_a,
        "003000000000001AAA",
        Outcome.UPDATED,
        direction="export",
        target_object="customer",
        target_id="42",
    )
    page = client_for(oscar).get(f"/logs/{entry.pk}/").content.decode()
    assert "Export this record again</button>" in page
    assert "Reads the record from Salesforce now and writes it to BigCommerce" in page
    assert f'href="/stores/{store_a.pk}/records/customer/42/view/">Record history' in page
    listing = client_for(oscar).get("/logs/").content.decode()
    assert f'href="/stores/{store_a.pk}/records/customer/42/view/">History' in listing


def test_a_viewer_reads_rows_but_may_not_resync(client_for, victor, failed_entry):
    client = client_for(victor)
    page = client.get(f"/logs/{failed_entry.pk}/").content.decode()
    assert "Retry this failed attempt" not in page
    assert "this record again" not in page
    assert "Record history" in page
    assert client.post(f"/logs/{failed_entry.pk}/resync/").status_code == 403
    assert client.post(f"/logs/{failed_entry.pk}/resync-record/").status_code == 403
    assert not SyncRun.objects.exists()


def test_another_stores_row_is_404(client_for, bob, store_b, failed_entry):
    client = client_for(bob)
    assert client.get(f"/logs/{failed_entry.pk}/").status_code == 404
    assert client.post(f"/logs/{failed_entry.pk}/resync/").status_code == 404
    assert client.get("/logs/999999/").status_code == 404
