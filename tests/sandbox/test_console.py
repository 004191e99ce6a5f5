import time

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from sandbox.bigcommerce.models import Customer, Order, Product, SandboxStore
from sandbox.faults import plan_for
from sandbox.models import Emulator, FaultProfile
from sandbox.salesforce.models import CustomField
from sandbox.salesforce.services import all_orgs, provision_org
from sandbox.services import ensure_demo_environment

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(superuser):
    client = APIClient()
    client.force_authenticate(superuser)
    return client


def test_staff_set_faults_from_the_sandbox_page(client_for, superuser):
    client = client_for(superuser)
    assert client.get(reverse("sandbox_console")).status_code == 200
    client.post(
        reverse("sandbox_save_faults", args=["salesforce"]),
        {
            "salesforce-latency_ms": "120",
            "salesforce-jitter_ms": "10",
            "salesforce-error_share": "0.25",
            "salesforce-hang_share": "0",
            "salesforce-hang_seconds": "30",
            "salesforce-session_expiry_every": "5",
            "salesforce-lock_error_share": "0.1",
        },
    )
    plan = plan_for(Emulator.SALESFORCE)
    assert (plan.latency_ms, plan.error_share, plan.session_expiry_every) == (120, 0.25, 5)
    assert plan_for(Emulator.BIGCOMMERCE).error_share == 0


def test_a_429_storm_is_started_for_some_seconds(client_for, superuser):
    client_for(superuser).post(
        reverse("sandbox_save_faults", args=["bigcommerce"]),
        {
            "bigcommerce-latency_ms": "0",
            "bigcommerce-jitter_ms": "0",
            "bigcommerce-error_share": "0",
            "bigcommerce-hang_share": "0",
            "bigcommerce-hang_seconds": "30",
            "bigcommerce-duplicate_delivery_share": "0.1",
            "bigcommerce-storm_seconds": "60",
        },
    )
    assert plan_for(Emulator.BIGCOMMERCE).in_rate_limit_storm


def test_only_staff_may_change_the_sandbox(client_for, alice):
    client = client_for(alice)
    assert client.get(reverse("sandbox_console")).status_code == 200
    response = client.post(
        reverse("sandbox_save_faults", args=["salesforce"]), {"salesforce-latency_ms": "5000"}
    )
    assert response.status_code == 403
    assert not FaultProfile.objects.exists()
    assert APIClient().get("/sandbox/api/faults/salesforce/").status_code in (401, 403)


def test_the_control_api_reads_changes_and_clears_faults(api):
    assert api.get("/sandbox/api/faults/bigcommerce/").json()["error_share"] == 0
    answer = api.patch(
        "/sandbox/api/faults/bigcommerce/",
        {"error_share": 0.5, "rate_limit_storm_seconds": 30},
        format="json",
    )
    assert answer.status_code == 200
    plan = plan_for(Emulator.BIGCOMMERCE)
    assert plan.error_share == 0.5 and plan.in_rate_limit_storm
    assert (
        api.patch("/sandbox/api/faults/bigcommerce/", {"error_share": 2}, format="json").status_code
        == 400
    )
    assert api.delete("/sandbox/api/faults/bigcommerce/").status_code == 204
    assert plan_for(Emulator.BIGCOMMERCE).error_share == 0


def test_a_custom_field_is_defined_from_the_console(client_for, superuser):
    provision_org(name="Console org")
    client_for(superuser).post(
        reverse("sandbox_define_field"),
        {
            "object_name": "Account",
            "api_name": "Loyalty_Tier__c",
            "field_type": "picklist",
            "picklist_values": "Gold, Silver",
            "external_id": "",
            "unique": "",
        },
    )
    field = CustomField.objects.get(
        org=all_orgs().get(name="Console org"), object_name="Account", api_name="Loyalty_Tier__c"
    )
    assert (field.field_type, field.picklist_values) == ("picklist", ["Gold", "Silver"])


def test_a_picklist_without_values_is_explained(client_for, superuser):
    response = client_for(superuser).post(
        reverse("sandbox_define_field"),
        {"object_name": "Account", "api_name": "Tier__c", "field_type": "picklist"},
        follow=True,
    )
    assert "A picklist needs at least one value." in response.content.decode()


@pytest.mark.worker
def test_activity_started_from_the_api_runs_in_the_worker(live_worker, live_server, superuser):
    demo = ensure_demo_environment(superuser, live_server.url)
    store = SandboxStore.objects.get(store_hash=demo.store.store_hash)
    latest_before = latest_change(store)
    api = APIClient()
    api.force_authenticate(superuser)

    answer = api.post(
        "/sandbox/api/activity/",
        {"store_hash": demo.store.store_hash, "events_per_minute": 600, "duration_seconds": 2},
        format="json",
    )

    assert answer.status_code == 202
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and latest_change(store) <= latest_before:
        time.sleep(0.3)
    assert latest_change(store) > latest_before, live_worker.log_path.read_text()[-2000:]


def latest_change(store):
    return max(
        max(model.objects.filter(store=store).values_list("date_modified", flat=True))
        for model in (Order, Customer, Product)
    )
