"""The demo environment `make run` sets up, used end to end: the console's own clients talk to
both emulators over real HTTP with the credentials the demo store and org were given."""

import pytest
from django.contrib.auth import get_user_model

from integrations.salesforce.client import SalesforceClient
from sandbox.faults import set_faults
from sandbox.models import Emulator
from sandbox.services import DEMO_STORE_HASH, ensure_demo_environment
from stores.models import SalesforceOrg, Store
from stores.services import check_store_connection, connect_org

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin(transactional_db):
    return get_user_model().objects.create_superuser("admin", "a@example.com", "pw")


@pytest.fixture
def demo(admin, live_server):
    return ensure_demo_environment(admin, live_server.url)


def test_the_demo_store_and_org_are_connected_and_labelled_sandbox(demo, admin, live_server):
    assert demo.store.is_sandbox and demo.org.is_sandbox
    assert demo.store.salesforce_org == demo.org
    assert demo.store.api_base_url == f"{live_server.url}/sandbox/bigcommerce"
    assert demo.store.memberships.get().user == admin
    assert demo.seeded["orders"] > 0 and demo.seeded["customers"] > 0


def test_setting_up_again_keeps_everything_and_does_not_refill(demo, admin, live_server):
    again = ensure_demo_environment(admin, live_server.url)
    assert again.seeded is None
    assert (again.store.pk, again.org.pk) == (demo.store.pk, demo.org.pk)
    assert Store.objects.filter(is_sandbox=True).count() == 1
    assert SalesforceOrg.objects.filter(is_sandbox=True).count() == 1


def test_the_demo_store_passes_its_connection_test(demo):
    report = check_store_connection(demo.store)
    assert report.ok, report.as_dict()
    assert report.facts["name"]


def test_the_demo_org_connects_with_jwt_and_passes_its_connection_test(demo):
    report = connect_org(demo.org)
    assert report.ok, report.as_dict()
    org = SalesforceOrg.objects.get(pk=demo.org.pk)
    assert org.is_connected
    checks = {c["name"]: c["detail"] for c in report.as_dict()["checks"]}
    assert "BigCommerce_ID__c" in checks["Object: Account"]
    assert report.facts["daily_API_requests_allowed"] > 0


def test_the_client_survives_an_expiring_session_on_the_emulator(demo):
    connect_org(demo.org)
    org = SalesforceOrg.objects.get(pk=demo.org.pk)
    set_faults(Emulator.SALESFORCE, session_expiry_every=3)
    client = SalesforceClient.for_org(org)
    for _ in range(6):  # every third call finds the session expired
        assert client.limits()["DailyApiRequests"]["Max"] > 0
    assert SalesforceOrg.objects.get(pk=org.pk).access_token != org.access_token


def test_the_demo_store_hash_is_the_documented_one(demo):
    assert demo.store.store_hash == DEMO_STORE_HASH
