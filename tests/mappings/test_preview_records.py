"""Preview on the store's real records, by id and the next N: values per sObject, the sync
conditions, the Salesforce record each would update and why, what Salesforce would refuse; and
nothing written anywhere. The demo store and org over real HTTP."""

import pytest
from django.urls import reverse

from integrations.recording import recording
from mappings.models import FieldMapping, ObjectSetting, SyncCondition
from sandbox.salesforce.records import all_records
from sandbox.salesforce.services import create_records
from sync import identity
from sync.models import IdentityLink
from tests.sync.conftest import sandbox_org

pytestmark = pytest.mark.django_db(transaction=True)

CHLOE = "chloe.hughes.23@example.com"  # the demo store's customer 23


def preview_url(store, source="customer"):
    return reverse("store_mappings_preview_records", args=[store.pk, source])


def section(page: str, record_id) -> str:
    return page.split(f'id="record-{record_id}"')[1].split("</section>")[0]


def target(part: str, sobject: str) -> str:
    return part.split(f"<h3>{sobject}")[1].split("<h3>")[0]


def written_anywhere(calls) -> list[str]:
    return [f"{c.system} {c.method} {c.path}" for c in calls if c.method != "GET"]


def snapshot(org):
    return {name: len(all_records(org, name)) for name in ("Account", "Contact")}, (
        IdentityLink.objects.count()
    )


@pytest.fixture
def salesforce_has(demo):
    """Customer 23's Contact, made by hand (no external ID); customer 8's Account, with its
    external ID; customer 8's Contact, linked by an earlier sync."""
    org = sandbox_org()
    hash_ = demo.store.store_hash
    contact, linked = create_records(
        org,
        "Contact",
        [{"LastName": "Hughes", "Email": CHLOE}, {"LastName": "Walsh", "Email": "x@example.com"}],
    )
    (account,) = create_records(
        org, "Account", [{"Name": "Ximena Walsh", "BigCommerce_ID__c": f"{hash_}:8"}]
    )
    identity.save_links(demo.store, "customer", "Contact", [("8", linked, "")])
    return {"contact": contact, "account": account, "linked": linked}


def test_a_record_by_id_shows_its_values_its_match_and_why(demo, owner, client, salesforce_has):
    setting = ObjectSetting.objects.get(store=demo.store, source="customer")
    FieldMapping.objects.create(
        setting=setting,
        target_object="Account",
        target_field="Customer_Tier__c",
        kind="constant",
        source="Platinum",
    )
    SyncCondition.objects.create(setting=setting, path="email", operator="contains", value="@")
    client.force_login(owner)
    before = snapshot(sandbox_org())
    with recording() as calls:
        page = client.get(preview_url(demo.store) + "?id=23").content.decode()
    assert written_anywhere(calls) == []
    assert snapshot(sandbox_org()) == before

    chloe = section(page, 23)
    assert "<code>email contains @</code>: holds" in chloe
    contact = target(chloe, "Contact")
    assert f"<code>{salesforce_has['contact']}</code></a>, found by matching rule: " in contact
    assert f"Email = &#x27;{CHLOE}&#x27;." in contact
    assert f"<td><code>Email</code></td><td>{CHLOE}</td>" in contact
    account = target(chloe, "Account")
    assert "No Account matches: the import would create one, with BigCommerce_ID__c = " in account
    assert "Account.Customer_Tier__c has no picklist value &#x27;Platinum&#x27;." in account
    assert '<span class="badge bad">would fail</span>' in chloe


def test_the_next_records_show_links_external_ids_and_write_nothing(
    demo, owner, client, salesforce_has
):
    client.force_login(owner)
    before = snapshot(sandbox_org())
    with recording() as calls:
        first = client.get(preview_url(demo.store) + "?count=3").content.decode()
        second = client.get(preview_url(demo.store) + "?count=3&page=2").content.decode()
    assert written_anywhere(calls) == []
    assert snapshot(sandbox_org()) == before
    shown = [part.split('"')[0] for part in first.split('id="record-')[1:]]
    later = [part.split('"')[0] for part in second.split('id="record-')[1:]]
    assert len(shown) == len(later) == 3 and not set(shown) & set(later)
    assert 'href="?count=3&amp;page=2"' in first

    page = client.get(preview_url(demo.store) + "?id=8").content.decode()
    ximena = section(page, 8)
    assert f"<code>{salesforce_has['account']}</code></a>, found by external ID: " in (
        target(ximena, "Account")
    )
    contact = target(ximena, "Contact")
    assert f"<code>{salesforce_has['linked']}</code></a>, found by identity link: " in contact
    # The Contact goes under the Account found: its lookup is shown with the values.
    assert f"<td><code>AccountId</code></td><td>{salesforce_has['account']}</td>" in contact


def test_conditions_that_stop_a_record_say_so(demo, owner, client):
    setting = ObjectSetting.objects.get(store=demo.store, source="customer")
    SyncCondition.objects.create(setting=setting, path="email", operator="contains", value="zed")
    client.force_login(owner)
    page = client.get(preview_url(demo.store) + "?id=23").content.decode()
    chloe = section(page, 23)
    assert "skipped: the sync conditions leave it out" in chloe
    assert "<code>email contains zed</code>: does not hold" in chloe
    assert "found by" not in chloe and "would create" not in chloe  # nothing to match


def test_an_unknown_id_and_a_bad_id_are_said_plainly(demo, owner, client):
    client.force_login(owner)
    page = client.get(preview_url(demo.store) + "?id=99999").content.decode()
    assert "The store has no customer with id 99999." in page
    bad = client.get(preview_url(demo.store) + "?id=abc")
    assert "&#x27;abc&#x27; is not a BigCommerce id" in bad.content.decode()


def test_the_preview_page_offers_the_stores_records(demo, owner, client):
    client.force_login(owner)
    page = client.get(reverse("store_mappings_preview", args=[demo.store.pk, "order"]))
    assert f'action="{preview_url(demo.store, "order")}"' in page.content.decode()
    orders = client.get(preview_url(demo.store, "order") + "?count=1").content.decode()
    assert "<h3>Order</h3>" in orders and "<h3>OrderItem <span" in orders
