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
