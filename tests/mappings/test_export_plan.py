"""Field mappings read backwards: which export, to where, and why the others do not."""

from types import SimpleNamespace

from mappings import export


def mapping(target_object, target_field, kind="field", source="", **extra):
    fields = {
        "lookup": {},
        "convert": "",
        "default": "",
        "direction": "both",
        "export_path": "",
        "export_default": "",
    }
    fields.update(extra)
    return SimpleNamespace(
        target_object=target_object, target_field=target_field, kind=kind, source=source, **fields
    )


PARENTS = {"Account": "Account"}


def test_a_field_copy_exports_to_its_source_path():
    plan = export.plan([mapping("Contact", "Email", source="email")], "Contact", PARENTS)
    assert [(r.path, r.field) for r in plan.rules] == [("email", "Email")]
    assert export.transform({"Email": "a@b.example"}, plan.rules).values == {"email": "a@b.example"}


def test_a_parent_field_is_read_through_its_relationship():
    rows = [mapping("Account", "Phone", source="company_phone")]
    plan = export.plan(rows, "Contact", PARENTS)
    assert plan.rules[0].field == "Account.Phone"
    record = {"Account": {"Phone": "555"}}
    assert export.transform(record, plan.rules).values == {"company_phone": "555"}


def test_a_template_without_an_export_path_is_imported_only_and_says_why():
    rows = [mapping("Contact", "MailingStreet", kind="template", source="{addresses.0.address1}")]
    plan = export.plan(rows, "Contact", PARENTS)
    assert plan.rules == []
    assert "imported only" in plan.notes["Contact.MailingStreet"]
    assert "export to" in plan.notes["Contact.MailingStreet"]


def test_a_template_with_an_export_path_exports_the_value_as_it_is():
    rows = [mapping("Account", "Name", kind="template", source="{x}", export_path="company")]
    plan = export.plan(rows, "Contact", PARENTS)
    assert export.transform({"Account": {"Name": "Acme"}}, plan.rules).values == {"company": "Acme"}


def test_a_computed_path_is_imported_only():
    plan = export.plan([mapping("Account", "Name", source="account_name")], "Contact", PARENTS)
    assert plan.rules == []
    assert "computed by the connector" in plan.notes["Account.Name"]


def test_import_only_and_unwritable_mappings_do_not_export():
    rows = [
        mapping("Contact", "Email", source="email", direction="import"),
        mapping("Contact", "Birthdate", source="date_created"),
    ]
    plan = export.plan(rows, "Contact", PARENTS, writable=lambda path: path != "date_created")
    assert plan.rules == []
    assert "Contact.Email" not in plan.notes
    assert "does not take date_created" in plan.notes["Contact.Birthdate"]


def test_two_mappings_of_one_path_export_from_the_main_object():
    rows = [
        mapping("Account", "Phone", source="phone"),
        mapping("Contact", "Phone", source="phone"),
    ]
    plan = export.plan(rows, "Contact", PARENTS)
    assert [r.field for r in plan.rules] == ["Phone"]
    assert "exported from Contact.Phone" in plan.notes["Account.Phone"]


def test_a_lookup_table_is_read_backwards():
    tier = mapping(
        "Account",
        "Customer_Tier__c",
        kind="lookup",
        source="customer_group_id",
        lookup={"1": "Standard", "3": "VIP"},
    )
    plan = export.plan([tier], "Contact", PARENTS)
    result = export.transform({"Account": {"Customer_Tier__c": "VIP"}}, plan.rules)
    assert result.values == {"customer_group_id": "3"}


def test_a_value_the_lookup_lacks_fails_with_what_to_do_unless_there_is_a_default():
    rows = [
        mapping(
            "Account",
            "Customer_Tier__c",
            kind="lookup",
            source="customer_group_id",
            lookup={"3": "VIP"},
        )
    ]
    plan = export.plan(rows, "Contact", PARENTS)
    result = export.transform({"Account": {"Customer_Tier__c": "Platinum"}}, plan.rules)
    assert "'Platinum'" in result.errors["customer_group_id"]
    assert "lookup table" in result.errors["customer_group_id"]

    rows[0].export_default = "1"
    plan = export.plan(rows, "Contact", PARENTS)
    result = export.transform({"Account": {"Customer_Tier__c": "Platinum"}}, plan.rules)
    assert result.values == {"customer_group_id": "1"}


def test_the_import_default_leaves_the_field_as_it_is():
    status = mapping(
        "Order",
        "Status",
        kind="lookup",
        source="status_id",
        lookup={"2": "Activated", "10": "Activated"},
        default="Draft",
    )
    plan = export.plan([status], "Order", {})
    assert export.transform({"Status": "Draft"}, plan.rules).values == {}
    assert export.transform({"Status": "Activated"}, plan.rules).values == {"status_id": "2"}
    assert "Activated exports as 2 (not 10)" in plan.notes["Order.Status"]


def test_conversions_are_undone():
    rows = [
        mapping("PricebookEntry", "UnitPrice", source="price", convert="money"),
        mapping("Product2", "IsActive", source="is_visible", convert="boolean"),
        mapping("Product2", "Description", source="description", convert="text"),
    ]
    plan = export.plan(rows, "Product2", {"PricebookEntry": "PricebookEntry"})
    record = {"IsActive": False, "Description": None, "PricebookEntry": {"UnitPrice": 19.5}}
    assert export.transform(record, plan.rules).values == {
        "is_visible": False,
        "description": "",
        "price": 19.5,
    }


def test_nest_builds_the_write_body():
    assert export.nest({"a.b": 1, "a.c": 2, "d": 3}) == {"a": {"b": 1, "c": 2}, "d": 3}
