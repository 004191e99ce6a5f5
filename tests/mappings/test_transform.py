from decimal import Decimal

import pytest

from mappings.transform import Rule, render_template, transform
from tests.examples import bigcommerce_example


@pytest.fixture
def order():
    return bigcommerce_example("v2_order_get.json")


@pytest.fixture
def customer():
    return bigcommerce_example("v3_customers_list.json")["data"][0]


def test_a_field_rule_copies_a_nested_path(order):
    result = transform(order, [Rule("BillingCity", source="billing_address.city")])
    assert result.values == {"BillingCity": "Austin"}


def test_a_list_index_reaches_into_addresses(customer):
    result = transform(customer, [Rule("MailingStreet", source="addresses.0.address1")])
    assert result.values == {"MailingStreet": "Addr1"}


def test_money_strings_become_decimals_never_floats(order):
    result = transform(order, [Rule("Amount__c", source="total_inc_tax", convert="money")])
    assert result.values["Amount__c"] == Decimal("69.84")
    assert isinstance(result.values["Amount__c"], Decimal)


def test_rfc_2822_dates_become_utc(order):
    rules = [
        Rule("EffectiveDate", source="date_created", convert="date"),
        Rule("Modified__c", source="date_modified", convert="datetime"),
    ]
    assert transform(order, rules).values == {
        "EffectiveDate": "2019-03-05",
        "Modified__c": "2019-03-11T15:17:25.000Z",
    }


def test_iso_dates_with_an_offset_are_converted_to_utc():
    product = bigcommerce_example("v3_catalog_product_get.json")["data"]
    product["date_modified"] = "2018-09-05T23:42:07+03:00"
    result = transform(product, [Rule("Modified__c", source="date_modified", convert="datetime")])
    assert result.values["Modified__c"] == "2018-09-05T20:42:07.000Z"


def test_a_template_joins_fields_and_leaves_no_double_spaces(customer):
    customer["first_name"] = ""
    assert render_template("{first_name} {last_name} ({company})", customer) == "Smith (Acme Corp)"


def test_a_constant_fills_a_field(order):
    assert transform(order, [Rule("Status", kind="constant", source="Draft")]).values == {
        "Status": "Draft"
    }


def test_a_lookup_table_maps_status_ids_to_a_picklist(order):
    rule = Rule(
        "Status__c",
        kind="lookup",
        source="status_id",
        lookup={"7": "Awaiting Payment", "10": "Completed"},
    )
    assert transform(order, [rule]).values == {"Status__c": "Awaiting Payment"}


def test_an_unknown_lookup_key_falls_back_to_the_default(order):
    rule = Rule(
        "Status__c", kind="lookup", source="status_id", lookup={"10": "Completed"}, default="Other"
    )
    assert transform(order, [rule]).values == {"Status__c": "Other"}


def test_an_empty_required_field_is_an_error_that_names_the_source(order):
    result = transform(order, [Rule("Company__c", source="billing_address.company", required=True)])
    assert not result.ok
    assert result.errors == {
        "Company__c": "Company__c is required and source 'billing_address.company' is empty"
    }


def test_an_empty_optional_field_is_sent_as_empty(order):
    result = transform(order, [Rule("Street2__c", source="billing_address.street_2")])
    assert result.values == {"Street2__c": None}


def test_a_value_that_does_not_convert_is_an_error(order):
    result = transform(order, [Rule("Amount__c", source="billing_address.city", convert="money")])
    assert result.errors == {"Amount__c": "'Austin' is not an amount"}


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("no", False), (True, True)])
def test_booleans_accept_common_spellings(raw, expected):
    assert transform({"v": raw}, [Rule("B", source="v", convert="boolean")]).values == {
        "B": expected
    }


def test_text_is_cut_to_the_target_length(order):
    rule = Rule("ShortCity__c", source="billing_address.city", max_length=3)
    assert transform(order, [rule]).values == {"ShortCity__c": "Aus"}
