import pytest

from sandbox.salesforce import records
from sandbox.salesforce.services import (
    SchemaError,
    create_records,
    define_record_type,
    set_duplicate_rules,
)
from tests.sandbox.salesforce.conftest import reference_example


def error_of(response) -> dict:
    assert response.status_code == 400, response.content
    [error] = response.json()
    return error


def test_missing_required_fields_are_named(api):
    error = error_of(api.post("sobjects/Account/", {"Phone": "1"}))
    assert error == reference_example("error_required_field_missing_400.json")[0]


def test_clearing_a_required_field_on_update_is_refused(api, org):
    [contact] = create_records(org, "Contact", [{"LastName": "Lee"}])
    error = error_of(api.patch(f"sobjects/Contact/{contact}", {"LastName": None}))
    assert error["errorCode"] == "REQUIRED_FIELD_MISSING" and error["fields"] == ["LastName"]


def test_unknown_fields_are_invalid(api):
    error = error_of(api.post("sobjects/Account/", {"Name": "A", "Nickname__c": "x"}))
    assert error["errorCode"] == "INVALID_FIELD"
    assert error["message"] == "No such column 'Nickname__c' on sobject of type Account"


def test_read_only_fields_cannot_be_written(api):
    error = error_of(api.post("sobjects/Account/", {"Name": "A", "CreatedDate": "2020-01-01"}))
    assert error["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert error["fields"] == ["CreatedDate"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("AnnualRevenue", "lots"),
        ("NumberOfEmployees", 1.5),
        ("NumberOfEmployees", True),
    ],
)
def test_values_must_fit_the_field_type(api, field, value):
    error = error_of(api.post("sobjects/Account/", {"Name": "A", field: value}))
    assert error["errorCode"] == "INVALID_TYPE_ON_FIELD_IN_RECORD"
    assert error["fields"] == [field]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"CloseDate": "15/01/2024"}, "INVALID_TYPE_ON_FIELD_IN_RECORD"),
        ({"CloseDate": "2024-02-30"}, "INVALID_TYPE_ON_FIELD_IN_RECORD"),
        ({"StageName": "Won big"}, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"),
    ],
)
def test_dates_and_restricted_picklists_are_checked(api, body, code):
    opportunity = {"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2024-01-15", **body}
    assert error_of(api.post("sobjects/Opportunity/", opportunity))["errorCode"] == code


def test_numbers_dates_and_booleans_are_stored_in_their_wire_form(api, org):
    response = api.post(
        "sobjects/Product2/", {"Name": "Shirt", "IsActive": "true", "Description": "Cotton"}
    )
    product = api.get(f"sobjects/Product2/{response.json()['id']}").json()
    assert product["IsActive"] is True
    opportunity = api.post(
        "sobjects/Opportunity/",
        {"Name": "D", "StageName": "closed won", "CloseDate": "2024-01-15", "Amount": "12.345"},
    ).json()["id"]
    stored = api.get(f"sobjects/Opportunity/{opportunity}").json()
    assert stored["Amount"] == 12.35 and stored["StageName"] == "Closed Won"
    assert stored["IsWon"] is True and stored["Probability"] == 100


def test_text_longer_than_the_field_is_refused(api):
    error = error_of(api.post("sobjects/Account/", {"Name": "x" * 256}))
    assert error["errorCode"] == "STRING_TOO_LONG" and error["fields"] == ["Name"]


def test_an_email_must_look_like_one(api):
    error = error_of(api.post("sobjects/Contact/", {"LastName": "L", "Email": "not-an-email"}))
    assert error["errorCode"] == "INVALID_EMAIL_ADDRESS"


def test_lookups_need_a_well_formed_id(api):
    error = error_of(api.post("sobjects/Contact/", {"LastName": "L", "AccountId": "nope"}))
    assert error["errorCode"] == "MALFORMED_ID" and error["fields"] == ["AccountId"]


def test_lookups_need_an_existing_record_of_the_right_object(api, org):
    [contact] = create_records(org, "Contact", [{"LastName": "Other"}])
    missing = "001001000000999AAA"
    for account_id in (contact, missing):
        error = error_of(api.post("sobjects/Contact/", {"LastName": "L", "AccountId": account_id}))
        assert error["errorCode"] == "INVALID_CROSS_REFERENCE_KEY"
        assert error["fields"] == ["AccountId"]


def test_a_parent_can_be_named_by_its_external_id(api, org):
    [account] = create_records(org, "Account", [{"Name": "A", "BigCommerce_ID__c": "s:9"}])
    response = api.post(
        "sobjects/Contact/", {"LastName": "L", "Account": {"BigCommerce_ID__c": "s:9"}}
    )
    assert response.status_code == 201
    assert records.count(org, "Contact", AccountId=account) == 1
    error = error_of(
        api.post("sobjects/Contact/", {"LastName": "L", "Account": {"BigCommerce_ID__c": "s:0"}})
    )
    assert error["errorCode"] == "INVALID_FIELD"
    assert "Foreign key external ID: s:0 not found" in error["message"]


