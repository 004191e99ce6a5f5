"""Suggestions for the fields a store defines for itself that no mapping reads: by name and
type against the org's fields, and from the user's other stores; Accept maps, Reject hides.
The demo store and org over real HTTP."""

import pytest
from django.urls import reverse

from mappings.defaults import apply_default_template
from mappings.models import FieldMapping, ObjectSetting, RejectedSuggestion
from sandbox.salesforce.custom_schema import define_custom_field
from stores.models import Membership, Role
from tests.conftest import make_store, make_user
from tests.sync.conftest import sandbox_org

pytestmark = pytest.mark.django_db(transaction=True)

MATERIAL = {
    "target_object": "Product2",
    "target_field": "Material__c",
    "source": "custom_fields.0.value",
    "convert": "",
}


def url(name, store, source="product"):
    return reverse(name, args=[store.pk, source])


@pytest.fixture
def material_field(demo):
    define_custom_field(sandbox_org(), "Product2", "Material__c", "text", label="Material")
    demo.org.forget_schema()


def test_a_custom_field_is_suggested_for_the_field_of_its_name(demo, owner, client, material_field):
    client.force_login(owner)
    detail = client.get(url("store_mappings_object", demo.store)).content.decode()
    assert f'hx-get="{url("store_mappings_suggestions", demo.store)}"' in detail
    part = client.get(url("store_mappings_suggestions", demo.store)).content.decode()
    assert "<code>Product2.Material__c</code> ← <code>custom_fields.0.value</code>" in part
    assert "Custom field “Material” and Material__c (string) have the same name." in part
    assert "Care" not in part  # no field of that name in the org

    response = client.post(url("store_mappings_suggestion_accept", demo.store), MATERIAL)
    assert response.status_code == 302
    mapping = FieldMapping.objects.get(
        setting__store=demo.store, target_object="Product2", target_field="Material__c"
    )
    assert (mapping.source, mapping.kind, mapping.direction) == (
        "custom_fields.0.value",
        "field",
        "import",
    )
    page = client.get(response.url).content.decode()
    assert "Field mapping added: Product2.Material__c ← custom_fields.0.value." in page
    part = client.get(url("store_mappings_suggestions", demo.store)).content.decode()
    assert "Material__c" not in part


def test_a_rejected_suggestion_is_not_made_again_for_the_store(demo, owner, client, material_field):
    client.force_login(owner)
    part = client.get(url("store_mappings_suggestions", demo.store)).content.decode()
    assert "<code>Product2.Material__c</code>" in part
    client.post(url("store_mappings_suggestion_reject", demo.store), MATERIAL)
    assert RejectedSuggestion.objects.filter(setting__store=demo.store).count() == 1
    part = client.get(url("store_mappings_suggestions", demo.store)).content.decode()
    assert "Material__c" not in part
    assert not FieldMapping.objects.filter(target_field="Material__c").exists()


def test_a_mapping_of_another_store_of_the_user_is_suggested(demo, owner, client):
    define_custom_field(sandbox_org(), "Product2", "Bin_Location__c", "text", label="Location")
    demo.org.forget_schema()
    other = make_store("Outlet store")
    apply_default_template(other)
    FieldMapping.objects.create(
        setting=ObjectSetting.objects.get(store=other, source="product"),
        target_object="Product2",
        target_field="Bin_Location__c",
        source="metafields.warehouse.bin",
        direction="import",
    )
    client.force_login(owner)
    part = client.get(url("store_mappings_suggestions", demo.store)).content.decode()
    assert "<code>Product2.Bin_Location__c</code> ← <code>metafields.warehouse.bin</code>" in part
    assert "Mapped so in Outlet store." in part


@pytest.mark.parametrize("role", [Role.VIEWER, Role.OPERATOR])
def test_only_admins_see_and_answer_suggestions(demo, client, material_field, role):
    member = make_user(f"member-{role}")
    Membership.objects.create(user=member, store=demo.store, role=role)
    client.force_login(member)
    assert client.get(url("store_mappings_suggestions", demo.store)).status_code == 403
    for name in ("store_mappings_suggestion_accept", "store_mappings_suggestion_reject"):
        assert client.post(url(name, demo.store), MATERIAL).status_code == 403
    assert not RejectedSuggestion.objects.exists()
    assert not FieldMapping.objects.filter(target_field="Material__c").exists()
    detail = client.get(url("store_mappings_object", demo.store)).content.decode()
    assert "hx-get" not in detail.split("<main")[1]
