"""The Salesforce client's writes against the emulator over real HTTP, with faults injected.

Sessions expire every few calls, rows are locked, requests fail with 5xx: every record must be
written exactly once and come back with its own result.
"""

from collections import Counter

import pytest

from integrations.recording import recording
from integrations.retry import RetryPolicy
from integrations.salesforce.client import SalesforceClient
from sandbox.faults import set_faults
from sandbox.models import Emulator
from sandbox.salesforce.models import BulkJob, Org
from sandbox.salesforce.records import all_records
from sandbox.salesforce.services import provision_org
from stores.models import AuthFlow
from tests.conftest import make_org

pytestmark = pytest.mark.django_db(transaction=True)

KEY = "BigCommerce_ID__c"


@pytest.fixture
def credentials(live_server):
    return provision_org(name="Writes org")


@pytest.fixture
def client(credentials, live_server):
    org = make_org(
        "Writes org",
        login_url=live_server.url,
        auth_flow=AuthFlow.CLIENT_CREDENTIALS,
        client_id=credentials.client_id,
        client_secret=credentials.client_secret,
    )
    return SalesforceClient(
        org,
        sleep=lambda seconds: None,
        retry=RetryPolicy(max_attempts=6, base_delay=0),
        bulk_threshold=100_000,
    )


def contacts(count: int, prefix: str = "s") -> list[dict]:
    return [{KEY: f"{prefix}:{n}", "LastName": f"Contact {n}"} for n in range(count)]


def stored_keys(credentials, object_name: str = "Contact") -> Counter:
    return Counter(record.get(KEY) for record in all_records(credentials.org, object_name))


def expire_at_call(credentials, every: int, call: int) -> None:
    """Sessions expire every `every` authenticated calls, the first time at call `call`."""
    set_faults(Emulator.SALESFORCE, session_expiry_every=every)
    Org.objects.filter(pk=credentials.org.pk).update(authenticated_calls=every - call)


def assert_written_once(results, records, credentials) -> None:
    assert [r.record for r in results] == records
    assert all(r.ok and r.id for r in results), [r.error for r in results if not r.ok][:3]
    stored = stored_keys(credentials)
    assert set(stored) == {r[KEY] for r in records}
    assert max(stored.values()) == 1
    assert len({r.id for r in results}) == len(records)


# --- Bulk API 2.0 -------------------------------------------------------------------------------
BULK_STEPS = ["create", "upload", "close", "poll", "successful-results", "failed-results"]


@pytest.mark.parametrize("step", range(1, len(BULK_STEPS) + 1), ids=BULK_STEPS)
def test_a_bulk_job_resumes_after_a_session_expiring_at_any_step(client, credentials, step):
    records = contacts(300)
    client.bulk_threshold = 100
    expire_at_call(credentials, every=50, call=step)
    with recording() as calls:
        results = client.upsert_many("Contact", KEY, records)
    assert_written_once(results, records, credentials)
    assert [c.status for c in calls].count(401) == 1
    assert BulkJob.objects.filter(org=credentials.org).count() == 1
    assert sum(c.method == "PUT" for c in calls) == 1 + (step == 2)  # refused once, then sent


def test_a_bulk_job_outlives_sessions_expiring_at_every_other_call(client, credentials):
    records = contacts(300)
    client.bulk_threshold = 100
    expire_at_call(credentials, every=2, call=2)
    with recording() as calls:
        results = client.upsert_many("Contact", KEY, records)
    assert_written_once(results, records, credentials)
    assert [c.status for c in calls].count(401) == len(BULK_STEPS) - 1  # each step but the first
    assert BulkJob.objects.filter(org=credentials.org).count() == 1


# --- every fault at once -----------------------------------------------------------------------
STRESSED = 2000
EXPIRY_EVERY = [4, 5, 6, 7]


def stress(every: int) -> None:
    set_faults(
        Emulator.SALESFORCE, session_expiry_every=every, lock_error_share=0.05, error_share=0.1
    )


@pytest.mark.parametrize("every", EXPIRY_EVERY)
def test_collections_upserts_are_written_once_through_every_fault(client, credentials, every):
    stress(every)
    records = contacts(STRESSED)
    with recording() as calls:
        results = client.upsert_many("Contact", KEY, records)
    assert_written_once(results, records, credentials)
    assert 401 in {c.status for c in calls}  # 5xx are likely too, but not certain in 12 calls


@pytest.mark.parametrize("every", EXPIRY_EVERY)
def test_bulk_upserts_are_written_once_through_every_fault(client, credentials, every):
    stress(every)
    client.bulk_threshold = 500
    records = contacts(STRESSED)
    with recording() as calls:
        results = client.upsert_many("Contact", KEY, records)
    assert_written_once(results, records, credentials)
    assert 401 in {c.status for c in calls}
    processed = BulkJob.objects.filter(org=credentials.org).exclude(state="Aborted")
    assert processed.count() == 1  # an upload that failed went to a new job, its own aborted
    assert processed.get().records_processed == STRESSED


@pytest.mark.parametrize("every", EXPIRY_EVERY)
def test_collections_creates_are_written_once_through_expiry_and_locks(client, credentials, every):
    set_faults(Emulator.SALESFORCE, session_expiry_every=every, lock_error_share=0.05)
    records = contacts(STRESSED)
    results = client.create_many("Contact", records)
    assert_written_once(results, records, credentials)


def test_creates_that_met_a_5xx_are_not_sent_again(client, credentials):
    """A create's request that failed is not repeated; each record still has its result, and
    what the results say was created is what the org holds, once."""
    set_faults(Emulator.SALESFORCE, session_expiry_every=5, lock_error_share=0.05, error_share=0.1)
    records = contacts(STRESSED)
    results = client.create_many("Contact", records)
    assert all(r.ok == bool(r.id) and r.ok != bool(r.error) for r in results)
    stored = stored_keys(credentials)
    assert set(stored) == {r.record[KEY] for r in results if r.ok}
    assert max(stored.values()) == 1
    assert all(r.error.status in (500, 503) for r in results if not r.ok)


# --- locked rows ----------------------------------------------------------------------------------
COUNTED = 5000


def test_locked_rows_are_retried_in_full_chunks(client, credentials, monkeypatch):
    """5% of rows locked: each round of retries sends the rows of the whole batch in chunks
    of 200, so the calls stay at the floor, with one back-off per round."""
    set_faults(Emulator.SALESFORCE, lock_error_share=0.05)
    events = []
    send = SalesforceClient._send_chunk

    def counted_send(self, method, path, sobject, chunk):
        events.append(len(chunk))
        return send(self, method, path, sobject, chunk)

    monkeypatch.setattr(SalesforceClient, "_send_chunk", counted_send)
    client.sleep = lambda seconds: events.append("back-off")
    records = contacts(COUNTED)

    with recording() as calls:
        results = client.upsert_many("Contact", KEY, records)

    assert_written_once(results, records, credentials)
    rounds = [[]]
    for event in events:
        if event == "back-off":
            rounds.append([])
        else:
            rounds[-1].append(event)
    floor = sum(-(-sum(sizes) // 200) for sizes in rounds)
    writes = [c for c in calls if "/composite/sobjects/" in c.path]
    print(f"{COUNTED} records, rounds {[sum(r) for r in rounds]}: {len(writes)} calls")
    assert all(r[:-1] == [200] * (len(r) - 1) for r in rounds)  # only each round's last is short
    assert len(writes) == floor
    assert len(rounds) >= 2  # 5% of 5,000 rows: some were locked