def test_unique_external_ids_refuse_duplicates_with_the_documented_message(api, org):
    [first] = create_records(org, "Account", [{"Name": "A", "BigCommerce_ID__c": "s:1"}])
    error = error_of(api.post("sobjects/Account/", {"Name": "B", "BigCommerce_ID__c": "s:1"}))
    expected = reference_example("error_duplicate_value_400.json")[0]
    assert error["errorCode"] == expected["errorCode"] and error["fields"] == []
    assert error["message"] == (
        f"duplicate value found: BigCommerce_ID__c duplicates value on record with id: {first}"
    )


def test_a_unique_value_is_free_again_once_its_record_is_deleted(api, org):
    [first] = create_records(org, "Account", [{"Name": "A", "BigCommerce_ID__c": "s:1"}])
    api.delete(f"sobjects/Account/{first}")
    assert (
        api.post("sobjects/Account/", {"Name": "B", "BigCommerce_ID__c": "s:1"}).status_code == 201
    )


def test_a_blocking_duplicate_rule_refuses_a_second_contact_with_the_email(api, org):
    set_duplicate_rules(org, [{"object": "Contact", "fields": ["Email"]}])
    [first] = create_records(org, "Contact", [{"LastName": "A", "Email": "ann@example.com"}])
    response = api.post("sobjects/Contact/", {"LastName": "B", "Email": "ANN@example.com"})
    error = error_of(response)
    assert error["errorCode"] == "DUPLICATES_DETECTED"
    match = error["duplicateResult"]["matchResults"][0]["matchRecords"][0]["record"]
    assert match["Id"] == first
    allowed = api.post(
        "sobjects/Contact/",
        {"LastName": "B", "Email": "ann@example.com"},
        headers={"Sforce-Duplicate-Rule-Header": "allowSave=true"},
    )
    assert allowed.status_code == 400


def test_an_alerting_duplicate_rule_yields_to_allow_save(api, org):
    set_duplicate_rules(org, [{"object": "Contact", "fields": ["Email"], "action": "alert"}])
    create_records(org, "Contact", [{"LastName": "A", "Email": "ann@example.com"}])
    body = {"LastName": "B", "Email": "ann@example.com"}
    assert api.post("sobjects/Contact/", body).status_code == 400
    allowed = api.post(
        "sobjects/Contact/", body, headers={"Sforce-Duplicate-Rule-Header": "allowSave=true"}
    )
    assert allowed.status_code == 201


def record_types(api) -> dict[str, str]:
    soql = "SELECT Id, DeveloperName FROM RecordType WHERE SobjectType = 'Account'"
    return {r["DeveloperName"]: r["Id"] for r in api.query(soql).json()["records"]}


def test_new_accounts_get_the_default_record_type(api, org):
    created = api.post("sobjects/Account/", {"Name": "A"}).json()["id"]
    assert (
        api.get(f"sobjects/Account/{created}").json()["RecordTypeId"]
        == record_types(api)["Business"]
    )


def test_a_record_type_must_be_an_active_one_of_the_object(api, org):
    wholesale = record_types(api)["Wholesale"]
    assert (
        api.post("sobjects/Account/", {"Name": "A", "RecordTypeId": wholesale}).status_code == 201
    )
    inactive = define_record_type(org, "Account", "Retired", active=False)
    of_contacts = define_record_type(org, "Contact", "Supplier")
    for record_type in (inactive, of_contacts):
        error = error_of(api.post("sobjects/Account/", {"Name": "A", "RecordTypeId": record_type}))
        assert error["errorCode"] == "INVALID_CROSS_REFERENCE_KEY"
        assert error["fields"] == ["RecordTypeId"]
    assert (
        api.post("sobjects/Contact/", {"LastName": "L", "RecordTypeId": of_contacts}).status_code
        == 201
    )


def test_record_types_are_defined_only_where_objects_have_them(org):
    with pytest.raises(SchemaError):
        define_record_type(org, "PricebookEntry", "Special")
    define_record_type(org, "Case", "Return")
    with pytest.raises(SchemaError):
        define_record_type(org, "Case", "Return")


def test_an_empty_string_is_stored_as_null(api, org):
    [account] = create_records(org, "Account", [{"Name": "A", "Phone": "1"}])
    assert api.patch(f"sobjects/Account/{account}", {"Phone": ""}).status_code == 204
    assert api.get(f"sobjects/Account/{account}").json()["Phone"] is None
    assert error_of(api.patch(f"sobjects/Account/{account}", {"Name": ""}))["fields"] == ["Name"]
