"""Changes made in an emulated org by a person (the Sales user), not by the connector."""

from datetime import timedelta

import pytest

from sandbox.salesforce import dml
from sandbox.salesforce.models import OrgUser, Record
from sandbox.salesforce.services import (
    create_records,
    delete_records,
    sales_user,
    update_records,
)
from sandbox.salesforce.values import format_datetime, now

AUDIT = ("LastModifiedById", "LastModifiedDate", "SystemModstamp")


def stored(record_id: str) -> Record:
    return Record.objects.get(record_id=record_id)


@pytest.fixture
def later(monkeypatch):
    """Writes from here on happen an hour from now."""
    moment = now() + timedelta(hours=1)
    monkeypatch.setattr(dml, "now", lambda: moment)
    return moment


def test_the_sales_user_is_a_second_user_of_the_org_made_once(org, sf_org):
    user = sales_user(org)
    assert user.user_id != sf_org.user_id
    assert sales_user(org) == user
    assert OrgUser.objects.filter(org=org).count() == 2
    profile = stored(user.user_id).data
    assert (profile["Name"], profile["CreatedById"]) == ("Sales User", sf_org.user_id)


def test_an_update_by_the_sales_user_moves_the_audit_fields_as_the_api_does(
    api, org, sf_org, later
):
    [contact] = create_records(org, "Contact", [{"LastName": "Lee"}])
    created = stored(contact).data

    update_records(org, "Contact", [{"Id": contact, "Phone": "555-0100"}])

    row = stored(contact)
    stamp = format_datetime(later)
    assert row.data["Phone"] == "555-0100"
    assert row.data["LastModifiedById"] == sales_user(org).user_id
    assert (row.data["LastModifiedDate"], row.data["SystemModstamp"]) == (stamp, stamp)
    assert row.system_modstamp == later
    assert (row.data["CreatedById"], row.data["CreatedDate"]) == (
        sf_org.user_id,
        created["CreatedDate"],
    )
    [answer] = api.query("SELECT LastModifiedById, SystemModstamp FROM Contact").json()["records"]
    assert (answer["LastModifiedById"], answer["SystemModstamp"]) == (
        sales_user(org).user_id,
        stamp,
    )


def test_an_api_update_and_an_update_by_a_person_keep_the_same_fields(api, org, later):
    by_api, by_person = create_records(org, "Account", [{"Name": "A"}, {"Name": "B"}])
    assert api.patch(f"sobjects/Account/{by_api}", {"Phone": "1"}).status_code == 204
    update_records(org, "Account", [{"Id": by_person, "Phone": "1"}])
    api_data, person_data = stored(by_api).data, stored(by_person).data
    assert set(api_data) == set(person_data)
    assert [api_data[name] == person_data[name] for name in AUDIT] == [False, True, True]


def test_updates_can_be_made_as_any_user_of_the_org(org, sf_org):
    [account] = create_records(org, "Account", [{"Name": "A"}])
    integration = OrgUser.objects.get(user_id=sf_org.user_id)
    update_records(org, "Account", [{"Id": account, "Name": "B"}], user=integration)
    assert stored(account).data["LastModifiedById"] == sf_org.user_id


def test_a_refused_update_saves_nothing(org):
    first, second = create_records(org, "Account", [{"Name": "A"}, {"Name": "B"}])
    with pytest.raises(ValueError, match="REQUIRED_FIELD_MISSING"):
        update_records(org, "Account", [{"Id": first, "Phone": "1"}, {"Id": second, "Name": ""}])
    assert stored(first).data.get("Phone") is None


def test_a_deletion_by_the_sales_user_is_seen_by_query_all(api, org, later):
    [account] = create_records(org, "Account", [{"Name": "Gone"}])
    delete_records(org, "Account", [account])
    soql = "SELECT Id, LastModifiedById FROM Account WHERE IsDeleted = true"
    response = api.client.get(
        api.url("queryAll/"), {"q": soql}, HTTP_AUTHORIZATION=f"Bearer {api.token}"
    )
    assert response.json()["records"][0]["LastModifiedById"] == sales_user(org).user_id
    assert stored(account).deleted_at == later
