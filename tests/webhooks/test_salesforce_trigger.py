"""Salesforce asks for an export now: a Flow callout (JSON) or an Outbound Message (SOAP)."""

import pytest
import requests
from django.urls import reverse

from mappings.models import ObjectSetting
from sandbox.salesforce import outbound
from sandbox.salesforce.services import update_records
from stores.models import Store
from sync.models import IdentityLink, SyncRun
from sync.pipeline import runner
from tests.sync.conftest import bigcommerce, import_now, sandbox_org
from webhooks import salesforce

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def exporting(demo):
    import_now(demo.store, "customer")
    ObjectSetting.objects.filter(store=demo.store, source="customer").update(direction="both")
    return demo


def trigger_url(live_server, store, token=None) -> str:
    url = live_server.url + reverse("salesforce_trigger", args=[store.pk])
    return f"{url}?token={token}" if token else url


def test_an_outbound_message_exports_the_contact_it_names(exporting, live_server):
    store = exporting.store
    token = salesforce.new_token(store)
    contact = IdentityLink.objects.filter(store=store, target_object="Contact").first()
    update_records(sandbox_org(), "Contact", [{"Id": contact.target_id, "LastName": "Flowed"}])

    answer = outbound.send(
        sandbox_org(), trigger_url(live_server, store, token), "Contact", [contact.target_id]
    )

    assert answer.status_code == 200
    assert "<Ack>true</Ack>" in answer.text
    run = SyncRun.objects.get(store=store, direction="export")
    assert (run.kind, run.trigger, run.source_ids) == ("records", "salesforce", [contact.target_id])
    SyncRun.objects.filter(pk=run.pk).update(status="running")
    run.refresh_from_db()
    runner.execute(run, sleep=lambda seconds: None)
    found = bigcommerce(store).get("v3/customers", **{"id:in": contact.source_id})["data"][0]
    assert found["last_name"] == "Flowed"


def test_a_flow_callout_with_a_bearer_token_queues_an_export(exporting, live_server):
    store = exporting.store
    token = salesforce.new_token(store)
    contact = IdentityLink.objects.filter(store=store, target_object="Contact").first()

    answer = requests.post(
        trigger_url(live_server, store),
        json={"records": [{"attributes": {"type": "Contact"}, "Id": contact.target_id}]},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )

    assert answer.status_code == 202
    [run_id] = answer.json()["runs"]
    assert SyncRun.objects.get(pk=run_id).source_ids == [contact.target_id]


@pytest.mark.parametrize(
    ("token", "body", "status"),
    [
        ("wrong", {"object": "Contact", "ids": ["003000000000001AAA"]}, 401),
        (None, {"object": "Contact", "ids": ["003000000000001AAA"]}, 401),
        ("good", {"object": "Lead", "ids": ["00Q000000000001AAA"]}, 400),
        ("good", {"object": "Contact", "ids": ["not an id"]}, 400),
        ("good", {"object": "Product2", "ids": ["01t000000000001AAA"]}, 409),
    ],
)
def test_a_bad_call_gets_a_clear_error_and_queues_nothing(exporting, client, token, body, status):
    store = exporting.store
    good = salesforce.new_token(store)
    headers = (
        {"HTTP_AUTHORIZATION": f"Bearer {good if token == 'good' else token}"} if token else {}
    )

    answer = client.post(
        reverse("salesforce_trigger", args=[store.pk]),
        data=body,
        content_type="application/json",
        **headers,
    )

    assert answer.status_code == status, answer.content
    assert not SyncRun.objects.filter(store=store, direction="export").exists()


def test_a_malformed_outbound_message_is_refused(exporting, client):
    store = exporting.store
    token = salesforce.new_token(store)
    url = reverse("salesforce_trigger", args=[store.pk]) + f"?token={token}"
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'

    for body in (b"<not xml", bomb):
        answer = client.post(url, data=body, content_type="text/xml")
        assert answer.status_code == 400


def test_the_token_is_shown_once_and_only_its_digest_is_kept(exporting, owner, client):
    store = exporting.store
    client.force_login(owner)

    page = client.post(reverse("salesforce_trigger_token", args=[store.pk]))

    token = page.context["token"]
    assert token in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")
    store = Store.objects.get(pk=store.pk)
    assert token not in store.salesforce_trigger_digest
    status = client.get(reverse("webhook_status", args=[store.pk])).content.decode()
    assert token not in status and "token set" in status
