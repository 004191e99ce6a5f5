"""Paths to the fields a store defines for itself, validated against a sample of its records:
the demo store and org over real HTTP."""

import pytest
from django.urls import reverse

from integrations.bigcommerce.client import BigCommerceClient
from integrations.recording import recording
from integrations.retry import RetryPolicy
from mappings import services
from mappings.models import FieldMapping, ObjectSetting
from sandbox.bigcommerce.models import Refund
from sandbox.faults import set_faults
from sandbox.models import Emulator

pytestmark = pytest.mark.django_db(transaction=True)


def add_mapping(store, source, target_object, target_field, path, kind="field"):
    return FieldMapping.objects.create(
        setting=ObjectSetting.objects.get(store=store, source=source),
        target_object=target_object,
        target_field=target_field,
        kind=kind,
        source=path,
    )


def bigcommerce_gets(calls) -> list[str]:
    """The paths (without their query) of the BigCommerce GETs among `calls`."""
    return [
        call.path.split("?")[0].split("/v", 1)[1]
        for call in calls
        if call.system == "BigCommerce" and call.method == "GET"
    ]


def messages(problems) -> list[str]:
    return [problem.message for problem in problems]


def test_paths_to_fields_the_latest_records_have_give_no_warning(demo):
    add_mapping(demo.store, "customer", "Contact", "Department", "metafields.crm.segment")
    add_mapping(demo.store, "customer", "Contact", "Title", "attributes.0.attribute_value")
    add_mapping(demo.store, "product", "Product2", "QuantityUnitOfMeasure", "custom_fields.1.value")
    with recording() as calls:
        validation = services.validate_store(demo.store)
    assert sorted(bigcommerce_gets(calls)) == [
        "3/catalog/products",
        "3/customers",
        "3/customers/metafields",
    ]
    assert validation.warnings == {"customer": [], "product": []}
    assert validation.count == 0


def test_paths_to_fields_no_latest_record_has_are_warnings(demo):
    add_mapping(demo.store, "customer", "Contact", "Department", "metafields.crm.loyalty")
    add_mapping(demo.store, "customer", "Contact", "Title", "Tier: {form_fields.Nope}", "template")
    add_mapping(demo.store, "product", "Product2", "StockKeepingUnit", "custom_fields.Material")
    add_mapping(demo.store, "product", "Product2", "QuantityUnitOfMeasure", "custom_fields.7.value")
    validation = services.validate_store(demo.store)
    assert messages(validation.warnings_of("customer")) == [
        "Contact.Department: 'metafields.crm.loyalty' is in none of the 25 latest customers; "
        "it may be a field that is empty today.",
        "Contact.Title: 'form_fields.Nope' is in none of the 25 latest customers: the connector "
        "reads them without form_fields.",
    ]
    assert messages(validation.warnings_of("product")) == [
        "Product2.StockKeepingUnit: 'custom_fields.Material' is in none of the 15 latest "
        "products: custom_fields is a list, and a path names its entries by position, not by "
        "name.",
        "Product2.QuantityUnitOfMeasure: 'custom_fields.7.value' is in none of the 15 latest "
        "products; it may be a field that is empty today.",
    ]
    assert {w.severity for w in validation.warnings_of("customer")} == {"warning"}
    assert (validation.count, validation.warning_count) == (0, 4)  # warnings are not problems


def test_without_paths_to_the_stores_own_fields_bigcommerce_is_not_called(demo):
    with recording() as calls:
        validation = services.validate_store(demo.store)
    assert validation.count == 0 and validation.warnings == {}
    assert bigcommerce_gets(calls) == []
    assert any(call.system == "Salesforce" for call in calls)

    template = "Carrier {metafields.fulfillment.carrier}"
    add_mapping(demo.store, "order", "Order", "Name", template, "template")
    with recording() as calls:
        validation = services.validate_store(demo.store)
    assert sorted(bigcommerce_gets(calls)) == ["2/orders", "3/orders/metafields"]
    assert validation.warnings == {"order": []}  # every tenth order has a carrier


def test_a_store_without_records_of_the_object_says_so(demo):
    add_mapping(demo.store, "refund", "Case", "SuppliedName", "metafields.crm.name")
    Refund.objects.all().delete()
    validation = services.validate_store(demo.store)
    assert messages(validation.warnings_of("refund")) == [
        "Case.SuppliedName: 'metafields.crm.name' cannot be checked: the store has no refunds "
        "to check against."
    ]


def test_a_bigcommerce_error_is_one_warning_and_the_org_is_still_checked(demo):
    add_mapping(demo.store, "customer", "Contact", "Shoe_Size__c", "form_fields.shoe_size")
    add_mapping(demo.store, "product", "Product2", "StockKeepingUnit", "custom_fields.0.value")
    set_faults(Emulator.BIGCOMMERCE, error_share=1.0)
    bc = BigCommerceClient.for_store(demo.store, retry=RetryPolicy(base_delay=0.01))
    validation = services.validate_store(demo.store, bc=bc)
    assert messages(validation.problems["customer"]) == [
        "Contact.Shoe_Size__c does not exist in this org."
    ]
    assert list(validation.warnings) == [""]
    (warning,) = validation.store_warnings
    assert warning.message.startswith(
        "The store's records could not be read from BigCommerce, so paths to the fields it "
        "defines for itself were not checked: BigCommerce HTTP 50"
    )
    assert (validation.count, validation.warning_count) == (1, 1)


def test_an_admin_sees_the_warning_beside_its_mapping(demo, owner, client):
    mapping = add_mapping(demo.store, "customer", "Contact", "Title", "form_fields.Nope")
    client.force_login(owner)
    store = demo.store
    response = client.post(reverse("store_mappings_validate", args=[store.pk]), follow=True)
    page = response.content.decode()
    assert f"Validation against {store.salesforce_org.name}: no problems, 1 warning(s)." in page
    assert '<span class="badge warn">1 warning</span>' in page
    warning = (
        "Contact.Title: &#x27;form_fields.Nope&#x27; is in none of the 25 latest customers: "
        "the connector reads them without form_fields."
    )
    assert warning in page
    detail = client.get(reverse("store_mappings_object", args=[store.pk, "customer"]))
    row = detail.content.decode().split(f'id="mapping-{mapping.pk}"')[1].split("</tr>")[0]
    assert f'<p class="message warning">{warning}</p>' in row
