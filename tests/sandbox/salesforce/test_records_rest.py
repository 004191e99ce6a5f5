from datetime import timedelta

import pytest

from sandbox.salesforce import records
from sandbox.salesforce.models import Record
from sandbox.salesforce.services import create_records, define_custom_field, provision_org
from sandbox.salesforce.values import now, parse_datetime
from tests.sandbox.salesforce.conftest import (
    ApiClient,
    client_credentials_token,
    reference_example,
)


def test_a_created_record_reads_back_with_system_fields(api, sf_org):
    created = api.post("sobjects/Account/", {"Name": "Acme", "BillingCity": "Lisbon"})
    assert created.status_code == 201
    body = created.json()
    assert set(body) == set(reference_example("sobject_create_201.json"))
    record = api.get(f"sobjects/Account/{body['id']}").json()
    assert record["attributes"] == {
        "type": "Account",
        "url": f"/services/data/v62.0/sobjects/Account/{body['id']}",
    }
    assert record["Name"] == "Acme" and record["BillingCity"] == "Lisbon"
    assert record["OwnerId"] == record["CreatedById"] == sf_org.user_id
    assert record["IsDeleted"] is False
    assert record["CreatedDate"] == record["SystemModstamp"]
    assert record["Phone"] is None


def test_get_takes_a_field_list(api, org):
    [account] = create_records(org, "Account", [{"Name": "Acme", "Phone": "555"}])
    record = api.get(f"sobjects/Account/{account}?fields=Name,phone").json()
    assert set(record) == {"attributes", "Name", "Phone"}


def test_an_update_answers_204_and_moves_the_modstamp(api, org):
    [account] = create_records(org, "Account", [{"Name": "Acme"}])
    before = api.get(f"sobjects/Account/{account}").json()
    assert api.patch(f"sobjects/Account/{account[:15]}", {"Name": "Acme 2"}).status_code == 204
    after = api.get(f"sobjects/Account/{account}").json()
    assert after["Name"] == "Acme 2"
    assert after["SystemModstamp"] >= before["SystemModstamp"]
    assert after["CreatedDate"] == before["CreatedDate"]


def test_a_delete_answers_204_and_then_the_record_is_gone(api, org):
    [account] = create_records(org, "Account", [{"Name": "Acme"}])
    assert api.delete(f"sobjects/Account/{account}").status_code == 204
    gone = api.get(f"sobjects/Account/{account}")
    assert gone.status_code == 404
    assert gone.json()[0]["errorCode"] == "NOT_FOUND"


def test_deleting_an_account_deletes_its_contacts(api, org):
    [account] = create_records(org, "Account", [{"Name": "Acme"}])
    create_records(org, "Contact", [{"LastName": "Lee", "AccountId": account}])
    api.delete(f"sobjects/Account/{account}")
    assert records.count(org, "Contact") == 0


def test_an_unknown_object_or_malformed_id_is_not_found(api):
    assert api.get("sobjects/Nothing__c/describe/").status_code == 404
    response = api.get("sobjects/Account/garbage")
    assert response.status_code == 404
    assert "garbage" in response.json()[0]["message"]


def test_upsert_creates_then_updates_by_external_id(api, org):
    created = api.patch("sobjects/Account/BigCommerce_ID__c/store1:42", {"Name": "Acme"})
    assert created.status_code == 201
    body = created.json()
    assert set(body) == set(reference_example("sobject_upsert_created_201.json"))
    assert (body["created"], body["success"], body["errors"]) == (True, True, [])
    updated = api.patch("sobjects/Account/BigCommerce_ID__c/store1:42", {"Name": "Acme 2"})
    assert updated.status_code == 200
    assert updated.json() == {
        "id": created.json()["id"],
        "success": True,
        "errors": [],
        "created": False,
    }
    assert records.count(org, "Account", BigCommerce_ID__c="store1:42", Name="Acme 2") == 1


def test_before_v46_an_upsert_update_answers_204(api):
    api.patch("sobjects/Account/BigCommerce_ID__c/7", {"Name": "Acme"})
    response = api.patch("/services/data/v45.0/sobjects/Account/BigCommerce_ID__c/7", {"Name": "B"})
    assert response.status_code == 204


