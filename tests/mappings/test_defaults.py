from decimal import Decimal

import pytest

from mappings.defaults import apply_default_template
from mappings.derived import with_derived_fields
from mappings.models import FieldMapping, ObjectSetting, SourceObject
from mappings.transform import transform
from tests.examples import bigcommerce_example

pytestmark = pytest.mark.django_db


def setting(store, source):
    return ObjectSetting.objects.get(store=store, source=source)


def test_a_store_starts_with_a_working_template_for_every_object(store_b):
    apply_default_template(store_b)
    assert set(ObjectSetting.objects.filter(store=store_b).values_list("source", flat=True)) == {
        s.value for s in SourceObject
    }


def test_the_customer_template_maps_a_real_customer(store_b):
    apply_default_template(store_b)
    customer = with_derived_fields(
        "customer", bigcommerce_example("v3_customers_list.json")["data"][0]
    )
    contact = transform(customer, setting(store_b, "customer").rules_for("Contact"))
    account = transform(customer, setting(store_b, "customer").rules_for("Account"))
    assert contact.ok and account.ok
    assert contact.values["LastName"] == "Smith"
    assert contact.values["Email"] == "jane.smith@example.com"
    assert contact.values["MailingStreet"] == "Addr1"
    assert account.values["Name"] == "Acme Corp"


def test_a_person_without_a_company_names_the_account(store_b):
    apply_default_template(store_b)
    customer = {"first_name": "Ada", "last_name": "Lovelace", "company": ""}
    account = transform(
        with_derived_fields("customer", customer), setting(store_b, "customer").rules_for("Account")
    )
    assert account.values["Name"] == "Ada Lovelace"


def test_the_order_template_maps_a_real_order(store_b):
    apply_default_template(store_b)
    order = bigcommerce_example("v2_order_get.json")
    rules = setting(store_b, "order").rules_for("Order")
    values = transform(order, rules).values
    assert values["EffectiveDate"] == "2019-03-05"
    assert values["Status"] == "Draft"  # Awaiting Payment stays Draft
    assert values["Description"] == "BigCommerce order #218 (Awaiting Payment)"
    opportunity = transform(order, setting(store_b, "order").rules_for("Opportunity")).values
    assert opportunity["Amount"] == Decimal("69.84")
    assert opportunity["StageName"] == "Prospecting"


def test_a_guest_without_a_last_name_becomes_guest(store_b):
    apply_default_template(store_b)
    order = {"billing_address": {"first_name": "", "last_name": "", "email": ""}}
    contact = transform(
        with_derived_fields("guest", order), setting(store_b, "guest").rules_for("Contact")
    )
    assert contact.values["LastName"] == "Guest"


def test_applying_again_keeps_edits_unless_asked_to_replace(store_b):
    apply_default_template(store_b)
    mapping = FieldMapping.objects.get(setting__store=store_b, target_field="ProductCode")
    mapping.source = "mpn"
    mapping.save()
    apply_default_template(store_b)
    assert FieldMapping.objects.get(pk=mapping.pk).source == "mpn"
    apply_default_template(store_b, replace=True)
    assert (
        FieldMapping.objects.get(setting__store=store_b, target_field="ProductCode").source == "sku"
    )
