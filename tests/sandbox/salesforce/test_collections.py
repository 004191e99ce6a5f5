from sandbox.faults import set_faults
from sandbox.models import Emulator
from sandbox.salesforce import records
from sandbox.salesforce.services import create_records
from tests.sandbox.salesforce.conftest import reference_example

COLLECTIONS = "composite/sobjects"


def account(name, **fields):
    return {"attributes": {"type": "Account"}, "Name": name, **fields}


def test_create_saves_the_valid_records_and_reports_the_others_in_order(api, org):
    body = reference_example("sobject_collections_create_request.json")
    body["records"][1].pop("LastName")
    response = api.post(COLLECTIONS, body)
    assert response.status_code == 200
    created, failed = response.json()
    expected = reference_example("sobject_collections_response_200.json")
    assert set(created) == set(expected[0]) and created["success"]
    assert failed == expected[1]
    assert records.count(org, "Account") == 1 and records.count(org, "Contact") == 0


def test_all_or_none_rolls_every_record_back(api, org):
    body = {"allOrNone": True, "records": [account("Kept"), account("x" * 300), account("Also")]}
    results = api.post(COLLECTIONS, body).json()
    assert [result["success"] for result in results] == [False, False, False]
    assert results[1]["errors"][0]["statusCode"] == "STRING_TOO_LONG"
    rolled_back = results[0]["errors"][0]
    assert rolled_back["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert records.count(org, "Account") == 0


def test_more_than_200_records_are_refused(api):
    response = api.post(COLLECTIONS, {"records": [account(f"A{n}") for n in range(201)]})
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "EXCEEDED_ID_LIMIT"


def test_update_patches_each_record_by_id(api, org):
    first, second = create_records(org, "Account", [{"Name": "A"}, {"Name": "B"}])
    body = {
        "records": [
            {"attributes": {"type": "Account"}, "id": first, "Phone": "111"},
            {"attributes": {"type": "Account"}, "id": second, "Name": None},
            {"attributes": {"type": "Account"}, "Phone": "333"},
        ]
    }
    results = api.patch(COLLECTIONS, body).json()
    assert results[0] == {"id": first, "success": True, "errors": []}
    assert results[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    assert results[2]["errors"][0]["statusCode"] == "MISSING_ARGUMENT"
    assert records.count(org, "Account", Phone="111") == 1


def test_upsert_by_external_id_tells_created_from_updated(api, org):
    create_records(org, "Account", [{"Name": "Old", "BigCommerce_ID__c": "s:1"}])
    body = {
        "allOrNone": False,
        "records": [
            account("Renamed", BigCommerce_ID__c="s:1"),
            account("New", BigCommerce_ID__c="s:2"),
        ],
    }
    results = api.patch(f"{COLLECTIONS}/Account/BigCommerce_ID__c", body).json()
    expected = reference_example("sobject_collections_upsert_response_200.json")
    assert [set(result) for result in results] == [set(item) for item in expected]
    assert [result["created"] for result in results] == [False, True]
    assert records.count(org, "Account", Name="Renamed", BigCommerce_ID__c="s:1") == 1


def test_upsert_refuses_a_value_given_twice_and_a_missing_one(api, org):
    body = {
        "records": [
            account("A", BigCommerce_ID__c="s:1"),
            account("B", BigCommerce_ID__c="s:1"),
            account("C"),
            account("D", BigCommerce_ID__c="s:4"),
        ]
    }
    results = api.patch(f"{COLLECTIONS}/Account/BigCommerce_ID__c", body).json()
    codes = [result["errors"][0]["statusCode"] if result["errors"] else None for result in results]
    assert codes == ["DUPLICATE_EXTERNAL_ID", "DUPLICATE_EXTERNAL_ID", "MISSING_ARGUMENT", None]
    assert records.count(org, "Account") == 1


def test_upsert_needs_an_external_id_field(api):
    response = api.patch(f"{COLLECTIONS}/Account/Name", {"records": [account("A")]})
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_FIELD"


def test_delete_takes_ids_and_reports_each(api, org):
    first, second = create_records(org, "Account", [{"Name": "A"}, {"Name": "B"}])
    api.delete(f"sobjects/Account/{second}")
    response = api.client.delete(
        api.url(f"{COLLECTIONS}?ids={first},{second},junk&allOrNone=false"),
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    results = response.json()
    assert results[0] == {"id": first, "success": True, "errors": []}
    assert results[1]["errors"][0]["statusCode"] == "ENTITY_IS_DELETED"
    assert results[2]["errors"][0]["statusCode"] == "MALFORMED_ID"


def test_retrieve_returns_records_or_null(api, org):
    [first] = create_records(org, "Account", [{"Name": "A", "Phone": "1"}])
    response = api.get(f"{COLLECTIONS}/Account?ids={first},001001000000999AAA&fields=Name,Phone")
    found, missing = response.json()
    assert (found["Name"], found["Phone"]) == ("A", "1") and missing is None


def test_lock_errors_fail_records_one_by_one(api, org):
    set_faults(Emulator.SALESFORCE, lock_error_share=1.0)
    results = api.post(COLLECTIONS, {"records": [account("A"), account("B")]}).json()
    assert {result["errors"][0]["statusCode"] for result in results} == {"UNABLE_TO_LOCK_ROW"}
    assert records.count(org, "Account") == 0


def test_a_200_record_upsert_of_existing_records(api, org):
    create_records(
        org, "Account", [{"Name": f"A{n}", "BigCommerce_ID__c": f"s:{n}"} for n in range(200)]
    )
    body = {"records": [account(f"B{n}", BigCommerce_ID__c=f"s:{n}") for n in range(200)]}
    results = api.patch(f"{COLLECTIONS}/Account/BigCommerce_ID__c", body).json()
    assert all(result["success"] and not result["created"] for result in results)
    assert records.count(org, "Account", Name="B199") == 1
