"""The field-mapping form's pickers: the org's writable fields of the target sObject, and the
source record's fields with examples from the store's records; the demo store and org over
real HTTP."""

import pytest
from django.urls import reverse

from integrations.recording import recording
from mappings.models import FieldMapping, ObjectSetting
from sandbox.faults import set_faults
from sandbox.models import Emulator
from stores.models import Membership, Role, SalesforceOrg
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def new_mapping(store, source, target):
    url = reverse("store_mappings_rule_new", args=[store.pk, source, "fields"])
    return f"{url}?target={target}"


def datalist(page: str, list_id: str) -> str:
    return page.split(f'<datalist id="{list_id}">')[1].split("</datalist>")[0]


def target_input(page: str) -> str:
    return (
        page.split('name="target_field"')[0].rsplit("<input", 1)[1]
        + 'name="target_field"'
        + (page.split('name="target_field"')[1].split(">")[0])
    )


def test_the_target_field_is_chosen_from_the_orgs_writable_fields(demo, owner, client):
    client.force_login(owner)
    page = client.get(new_mapping(demo.store, "customer", "Contact")).content.decode()
    assert 'list="target-field-options"' in target_input(page)
    offered = datalist(page, "target-field-options")
    assert '<option value="LastName">LastName · Last Name · string(80) · required</option>' in (
        offered
    )
    assert (
        '<option value="LeadSource">LeadSource · Lead Source · picklist(255) · values: Web, '
        "Phone Inquiry, Partner Referral, Purchased List, Other</option>"
    ) in offered
    assert '<option value="Email">Email · Email · email(80)</option>' in offered
    for read_only in ("Id", "CreatedDate", "LastModifiedDate", "SystemModstamp"):
        assert f'value="{read_only}"' not in offered
    assert "Choose one of the" in page


def test_a_target_field_the_org_cannot_write_is_refused(demo, owner, client):
    client.force_login(owner)
    form = {"kind": "field", "source": "email", "direction": "both", "position": "9"}
    url = new_mapping(demo.store, "customer", "Contact")
    response = client.post(url, {**form, "target_field": "CreatedDate"})
    assert "Contact has no field CreatedDate that the connector can write" in str(
        response.context["form"].errors["target_field"]
    )
    client.post(url, {**form, "target_field": "Department", "source": "notes"})
    setting = ObjectSetting.objects.get(store=demo.store, source="customer")
    assert FieldMapping.objects.get(setting=setting, target_field="Department").source == "notes"


def test_an_org_that_fails_leaves_a_text_input_and_says_why(demo, owner, client):
    client.force_login(owner)
    demo.org.forget_schema()  # connecting the org described some objects
    set_faults(Emulator.SALESFORCE, error_share=1.0)
    page = client.get(new_mapping(demo.store, "customer", "Contact")).content.decode()
    assert "list=" not in target_input(page)
    assert 'id="target-field-options"' not in page
    assert (
        f"The fields of Contact could not be read from {demo.org.name}: Salesforce HTTP 50"
    ) in page
    assert "Type the field&#x27;s API name." in page
    # The form still saves a typed name; validation checks it later.
    form = {"kind": "field", "source": "notes", "direction": "both", "position": "9"}
    client.post(new_mapping(demo.store, "customer", "Contact"), {**form, "target_field": "Title"})
    assert FieldMapping.objects.filter(setting__store=demo.store, target_field="Title").exists()


def test_an_org_not_connected_is_not_called(demo, owner, client):
    SalesforceOrg.objects.filter(pk=demo.org.pk).update(access_token="")
    client.force_login(owner)
    with recording() as calls:
        page = client.get(new_mapping(demo.store, "customer", "Contact")).content.decode()
    assert not [call for call in calls if call.system == "Salesforce"]
    assert "list=" not in target_input(page)
    assert f"{demo.org.name} is not connected, so the fields of Contact cannot be listed." in page


def test_the_source_field_lists_the_stores_own_fields_with_examples(demo, owner, client):
    client.force_login(owner)
    page = client.get(new_mapping(demo.store, "product", "Product2")).content.decode()
    offered = datalist(page, "source-field-options")
    assert (
        '<option value="custom_fields.0.value">custom_fields.0.value · Custom field “Material” '
        "· e.g. "
    ) in offered
    assert 'value="custom_fields.1.value">custom_fields.1.value · Custom field “Care”' in offered
    assert 'value="metafields.warehouse.bin">metafields.warehouse.bin · Metafield' in offered
    assert '<option value="sku">sku · e.g. ' in offered  # a known field, from a real record
    assert '<option value="warranty">warranty</option>' in offered  # known, empty in the store
    customers = client.get(new_mapping(demo.store, "customer", "Contact")).content.decode()
    assert 'value="metafields.crm.segment">' in datalist(customers, "source-field-options")


def describes(calls) -> list[str]:
    """The sObjects described by these calls."""
    return [
        call.path.split("/sobjects/")[1].split("/")[0]
        for call in calls
        if call.system == "Salesforce" and "/describe" in call.path
    ]


def test_refresh_reads_the_objects_fields_again(demo, owner, client):
    client.force_login(owner)
    detail = reverse("store_mappings_object", args=[demo.store.pk, "customer"])
    refresh = reverse("store_mappings_refresh_fields", args=[demo.store.pk, "customer"])
    assert f'action="{refresh}"' in client.get(detail).content.decode()
    form = new_mapping(demo.store, "customer", "Contact")
    client.get(form)  # the describe is cached from here on
    with recording() as calls:
        client.get(form)
    assert describes(calls) == []

    with recording() as calls:
        response = client.post(refresh, follow=True)
    assert describes(calls) == ["Account", "Contact"]
    assert response.redirect_chain[-1][0] == detail
    page = response.content.decode()
    assert f"Salesforce fields of {demo.org.name} read afresh: Account (" in page

    with recording() as calls:
        client.get(form)
    assert describes(calls) == []  # what the refresh read is what the form lists


def test_only_admins_refresh(demo, client):

    refresh = reverse("store_mappings_refresh_fields", args=[demo.store.pk, "customer"])
    for role in (Role.VIEWER, Role.OPERATOR):
        user = make_user(f"member-{role}")
        Membership.objects.create(user=user, store=demo.store, role=role)
        client.force_login(user)
        generation = demo.org.schema_generation
        assert client.post(refresh).status_code == 403
        demo.org.refresh_from_db()
        assert demo.org.schema_generation == generation
        detail = reverse("store_mappings_object", args=[demo.store.pk, "customer"])
        assert refresh not in client.get(detail).content.decode()
