"""The console pages that edit a store's mappings, as an admin and a viewer use them."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from integrations.salesforce import auth
from mappings.defaults import apply_default_template
from mappings.models import FieldMapping, ObjectSetting, SourceObject, SyncCondition
from sandbox.faults import set_faults
from sandbox.models import Emulator
from sandbox.salesforce.services import provision_org
from stores.models import AuthFlow
from tests.examples import bigcommerce_example

pytestmark = pytest.mark.django_db


def url(name, store, *args):
    return reverse(name, args=[store.pk, *args])


def mapping(store, target_object, target_field, source="customer"):
    return FieldMapping.objects.get(
        setting__store=store,
        setting__source=source,
        target_object=target_object,
        target_field=target_field,
    )


def field_form(**fields):
    return {
        "target_field": "Description",
        "kind": "field",
        "source": "notes",
        "lookup_table": "",
        "convert": "",
        "default": "",
        "direction": "both",
        "position": "9",
        **fields,
    }


@pytest.fixture
def admin(client_for, alice, store_a):
    apply_default_template(store_a)
    return client_for(alice)


def test_the_mappings_page_starts_a_new_store_from_the_template(client_for, alice, store_a):
    page = client_for(alice).get(url("store_mappings", store_a)).content.decode()
    assert ObjectSetting.objects.filter(store=store_a).count() == len(SourceObject)
    assert "Customers" in page and "Account, Contact" in page


def test_the_store_page_links_to_its_mappings(client_for, victor, store_a):
    page = client_for(victor).get(url("store_detail", store_a)).content.decode()
    assert url("store_mappings", store_a) in page


def test_an_admin_edits_an_objects_settings(admin, store_a):
    response = admin.post(
        url("store_mappings_object", store_a, "order"),
        {
            "direction": "both",
            "order_target": "opportunity",
            "external_id_field": "BC_Order_ID__c",
            "on_delete": "unlink",
            "multiple_matches": "oldest",
            "condition_mode": "any",
            "condition_action": "stop",
            "export_on_delete": "nothing",
            "conflict_rule": "salesforce",
        },
        follow=True,
    )
    assert "Orders: settings saved." in response.content.decode()
    setting = ObjectSetting.objects.get(store=store_a, source="order")
    assert (setting.enabled, setting.realtime) == (False, False)  # unchecked boxes
    assert (setting.direction, setting.order_target) == ("both", "opportunity")
    assert (setting.on_delete, setting.multiple_matches) == ("unlink", "oldest")
    assert setting.conflict_rule == "salesforce"
    assert setting.target_objects() == ["Opportunity", "OpportunityLineItem"]


def test_a_setting_shows_only_the_options_of_its_object(admin, store_a):
    customers = admin.get(url("store_mappings_object", store_a, "customer")).content.decode()
    products = admin.get(url("store_mappings_object", store_a, "product")).content.decode()
    assert 'name="order_target"' not in customers and 'name="custom_price_book"' not in customers
    assert 'name="custom_price_book"' in products


def test_the_export_settings_are_grouped_under_their_heading(admin, store_a):
    customers = admin.get(url("store_mappings_object", store_a, "customer")).content.decode()
    export = customers.split('id="export-settings"')[1].split("</fieldset>")[0]
    assert "Export (Salesforce → BigCommerce)" in export
    for name in ("export_mode", "export_on_delete", "conflict_rule"):
        assert f'name="{name}"' in export
    assert "upsert creates it" in export  # the help text
    orders = admin.get(url("store_mappings_object", store_a, "order")).content.decode()
    assert 'name="conflict_rule"' in orders and 'name="export_mode"' not in orders
    categories = admin.get(url("store_mappings_object", store_a, "category")).content.decode()
    assert 'id="export-settings"' not in categories


def test_an_admin_sets_customers_to_export_in_upsert_mode(admin, store_a):
    form = {
        "enabled": "on",
        "direction": "both",
        "external_id_field": "BigCommerce_ID__c",
        "on_delete": "nothing",
        "multiple_matches": "skip",
        "condition_mode": "all",
        "condition_action": "allow",
        "export_mode": "upsert",
        "export_on_delete": "clear",
        "conflict_rule": "bigcommerce",
    }
    response = admin.post(url("store_mappings_object", store_a, "customer"), form, follow=True)
    assert "Customers: settings saved." in response.content.decode()
    setting = ObjectSetting.objects.get(store=store_a, source="customer")
    assert (setting.direction, setting.export_mode) == ("both", "upsert")
    assert (setting.export_on_delete, setting.conflict_rule) == ("clear", "bigcommerce")


def test_a_field_mapping_exports_to_a_field_of_its_own(admin, store_a):
    add = url("store_mappings_rule_new", store_a, "customer", "fields") + "?target=Account"
    form = field_form(
        target_field="Description",
        kind="template",
        source="{company} ({email})",
        direction="export",
        export_path="notes",
        export_default="",
    )
    response = admin.post(add, form, follow=True)
    assert "Field mapping saved." in response.content.decode()
    added = mapping(store_a, "Account", "Description")
    assert (added.direction, added.export_path) == ("export", "notes")
    row = response.content.decode().split(f'id="mapping-{added.pk}"')[1].split("</tr>")[0]
    assert 'title="Salesforce → BigCommerce"' in row and "←" in row
    assert "Exports to <code>notes</code>" in row
    both = mapping(store_a, "Contact", "Email")
    page = response.content.decode()
    assert "↔" in page.split(f'id="mapping-{both.pk}"')[1].split("</tr>")[0]


def test_a_lookup_gets_an_export_default_and_a_bad_export_path_is_refused(admin, store_a):
    status = mapping(store_a, "Order", "Status", source="order")
    edit = url("store_mappings_rule_edit", store_a, "order", "fields", status.pk)
    form = field_form(
        target_field="Status",
        kind="lookup",
        source="status_id",
        lookup_table="2 = Activated\n10 = Activated",
        direction="both",
        export_default="11",
    )
    refused = admin.post(edit, {**form, "export_path": "status id"})
    assert "is not a path" in str(refused.context["form"].errors["export_path"])
    admin.post(edit, form)
    status.refresh_from_db()
    assert (status.direction, status.export_default, status.export_path) == ("both", "11", "")


def test_an_admin_adds_edits_and_deletes_a_field_mapping(admin, store_a):
    add = url("store_mappings_rule_new", store_a, "customer", "fields") + "?target=Contact"
    response = admin.post(add, field_form(), follow=True)
    assert "Field mapping saved." in response.content.decode()
    added = mapping(store_a, "Contact", "Description")
    assert (added.kind, added.source, added.position) == ("field", "notes", 9)

    edit = url("store_mappings_rule_edit", store_a, "customer", "fields", added.pk)
    admin.post(edit, field_form(kind="template", source="{first_name} ({email})", required="on"))
    added.refresh_from_db()
    assert (added.kind, added.source, added.required) == (
        "template",
        "{first_name} ({email})",
        True,
    )

    delete = url("store_mappings_rule_delete", store_a, "customer", "fields", added.pk)
    response = admin.post(delete, follow=True)
    assert "Field mapping deleted: Contact.Description" in response.content.decode()
    assert not FieldMapping.objects.filter(pk=added.pk).exists()


def test_a_lookup_table_is_edited_as_lines(admin, store_a):
    status = mapping(store_a, "Order", "Status", source="order")
    edit = url("store_mappings_rule_edit", store_a, "order", "fields", status.pk)
    assert "2 = Activated\n10 = Activated" in admin.get(edit).content.decode()
    table = "2 = Activated\n\n11 = Activated = yes\n"
    admin.post(
        edit,
        field_form(target_field="Status", kind="lookup", source="status_id", lookup_table=table),
    )
    status.refresh_from_db()
    assert status.lookup == {"2": "Activated", "11": "Activated = yes"}


@pytest.mark.parametrize(
    ("fields", "field", "error"),
    [
        ({"kind": "lookup", "lookup_table": "2 Activated"}, "lookup_table", "Line 1 is not"),
        ({"kind": "lookup", "lookup_table": ""}, "lookup_table", "at least one line"),
        ({"convert": "roman"}, "convert", "Select a valid choice"),
        ({"source": "billing address"}, "source", "is not a path"),
        ({"kind": "template", "source": "{first_name"}, "source", "Each { needs its }"),
        ({"target_field": "LastName"}, "target_field", "Contact.LastName already has a mapping"),
        ({"convert": "money", "default": "free"}, "default", "money conversion fails"),
    ],
)
def test_a_field_mapping_that_cannot_work_is_refused_next_to_its_field(
    admin, store_a, fields, field, error
):
    before = FieldMapping.objects.count()
    add = url("store_mappings_rule_new", store_a, "customer", "fields") + "?target=Contact"
    response = admin.post(add, field_form(**fields))
    assert response.status_code == 200
    assert error in str(response.context["form"].errors[field])
    assert f'id="field-{field}"' in response.content.decode()
    assert FieldMapping.objects.count() == before


def test_a_template_without_placeholders_is_fine(admin, store_a):
    add = url("store_mappings_rule_new", store_a, "customer", "fields") + "?target=Account"
    admin.post(add, field_form(target_field="Type", kind="template", source="Web customer"))
    assert mapping(store_a, "Account", "Type").source == "Web customer"


def test_a_field_mapping_is_added_only_to_an_object_the_setting_writes(admin, store_a):
    add = url("store_mappings_rule_new", store_a, "customer", "fields") + "?target=Order"
    assert admin.get(add).status_code == 404


def test_an_unknown_operator_is_refused_and_nothing_is_saved(admin, store_a):
    add = url("store_mappings_rule_new", store_a, "order", "conditions")
    form = {"direction": "import", "path": "status_id", "operator": "like", "position": "0"}
    response = admin.post(add, {**form, "value": "7"})
    assert "Select a valid choice" in str(response.context["form"].errors["operator"])
    assert not SyncCondition.objects.exists()

    admin.post(add, {**form, "operator": "in", "value": "2, 10"})
    assert str(SyncCondition.objects.get()) == "status_id in 2, 10"


def test_a_record_type_rule_and_a_matching_rule_are_added(admin, store_a):
    record_types = url("store_mappings_rule_new", store_a, "customer", "record-types")
    admin.post(
        record_types + "?target=Account",
        {
            "path": "customer_group_id",
            "operator": "eq",
            "value": "2",
            "record_type": "Wholesale",
            "position": "0",
        },
    )
    matching = url("store_mappings_rule_new", store_a, "customer", "matching-rules")
    admin.post(
        matching + "?target=Contact",
        {"pairs": "email = Email + last_name=LastName", "position": "1"},
    )
    setting = ObjectSetting.objects.get(store=store_a, source="customer")
    assert setting.record_type_mappings.get().record_type == "Wholesale"
    assert setting.matching_rules.last().fields == [["email", "Email"], ["last_name", "LastName"]]
    page = admin.get(url("store_mappings_object", store_a, "customer")).content.decode()
    assert "<code>email</code> = <code>Email</code> and <code>last_name</code>" in page


def test_empty_matching_pairs_are_refused(admin, store_a):
    matching = url("store_mappings_rule_new", store_a, "customer", "matching-rules")
    response = admin.post(matching + "?target=Contact", {"pairs": " + ", "position": "3"})
    assert "at least one pair" in str(response.context["form"].errors["pairs"])
    response = admin.post(matching + "?target=Contact", {"pairs": "email =", "position": "3"})
    assert "is not “source.path = TargetField”" in str(response.context["form"].errors["pairs"])


def test_a_viewer_reads_everything_and_changes_nothing(client_for, victor, store_a):
    apply_default_template(store_a)
    viewer = client_for(victor)
    setting = ObjectSetting.objects.get(store=store_a, source="customer")
    name = mapping(store_a, "Account", "Name")
    for page_url in (
        url("store_mappings", store_a),
        url("store_mappings_object", store_a, "customer"),
    ):
        page = viewer.get(page_url).content.decode()
        assert '<form method="post"' not in page.split("</header>")[1]
        assert "Account" in page
    posts = [
        url("store_mappings_object", store_a, "customer"),
        url("store_mappings_rule_new", store_a, "customer", "fields") + "?target=Account",
        url("store_mappings_rule_edit", store_a, "customer", "fields", name.pk),
        url("store_mappings_rule_delete", store_a, "customer", "fields", name.pk),
        url("store_mappings_reset", store_a),
        url("store_mappings_validate", store_a),
    ]
    for post_url in posts:
        assert viewer.post(post_url, field_form()).status_code == 403, post_url
    setting.refresh_from_db()
    assert setting.enabled and FieldMapping.objects.filter(pk=name.pk).exists()


def test_another_stores_mappings_are_not_found(client_for, bob, store_a, store_b):
    apply_default_template(store_a)
    other = client_for(bob)
    name = mapping(store_a, "Account", "Name")
    assert other.get(url("store_mappings", store_a)).status_code == 404
    assert other.get(url("store_mappings_object", store_a, "customer")).status_code == 404
    edit = url("store_mappings_rule_edit", store_b, "customer", "fields", name.pk)
    assert other.post(edit, field_form()).status_code == 404  # a rule of store A via store B


def test_reset_puts_the_template_back(admin, store_a):
    name = mapping(store_a, "Account", "Name")
    name.source = "company"
    name.save()
    FieldMapping.objects.filter(target_field="Phone").delete()
    assert (
        "back to the default template"
        in admin.get(url("store_mappings_reset", store_a)).content.decode()
    )
    response = admin.post(url("store_mappings_reset", store_a), follow=True)
    assert "back to the template" in response.content.decode()
    assert mapping(store_a, "Account", "Name").source == "account_name"
    assert mapping(store_a, "Contact", "Phone").source == "phone"


def test_the_preview_maps_the_official_example_customer(admin, store_a):
    customer = bigcommerce_example("v3_customers_list.json")["data"][0]
    preview = url("store_mappings_preview", store_a, "customer")
    response = admin.post(preview, {"target": "Account", "record": json.dumps(customer)})
    result = response.context["result"]
    assert result.values["Name"] == "Acme Corp"
    assert result.syncs and not result.errors
    assert "<td><code>Name</code></td><td>Acme Corp</td>" in response.content.decode()


def test_the_preview_shows_errors_and_unwraps_an_api_answer(admin, store_a):
    answer = {"data": [{"first_name": "Ada", "company": ""}], "meta": {}}
    preview = url("store_mappings_preview", store_a, "customer")
    response = admin.post(preview, {"target": "Contact", "record": json.dumps(answer)})
    result = response.context["result"]
    assert result.values["FirstName"] == "Ada"
    assert "LastName is required" in result.errors["LastName"]
    bad = admin.post(preview, {"target": "Contact", "record": "{not json"})
    assert "This is not JSON" in str(bad.context["form"].errors["record"])


def test_the_preview_starts_with_an_example_a_viewer_may_see(client_for, victor, store_a):
    preview = url("store_mappings_preview", store_a, "order") + "?target=OrderItem"
    response = client_for(victor).get(preview)
    assert response.context["result"].values["UnitPrice"] == Decimal("65.23")


# --- validation against the sandbox org, over real HTTP ----------------------------------------
@pytest.fixture
def sandbox_org(transactional_db, live_server, org_a):
    credentials = provision_org(name="Mappings org")
    org_a.login_url = live_server.url
    org_a.auth_flow = AuthFlow.JWT_BEARER
    org_a.client_id = credentials.client_id
    org_a.username = credentials.username
    org_a.private_key = credentials.private_key_pem
    org_a.save()
    return org_a


@pytest.mark.django_db(transaction=True)
def test_validation_shows_a_mapping_to_a_field_the_org_does_not_have(admin, store_a, sandbox_org):
    FieldMapping.objects.create(
        setting=ObjectSetting.objects.get(store=store_a, source="customer"),
        target_object="Contact",
        target_field="Shoe_Size__c",
        source="notes",
    )
    response = admin.post(url("store_mappings_validate", store_a), follow=True)
    page = response.content.decode()
    assert "Validation against Org A:" in page
    assert "Contact.Shoe_Size__c does not exist in this org." in page
    detail = admin.get(url("store_mappings_object", store_a, "customer")).content.decode()
    assert "Contact.Shoe_Size__c does not exist in this org." in detail


@pytest.mark.django_db(transaction=True)
def test_an_org_that_fails_shows_a_readable_error(admin, store_a, sandbox_org):
    auth.renew_token(sandbox_org)  # connected: the describes are what fail
    set_faults(Emulator.SALESFORCE, error_share=1.0)
    response = admin.post(url("store_mappings_validate", store_a), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The mappings could not be validated: Salesforce HTTP 50" in page
    assert "Not validated since the last change." in page


@pytest.mark.django_db(transaction=True)
def test_validation_shows_an_export_note_on_its_mapping_row(admin, store_a, sandbox_org):
    ObjectSetting.objects.filter(store=store_a, source="order").update(direction="both")
    admin.post(url("store_mappings_validate", store_a))
    page = admin.get(url("store_mappings_object", store_a, "order")).content.decode()
    status = mapping(store_a, "Order", "Status", source="order")
    row = page.split(f'id="mapping-{status.pk}"')[1].split("</tr>")[0]
    assert (
        '<p class="message warning">Order.Status on export: Activated exports as 2 (not 10).</p>'
        in row
    )