def test_upsert_with_update_only_does_not_create(api, org):
    response = api.patch("sobjects/Account/BigCommerce_ID__c/none?updateOnly=true", {"Name": "X"})
    assert response.status_code == 404
    assert records.count(org, "Account") == 0


def test_upsert_matching_several_records_answers_300_and_writes_nothing(api, org):
    define_custom_field(org, "Account", "Legacy_Code__c", "text", external_id=True)
    first, second = create_records(
        org,
        "Account",
        [{"Name": "A", "Legacy_Code__c": "X1"}, {"Name": "B", "Legacy_Code__c": "X1"}],
    )
    response = api.patch("sobjects/Account/Legacy_Code__c/X1", {"Name": "C"})
    assert response.status_code == 300
    assert sorted(response.json()) == [
        f"/services/data/v62.0/sobjects/Account/{first}",
        f"/services/data/v62.0/sobjects/Account/{second}",
    ]
    assert records.count(org, "Account", Name="C") == 0


def test_get_and_delete_by_external_id(api, org):
    [account] = create_records(org, "Account", [{"Name": "A", "BigCommerce_ID__c": "s:1"}])
    assert api.get("sobjects/Account/BigCommerce_ID__c/s:1").json()["Id"] == account
    assert api.delete("sobjects/Account/BigCommerce_ID__c/s:1").status_code == 204
    assert api.get("sobjects/Account/BigCommerce_ID__c/s:1").status_code == 404


def test_upsert_by_a_field_that_is_not_an_external_id_is_not_found(api):
    response = api.patch("sobjects/Account/Name/Acme", {"Phone": "1"})
    assert response.status_code == 404


def test_describe_lists_fields_with_their_metadata(api):
    body = api.get("sobjects/Account/describe/").json()
    fields = {field["name"]: field for field in body["fields"]}
    name = fields["Name"]
    assert name["type"] == "string" and name["length"] == 255
    assert not name["nillable"] and name["createable"] and not name["defaultedOnCreate"]
    key = fields["BigCommerce_ID__c"]
    assert key["externalId"] and key["unique"] and key["custom"]
    assert fields["ParentId"]["referenceTo"] == ["Account"]
    assert fields["ParentId"]["relationshipName"] == "Parent"
    assert fields["Id"]["type"] == "id" and not fields["Id"]["createable"]
    assert body["keyPrefix"] == "001"
    record_types = {info["name"]: info for info in body["recordTypeInfos"]}
    assert set(record_types) == {"Business", "Wholesale", "Master"}
    assert record_types["Business"]["defaultRecordTypeMapping"]
    assert record_types["Master"]["master"]
    contacts = [r for r in body["childRelationships"] if r["childSObject"] == "Contact"]
    assert contacts[0]["relationshipName"] == "Contacts"


def test_picklists_are_described_with_their_values(api):
    fields = {f["name"]: f for f in api.get("sobjects/Order/describe/").json()["fields"]}
    status = fields["Status"]
    assert [value["value"] for value in status["picklistValues"]] == ["Draft", "Activated"]
    assert status["restrictedPicklist"] and status["defaultedOnCreate"]


def test_the_sobjects_list_has_standard_and_custom_objects(api):
    body = api.get("sobjects/").json()
    prefixes = {entry["name"]: entry["keyPrefix"] for entry in body["sobjects"]}
    expected = {
        "Account": "001",
        "Contact": "003",
        "Lead": "00Q",
        "Product2": "01t",
        "Pricebook2": "01s",
        "PricebookEntry": "01u",
        "Order": "801",
        "OrderItem": "802",
        "Opportunity": "006",
        "OpportunityLineItem": "00k",
        "Case": "500",
        "Campaign": "701",
        "RecordType": "012",
        "User": "005",
    }
    assert expected.items() <= prefixes.items()
    assert prefixes["BigCommerce_Category__c"].startswith("a0")


def test_basic_information_shows_recent_records(api, org):
    create_records(org, "Account", [{"Name": "Acme"}])
    body = api.get("sobjects/Account/").json()
    assert body["objectDescribe"]["name"] == "Account"
    assert body["recentItems"][0]["Name"] == "Acme"


