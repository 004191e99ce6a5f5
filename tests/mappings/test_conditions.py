import pytest

from mappings.conditions import Condition, RecordTypeRule, matches, passes, record_type_for
from tests.examples import bigcommerce_example


@pytest.fixture
def order():
    return bigcommerce_example("v2_order_get.json")


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (Condition("total_inc_tax", "gt", "50"), True),
        (Condition("total_inc_tax", "gt", "500"), False),
        (Condition("total_inc_tax", "lt", "100"), True),
        (Condition("status_id", "eq", "7"), True),
        (Condition("status", "eq", "awaiting payment"), True),
        (Condition("status_id", "ne", "7"), False),
        (Condition("status_id", "in", "10, 7, 2"), True),
        (Condition("status_id", "in", "10,2"), False),
        (Condition("billing_address.email", "contains", "@EXAMPLE.com"), True),
        (Condition("billing_address.company", "empty"), True),
        (Condition("billing_address.phone", "empty"), False),
        (Condition("billing_address.phone", "not_empty"), True),
        (Condition("no.such.path", "empty"), True),
    ],
)
def test_each_operator_on_a_real_order(order, condition, expected):
    assert matches(order, condition) is expected


def test_contains_looks_inside_lists():
    product = bigcommerce_example("v3_catalog_product_get.json")["data"]
    assert matches(product, Condition("categories", "contains", "23"))
    assert not matches(product, Condition("categories", "contains", "99"))


def test_all_and_any_combine_conditions(order):
    big, guest = Condition("total_inc_tax", "gt", "500"), Condition("customer_id", "eq", "11")
    assert not passes(order, [big, guest], mode="all")
    assert passes(order, [big, guest], mode="any")


def test_only_orders_over_500(order):
    assert not passes(order, [Condition("total_inc_tax", "gt", "500")], action="allow")


def test_never_customers_of_the_test_group():
    customer = {"customer_group": {"name": "Test"}}
    never_test = [Condition("customer_group.name", "eq", "test")]
    assert not passes(customer, never_test, action="stop")
    assert passes({"customer_group": {"name": "Retail"}}, never_test, action="stop")


def test_no_conditions_means_everything_syncs(order):
    assert passes(order, [])


def test_the_first_matching_record_type_rule_wins():
    rules = [
        RecordTypeRule(Condition("customer_group.name", "eq", "Wholesale"), "Wholesale"),
        RecordTypeRule(Condition("company", "not_empty"), "Business"),
    ]
    assert (
        record_type_for({"customer_group": {"name": "Wholesale"}, "company": "A"}, rules)
        == "Wholesale"
    )
    assert record_type_for({"company": "Acme"}, rules) == "Business"
    assert record_type_for({"company": ""}, rules) is None
