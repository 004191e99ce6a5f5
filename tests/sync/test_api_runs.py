import json

import pytest
from rest_framework.authtoken.models import Token

from integrations.recording import mask_body
from sync import schedules
from sync.models import ImportSchedule, Outcome, SyncLogEntry, SyncRun

pytestmark = pytest.mark.django_db

SESSION_TOKEN = "00DXX0000008cRg!AQ4AQFzKsessiontoken"


def make_run(store, **fields):
    fields = {"source": "customer", "kind": SyncRun.Kind.FULL, **fields}
    return SyncRun.objects.create(store=store, **fields)


def make_entry(store, source_id, outcome, **fields):
    fields = {"source": "customer", **fields}
    return SyncLogEntry.objects.create(store=store, source_id=source_id, outcome=outcome, **fields)


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


@pytest.fixture
def api(client, oscar):
    """An operator's API client, authenticated by token as scripts are."""
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.create(user=oscar).key}"
    return client


def test_starting_a_run_answers_201_with_the_run(api, store_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(
            api, f"/api/v1/stores/{store_a.pk}/runs/", {"source": "order", "kind": "full"}
        )
    assert response.status_code == 201
    body = response.json()
    run = SyncRun.objects.get()
    assert body["id"] == run.pk
    assert (body["source"], body["kind"], body["status"]) == ("order", "full", "queued")
    assert (body["trigger"], body["requested_by"]) == ("api", "oscar")
    assert len(callbacks) == 1


def test_a_run_while_one_is_active_is_409_with_the_reason(api, store_a):
    make_run(store_a, source="order", status=SyncRun.Status.QUEUED)
    response = post(
        api, f"/api/v1/stores/{store_a.pk}/runs/", {"source": "order", "kind": "incremental"}
    )
    assert response.status_code == 409
    assert "already queued or running" in response.json()["detail"]


def test_bad_input_is_400_naming_the_field(api, store_a):
    response = post(api, f"/api/v1/stores/{store_a.pk}/runs/", {"source": "invoice"})
    assert response.status_code == 400
    assert "source" in response.json()
    response = post(
        api, f"/api/v1/stores/{store_a.pk}/runs/", {"source": "order", "kind": "records"}
    )
    assert response.status_code == 400
    assert "kind" in response.json()


def test_runs_are_listed_and_read_per_store(client_for, victor, store_a, store_b):
    mine = make_run(store_a, created=4)
    make_run(store_b)
    client = client_for(victor)
    body = client.get(f"/api/v1/stores/{store_a.pk}/runs/").json()
    assert [run["id"] for run in body["results"]] == [mine.pk]
    assert client.get(f"/api/v1/stores/{store_a.pk}/runs/{mine.pk}/").json()["created"] == 4


def test_cancelling_through_the_api(api, store_a):
    run = make_run(store_a)
    response = post(api, f"/api/v1/stores/{store_a.pk}/runs/{run.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    again = post(api, f"/api/v1/stores/{store_a.pk}/runs/{run.pk}/cancel/")
    assert again.status_code == 409


def test_resync_failed_through_the_api(api, store_a):
    run = make_run(store_a, status=SyncRun.Status.SUCCEEDED)
    make_entry(store_a, "7", Outcome.FAILED, run=run)
    make_entry(store_a, "8", Outcome.CREATED, run=run)
    make_entry(store_a, "9", Outcome.FAILED, run=run, source="product")
    response = post(api, f"/api/v1/stores/{store_a.pk}/runs/{run.pk}/resync-failed/")
    assert response.status_code == 201
    started = [(r["source"], r["kind"], r["source_ids"]) for r in response.json()["runs"]]
    assert started == [("customer", "resync", ["7"]), ("product", "resync", ["9"])]


def test_a_run_with_failures_reads_as_such_in_the_api(api, store_a):
    run = make_run(store_a, status=SyncRun.Status.PARTIAL, failed=3, created=22)
    body = api.get(f"/api/v1/stores/{store_a.pk}/runs/{run.pk}/").json()
    assert (body["status"], body["outcome"]) == ("partial", "Completed with 3 failures")
    run.created = 0
    run.save()
    body = api.get(f"/api/v1/stores/{store_a.pk}/runs/{run.pk}/").json()
    assert (body["status"], body["outcome"]) == ("partial", "All 3 failed")


def test_resync_failed_of_a_run_without_failures_is_409(api, store_a):
    run = make_run(store_a, status=SyncRun.Status.SUCCEEDED)
    response = post(api, f"/api/v1/stores/{store_a.pk}/runs/{run.pk}/resync-failed/")
    assert response.status_code == 409
    assert response.json()["detail"] == "No record of this run failed."


def test_importing_a_record_by_id_through_the_api(api, store_a):
    url = f"/api/v1/stores/{store_a.pk}/runs/import-record/"
    response = post(api, url, {"source": "product", "source_id": "77"})
    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["source_ids"]) == ("records", ["77"])
    assert post(api, url, {"source": "product"}).status_code == 400


def test_the_log_api_filters_like_the_console(client_for, victor, store_a, store_b):
    run = make_run(store_a)
    make_entry(store_a, "1", Outcome.FAILED, run=run)
    make_entry(store_a, "2", Outcome.CREATED, run=run)
    make_entry(store_a, "3", Outcome.FAILED, source="order")
    make_entry(store_b, "4", Outcome.FAILED)
    client = client_for(victor)

    def ids(**params):
        return [row["source_id"] for row in client.get("/api/v1/logs/", params).json()["results"]]

    assert ids() == ["3", "2", "1"]
    assert ids(outcome="failed") == ["3", "1"]
    assert ids(run=run.pk, outcome="failed") == ["1"]
    assert ids(source="order") == ["3"]
    assert ids(source_id="2") == ["2"]
    response = client.get("/api/v1/logs/", {"store": store_b.pk})
    assert response.status_code == 400
    assert "store" in response.json()


def test_the_log_api_pages_with_a_cursor(client_for, victor, store_a):
    SyncLogEntry.objects.bulk_create(
        SyncLogEntry(store=store_a, source="customer", source_id=str(i), outcome=Outcome.CREATED)
        for i in range(130)
    )
    client = client_for(victor)
    first = client.get("/api/v1/logs/").json()
    assert len(first["results"]) == 100
    assert "count" not in first
    second = client.get(first["next"]).json()
    assert [row["source_id"] for row in second["results"]] == [str(i) for i in range(29, -1, -1)]


def test_a_log_entry_in_the_api_holds_what_was_stored_and_no_secret(client_for, victor, store_a):
    call = {
        "system": "salesforce",
        "method": "POST",
        "path": "/services/data/v62.0/composite/sobjects",
        "status": 200,
        "request_body": mask_body({"records": [{"Name": "A"}], "access_token": SESSION_TOKEN}),
        "response_body": "",
    }
    entry = make_entry(store_a, "9", Outcome.FAILED, error_code="INVALID_FIELD", calls=[call])
    response = client_for(victor).get(f"/api/v1/logs/{entry.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["error_code"] == "INVALID_FIELD"
    assert body["calls"] == [call]
    assert SESSION_TOKEN not in response.content.decode()
    assert store_a.access_token not in response.content.decode()
    assert store_a.salesforce_org.client_secret not in response.content.decode()


def test_resync_of_a_log_entry_through_the_api(api, store_a):
    entry = make_entry(store_a, "5", Outcome.FAILED)
    response = post(api, f"/api/v1/logs/{entry.pk}/resync/")
    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["source_ids"]) == ("resync", ["5"])


def test_schedules_are_listed_per_store(client_for, victor, store_a, store_b):
    schedules.save_schedule(ImportSchedule(store=store_a, source="order", every_minutes=20))
    schedules.save_schedule(ImportSchedule(store=store_b, source="order", every_minutes=30))
    body = client_for(victor).get(f"/api/v1/stores/{store_a.pk}/schedules/").json()
    assert [(s["source"], s["every_minutes"]) for s in body["results"]] == [("order", 20)]


def test_a_viewer_gets_403_on_every_post(client_for, victor, store_a):
    run = make_run(store_a, status=SyncRun.Status.SUCCEEDED)
    entry = make_entry(store_a, "5", Outcome.FAILED, run=run)
    client = client_for(victor)
    urls = [
        f"/api/v1/stores/{store_a.pk}/runs/",
        f"/api/v1/stores/{store_a.pk}/runs/{run.pk}/cancel/",
        f"/api/v1/stores/{store_a.pk}/runs/{run.pk}/resync-failed/",
        f"/api/v1/stores/{store_a.pk}/runs/import-record/",
        f"/api/v1/logs/{entry.pk}/resync/",
    ]
    for url in urls:
        response = post(client, url, {"source": "order", "kind": "full", "source_id": "1"})
        assert response.status_code == 403, url
        assert "Operator" in response.json()["detail"]
    assert SyncRun.objects.count() == 1


def test_another_stores_runs_and_log_rows_are_404(client_for, bob, store_a, store_b):
    run = make_run(store_a)
    entry = make_entry(store_a, "5", Outcome.FAILED, run=run)
    client = client_for(bob)
    assert client.get(f"/api/v1/stores/{store_a.pk}/runs/").status_code == 404
    assert client.get(f"/api/v1/stores/{store_b.pk}/runs/{run.pk}/").status_code == 404
    assert post(client, f"/api/v1/stores/{store_b.pk}/runs/{run.pk}/cancel/").status_code == 404
    assert client.get(f"/api/v1/logs/{entry.pk}/").status_code == 404
    assert post(client, f"/api/v1/logs/{entry.pk}/resync/").status_code == 404
    assert client.get(f"/api/v1/stores/{store_a.pk}/schedules/").status_code == 404


def test_anonymous_calls_are_refused(client, store_a):
    assert client.get(f"/api/v1/stores/{store_a.pk}/runs/").status_code in (401, 403)
    assert client.get("/api/v1/logs/").status_code in (401, 403)
    assert json.loads(client.get("/api/v1/logs/").content)["detail"]