def test_resources_of_a_version(api, sf_org):
    body = api.get("/services/data/v62.0/").json()
    assert body["sobjects"] == "/services/data/v62.0/sobjects"
    assert body["query"] == "/services/data/v62.0/query"


def test_an_unknown_version_is_not_found(api):
    assert api.get("/services/data/v99.0/limits/").status_code == 404


def test_an_unknown_resource_answers_salesforces_not_found(api):
    response = api.get("no/such/resource")
    assert response.status_code == 404
    assert response.json()[0]["errorCode"] == "NOT_FOUND"


def test_a_wrong_method_answers_405(api):
    assert api.call("put", "limits/").status_code == 405


def test_get_updated_and_get_deleted(api, org):
    start = (now() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    end = (now() + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    kept, removed = create_records(org, "Account", [{"Name": "Kept"}, {"Name": "Removed"}])
    api.delete(f"sobjects/Account/{removed}")
    window = {"start": start, "end": end}
    updated = api.client.get(
        api.url("sobjects/Account/updated/"), window, HTTP_AUTHORIZATION=f"Bearer {api.token}"
    ).json()
    assert updated["ids"] == [kept]
    assert set(updated) == set(reference_example("get_updated_response.json"))
    deleted = api.client.get(
        api.url("sobjects/Account/deleted/"), window, HTTP_AUTHORIZATION=f"Bearer {api.token}"
    ).json()
    assert [item["id"] for item in deleted["deletedRecords"]] == [removed]
    assert set(deleted) == set(reference_example("get_deleted_response.json"))


def test_get_deleted_keeps_15_days_and_says_so(api):
    oldest = (now() - timedelta(days=15) + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:00+00:00")
    window = {"start": oldest, "end": now().strftime("%Y-%m-%dT%H:%M:%S+00:00")}
    answer = api.client.get(
        api.url("sobjects/Account/deleted/"), window, HTTP_AUTHORIZATION=f"Bearer {api.token}"
    ).json()
    assert answer["deletedRecords"] == []
    assert parse_datetime(answer["earliestDateAvailable"]) <= parse_datetime(oldest)
    assert parse_datetime(answer["earliestDateAvailable"]) > now() - timedelta(days=15, minutes=1)
    window["start"] = (now() - timedelta(days=15, minutes=2)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    too_old = api.client.get(
        api.url("sobjects/Account/deleted/"), window, HTTP_AUTHORIZATION=f"Bearer {api.token}"
    )
    assert too_old.status_code == 400
    assert too_old.json()[0]["errorCode"] == "INVALID_REPLICATION_DATE"


def test_get_updated_refuses_a_window_older_than_30_days(api):
    old = (now() - timedelta(days=31)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    response = api.client.get(
        api.url("sobjects/Account/updated/"),
        {"start": old, "end": now().strftime("%Y-%m-%dT%H:%M:%S+00:00")},
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_REPLICATION_DATE"


@pytest.mark.parametrize("object_name", ["RecordType", "User"])
def test_managed_objects_cannot_be_created_through_the_api(api, object_name):
    response = api.post(f"sobjects/{object_name}/", {"Name": "X"})
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INSUFFICIENT_ACCESS_OR_READONLY"


def test_writes_are_recorded_against_the_calling_user(api, org, sf_org):
    api.post("sobjects/Lead/", {"LastName": "Lee", "Company": "Acme"})
    lead = Record.objects.get(org=org, object_name="Lead").data
    assert lead["LastModifiedById"] == sf_org.user_id
    assert lead["Status"] == "Open - Not Contacted"
    assert lead["Name"] == "Lee"


def test_each_org_sees_only_its_own_records(api, client, org):
    other = provision_org(name="Other org")
    [theirs] = create_records(
        other.org, "Account", [{"Name": "Theirs", "BigCommerce_ID__c": "s:1"}]
    )
    [ours] = create_records(org, "Account", [{"Name": "Ours", "BigCommerce_ID__c": "s:1"}])
    assert theirs != ours
    assert api.get(f"sobjects/Account/{theirs}").status_code == 404
    assert api.query("SELECT Name FROM Account").json()["records"][0]["Name"] == "Ours"
    other_api = ApiClient(client, client_credentials_token(client, other))
    assert other_api.get("sobjects/Account/BigCommerce_ID__c/s:1").json()["Id"] == theirs
