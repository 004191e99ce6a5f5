"""What the exporter reads from Salesforce, by the client against the emulator over real HTTP:
its own user, deletions, and the SOQL of changed records, with relationship fields nested as
Salesforce returns them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.salesforce.client import SalesforceClient
from sandbox.salesforce import dml
from sandbox.salesforce.services import (
    create_records,
    delete_records,
    provision_org,
    sales_user,
    update_records,
)
from sandbox.salesforce.values import now
from stores.models import AuthFlow
from tests.conftest import make_org

pytestmark = pytest.mark.django_db(transaction=True)

CONTACTS = (
    "SELECT Id, FirstName, LastName, Email, Phone, MailingCity, Account.Name, Account.Phone, "
    "Account.Customer_Tier__c, SystemModstamp, LastModifiedById, LastModifiedDate FROM Contact "
    "WHERE (SystemModstamp > {since} OR Account.SystemModstamp > {since}) "
    "ORDER BY SystemModstamp, Id LIMIT 2000"
)

PRODUCTS = (
    "SELECT Id, Name, ProductCode, Description, IsActive, Family, SystemModstamp, "
    "LastModifiedById FROM Product2 WHERE Id IN ({ids})"
)
PRICES = (
    "SELECT Id, Product2Id, UnitPrice, SystemModstamp FROM PricebookEntry "
    "WHERE Pricebook2.IsStandard = true AND SystemModstamp > {since}"
)
ORDERS = (
    "SELECT Id, Status, SystemModstamp, LastModifiedById FROM Order "
    "WHERE SystemModstamp > {since} ORDER BY SystemModstamp, Id"
)


@pytest.fixture
def credentials(live_server):
    return provision_org(name="Reads org")


@pytest.fixture
def org(credentials):
    return credentials.org


@pytest.fixture
def client(credentials, live_server):
    org = make_org(
        "Reads org",
        login_url=live_server.url,
        auth_flow=AuthFlow.CLIENT_CREDENTIALS,
        client_id=credentials.client_id,
        client_secret=credentials.client_secret,
    )
    return SalesforceClient(org, sleep=lambda seconds: None)


@pytest.fixture
def clock(monkeypatch):
    """Move the emulator's write clock: `clock(minutes)` makes later writes happen then."""

    def move(minutes: float):
        moment = now() + timedelta(minutes=minutes)
        monkeypatch.setattr(dml, "now", lambda: moment)
        return moment

    return move


def soql_time(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- the connector's user ------------------------------------------------------------------------
def test_the_connectors_user_is_the_one_its_writes_are_made_as(client, credentials, org):
    [result] = client.create_many("Account", [{"Name": "Acme"}])
    [account] = client.query(f"SELECT LastModifiedById FROM Account WHERE Id = '{result.id}'")  # noqa: S608
    assert client.user_id() == credentials.user_id == account["LastModifiedById"]
    assert sales_user(org).user_id != client.user_id()


def test_userinfo_names_the_user_when_the_token_answer_was_not_kept(client, credentials):
    client.limits()  # a token, whose answer names the user
    client.org.forget_schema()  # ... under keys now left behind
    assert client.user_id() == credentials.user_id


# --- deletions -----------------------------------------------------------------------------------
def test_deleted_lists_what_was_deleted_in_the_window(client, org, clock):
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=1)
    _kept, gone = create_records(org, "Contact", [{"LastName": "Kept"}, {"LastName": "Gone"}])
    deleted_at = clock(minutes=1)
    delete_records(org, "Contact", [gone])

    answer = client.deleted("Contact", start, start + timedelta(minutes=5))

    assert [(r.id, r.deleted_date) for r in answer.records] == [
        (gone, deleted_at.replace(microsecond=deleted_at.microsecond // 1000 * 1000))
    ]
    assert answer.earliest_available <= start
    assert answer.latest_covered == start + timedelta(minutes=5)


def test_deleted_reaches_back_15_days(client):
    start = timezone.now() - timedelta(days=15) + timedelta(minutes=2)
    assert client.deleted("Contact", start, timezone.now()).records == []


def test_query_all_finds_deletions_and_who_made_them(client, org):
    ours, theirs = create_records(org, "Account", [{"Name": "Ours"}, {"Name": "Theirs"}])
    client.delete_many([ours])
    delete_records(org, "Account", [theirs])
    soql = "SELECT Id, Name, LastModifiedById FROM Account WHERE IsDeleted = true ORDER BY Name"
    rows = [(r["Name"], r["LastModifiedById"]) for r in client.query(soql, include_deleted=True)]
    assert rows == [("Ours", client.user_id()), ("Theirs", sales_user(org).user_id)]
    assert list(client.query(soql)) == []


# --- changed contacts, through their accounts too ----------------------------------------------
@pytest.fixture
def people(org):
    gold, plain = create_records(
        org,
        "Account",
        [
            {"Name": "Gold Co", "Phone": "555-0001", "Customer_Tier__c": "Gold"},
            {"Name": "Plain Co"},
        ],
    )
    rows = [
        {"LastName": "Lee", "FirstName": "Ann", "AccountId": gold, "MailingCity": "Oslo"},
        {"LastName": "Kim", "Email": "kim@example.com", "AccountId": plain},
        {"LastName": "Orphan"},
    ]
    lee, kim, orphan = create_records(org, "Contact", rows)
    return {"gold": gold, "plain": plain, "lee": lee, "kim": kim, "orphan": orphan}


def test_contacts_come_with_their_accounts_fields_nested(client, people):
    since = timezone.now() - timedelta(hours=1)
    rows = {r["LastName"]: r for r in client.query(CONTACTS.format(since=soql_time(since)))}

    lee = rows["Lee"]
    assert lee["attributes"]["type"] == "Contact"
    assert (lee["FirstName"], lee["MailingCity"], lee["Email"]) == ("Ann", "Oslo", None)
    assert lee["Account"]["attributes"] == {
        "type": "Account",
        "url": f"/services/data/v{client.org.api_version}/sobjects/Account/{people['gold']}",
    }
    account = {k: v for k, v in lee["Account"].items() if k != "attributes"}
    assert account == {"Name": "Gold Co", "Phone": "555-0001", "Customer_Tier__c": "Gold"}
    assert rows["Kim"]["Account"]["Customer_Tier__c"] is None
    assert rows["Orphan"]["Account"] is None
    assert set(lee) == {
        "attributes",
        *["Id", "FirstName", "LastName", "Email", "Phone", "MailingCity", "Account"],
        *["SystemModstamp", "LastModifiedById", "LastModifiedDate"],
    }


def test_a_contact_changes_when_it_or_its_account_changes(client, org, people, clock):
    since = clock(minutes=10)
    update_records(org, "Account", [{"Id": people["plain"], "Customer_Tier__c": "VIP"}])
    clock(minutes=20)
    update_records(org, "Contact", [{"Id": people["orphan"], "Phone": "555-0199"}])
    clock(minutes=30)
    update_records(org, "Contact", [{"Id": people["lee"], "Email": "ann@example.com"}])

    soql = CONTACTS.format(since=soql_time(since - timedelta(seconds=1)))
    rows = list(client.query(soql))

    # Kim's own stamp is older than her account's change: ordered by her own SystemModstamp.
    assert [r["LastName"] for r in rows] == ["Kim", "Orphan", "Lee"]
    assert rows[0]["Account"]["Customer_Tier__c"] == "VIP"
    assert {r["LastModifiedById"] for r in rows[1:]} == {sales_user(org).user_id}
    assert rows[1]["SystemModstamp"] < rows[2]["SystemModstamp"]
    assert rows[1]["LastModifiedDate"] == rows[1]["SystemModstamp"]


def test_contacts_with_the_same_stamp_are_ordered_by_id(client, org, clock):
    clock(minutes=5)
    ids = create_records(org, "Contact", [{"LastName": f"C{n}"} for n in range(5)])
    since = soql_time(timezone.now())
    assert [r["Id"] for r in client.query(CONTACTS.format(since=since))] == sorted(ids)


# --- products, prices and orders ---------------------------------------------------------------
def test_products_are_read_by_id(client, org):
    rows = [
        {"Name": "Mug", "ProductCode": "MUG-1", "IsActive": True, "Family": "Accessories"},
        {"Name": "Cap", "ProductCode": "CAP-1", "Description": "Blue"},
        {"Name": "Hat"},
    ]
    mug, cap, _hat = create_records(org, "Product2", rows)
    found = {r["Id"]: r for r in client.query(PRODUCTS.format(ids=f"'{mug}', '{cap}'"))}
    assert set(found) == {mug, cap}
    assert (found[mug]["Family"], found[mug]["IsActive"]) == ("Accessories", True)
    assert (found[cap]["Description"], found[cap]["IsActive"]) == ("Blue", False)
    assert found[cap]["LastModifiedById"] == client.user_id()


def test_standard_prices_changed_since_a_moment(client, org, clock):
    mug, cap = create_records(org, "Product2", [{"Name": "Mug"}, {"Name": "Cap"}])
    [custom_book] = create_records(org, "Pricebook2", [{"Name": "Wholesale", "IsActive": True}])
    standard = [
        {
            "Pricebook2Id": org.standard_pricebook_id,
            "Product2Id": product,
            "UnitPrice": 10,
            "IsActive": True,
        }
        for product in (mug, cap)
    ]
    mug_price, cap_price = create_records(org, "PricebookEntry", standard)
    create_records(
        org,
        "PricebookEntry",
        [{"Pricebook2Id": custom_book, "Product2Id": mug, "UnitPrice": 8}],
    )
    since = clock(minutes=10)
    update_records(org, "PricebookEntry", [{"Id": cap_price, "UnitPrice": 12.5}])
    everything = client.query(PRICES.format(since=soql_time(since - timedelta(hours=1))))
    changed = list(client.query(PRICES.format(since=soql_time(since - timedelta(seconds=1)))))

    assert sorted(r["Id"] for r in everything) == sorted([mug_price, cap_price])
    assert [(r["Id"], r["Product2Id"], r["UnitPrice"]) for r in changed] == [(cap_price, cap, 12.5)]


def test_orders_changed_since_a_moment_in_order(client, org, clock):
    [account] = create_records(org, "Account", [{"Name": "Buyer"}])
    draft = {"AccountId": account, "EffectiveDate": "2026-01-15", "Status": "Draft"}
    first, second, untouched = create_records(org, "Order", [draft, draft, draft])
    since = clock(minutes=10)
    update_records(org, "Order", [{"Id": second, "Description": "Gift"}])
    clock(minutes=20)
    update_records(org, "Order", [{"Id": first, "Description": "Rush"}])
    rows = list(client.query(ORDERS.format(since=soql_time(since - timedelta(seconds=1)))))
    assert [r["Id"] for r in rows] == [second, first]
    assert {r["Status"] for r in rows} == {"Draft"}
    assert untouched not in {r["Id"] for r in rows}


def test_the_last_stamp_read_is_the_next_polls_watermark(client, org, people, clock):
    since = soql_time(timezone.now() - timedelta(hours=1))
    watermark = list(client.query(CONTACTS.format(since=since)))[-1]["SystemModstamp"]
    assert watermark.endswith("+0000") and "." in watermark  # milliseconds, as Salesforce has
    assert list(client.query(CONTACTS.format(since=watermark))) == []
    clock(minutes=1)
    update_records(org, "Contact", [{"Id": people["kim"], "Phone": "555-0142"}])
    assert [r["Id"] for r in client.query(CONTACTS.format(since=watermark))] == [people["kim"]]
