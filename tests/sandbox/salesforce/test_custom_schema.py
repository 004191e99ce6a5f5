import pytest
from django.core.management import CommandError, call_command

from sandbox.salesforce import records
from sandbox.salesforce.custom_schema import load_schema
from sandbox.salesforce.models import CustomField, Org
from sandbox.salesforce.services import (
    SchemaError,
    all_orgs,
    create_records,
    define_custom_field,
    define_custom_object,
    provision_org,
)


def describe_fields(api, object_name) -> dict:
    return {f["name"]: f for f in api.get(f"sobjects/{object_name}/describe/").json()["fields"]}


def test_provisioning_sets_up_the_demo_customisations(api):
    for object_name in ("Account", "Contact", "Product2", "Order", "Opportunity", "Case"):
        field = describe_fields(api, object_name)["BigCommerce_ID__c"]
        assert field["externalId"] and field["unique"] and field["type"] == "string"
    category = describe_fields(api, "BigCommerce_Category__c")
    assert category["Parent__c"]["referenceTo"] == ["BigCommerce_Category__c"]
    assert category["Parent__c"]["relationshipName"] == "Parent__r"
    assert category["Description__c"]["type"] == "textarea"
    assert not category["Name"]["nillable"]


def test_accounts_have_a_customer_tier_picklist(api):
    tier = describe_fields(api, "Account")["Customer_Tier__c"]
    assert tier["type"] == "picklist"
    assert tier["label"] == "Customer Tier"
    assert [value["value"] for value in tier["picklistValues"]] == ["Standard", "Gold", "VIP"]
    created = api.post("sobjects/Account/", {"Name": "A", "Customer_Tier__c": "Gold"})
    assert created.status_code == 201
    refused = api.post("sobjects/Account/", {"Name": "B", "Customer_Tier__c": "Platinum"})
    assert refused.json()[0]["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"


def test_an_org_provisioned_before_the_customer_tier_gets_it(db):
    org = provision_org(name="Older").org
    CustomField.objects.filter(org=org, api_name="Customer_Tier__c").delete()
    Org.objects.filter(pk=org.pk).update(schema_version="before-the-tier")
    org.refresh_from_db()
    assert load_schema(org).get("Account").field("Customer_Tier__c") is None

    provision_org(name="Older")

    org.refresh_from_db()
    assert load_schema(org).get("Account").field("Customer_Tier__c").type == "picklist"


def test_campaigns_take_coupon_revenue_and_their_documented_amounts(api):
    fields = describe_fields(api, "Campaign")
    revenue = fields["BigCommerce_Coupon_Revenue__c"]
    assert (revenue["type"], revenue["updateable"]) == ("currency", True)
    assert {fields[name]["type"] for name in ("ExpectedRevenue", "BudgetedCost", "ActualCost")} == {
        "currency"
    }
    assert fields["Status"]["defaultValue"] == "Planned"
    created = api.post("sobjects/Campaign/", {"Name": "Summer", "ExpectedRevenue": 1250.5})
    assert created.status_code == 201
    changed = api.patch(
        f"sobjects/Campaign/{created.json()['id']}", {"BigCommerce_Coupon_Revenue__c": 99.95}
    )
    assert changed.status_code == 204


def test_an_org_provisioned_before_the_coupon_revenue_field_gets_it(db):
    org = provision_org(name="Older").org
    CustomField.objects.filter(org=org, api_name="BigCommerce_Coupon_Revenue__c").delete()
    Org.objects.filter(pk=org.pk).update(schema_version="before-coupon-revenue")
    org.refresh_from_db()
    assert load_schema(org).get("Campaign").field("BigCommerce_Coupon_Revenue__c") is None

    provision_org(name="Older")

    org.refresh_from_db()
    field = load_schema(org).get("Campaign").field("BigCommerce_Coupon_Revenue__c")
    assert field.type == "currency"


def test_provisioning_is_idempotent_by_name(db):
    first = provision_org(name="Same")
    again = provision_org(name="Same")
    assert (again.org_id, again.client_id, again.private_key_pem) == (
        first.org_id,
        first.client_id,
        first.private_key_pem,
    )
    changed = provision_org(name="Same", password="new-password-1", client_secret="s3cr3t")
    assert (changed.password, changed.client_secret) == ("new-password-1", "s3cr3t")
    assert [org.name for org in all_orgs()] == ["Same"]
    other = provision_org(name="Other")
    with pytest.raises(ValueError, match="already uses"):
        provision_org(name="Same", client_id=other.client_id)


def test_custom_records_relate_through_their_lookups(api, org):
    [parent] = create_records(
        org, "BigCommerce_Category__c", [{"Name": "Shoes", "BigCommerce_ID__c": "c:1"}]
    )
    response = api.post(
        "sobjects/BigCommerce_Category__c/",
        {"Name": "Boots", "Parent__r": {"BigCommerce_ID__c": "c:1"}},
    )
    assert response.status_code == 201
    assert response.json()["id"].startswith("a0")
    body = api.query(
        "SELECT Name, Parent__r.Name FROM BigCommerce_Category__c WHERE Parent__c != null"
    ).json()
    assert body["records"][0]["Parent__r"]["Name"] == "Shoes"
    assert records.count(org, "BigCommerce_Category__c", Parent__c=parent) == 1


def test_a_defined_field_is_written_and_queried(api, org):
    define_custom_field(
        org, "Contact", "Tier__c", "picklist", picklist_values=["Gold", "Silver"], required=True
    )
    define_custom_field(org, "Contact", "Points__c", "number", scale=0)
    assert (
        api.post(
            "sobjects/Contact/", {"LastName": "L", "Tier__c": "Gold", "Points__c": 10}
        ).status_code
        == 201
    )
    assert api.post("sobjects/Contact/", {"LastName": "M"}).json()[0]["fields"] == ["Tier__c"]
    refused = api.post("sobjects/Contact/", {"LastName": "M", "Tier__c": "Bronze"})
    assert refused.json()[0]["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert api.query("SELECT LastName FROM Contact WHERE Points__c > 5").json()["totalSize"] == 1


def test_a_defined_object_gets_its_own_key_prefix(api, org):
    definition = define_custom_object(org, "Loyalty_Card__c", "Loyalty Card")
    assert definition.key_prefix != "a00"
    created = api.post("sobjects/Loyalty_Card__c/", {"Name": "Card 1"}).json()["id"]
    assert created.startswith(definition.key_prefix)


@pytest.mark.parametrize(
    ("arguments", "options"),
    [
        (("Account", "Bad Name__c", "text"), {}),
        (("Account", "Tier", "text"), {}),
        (("Account", "Too__Many__c", "text"), {}),
        (("Nothing__c", "Tier__c", "text"), {}),
        (("Account", "BigCommerce_ID__c", "text"), {}),
        (("Account", "Tier__c", "colour"), {}),
        (("Account", "Flag__c", "checkbox"), {"external_id": True}),
        (("Account", "Flag__c", "checkbox"), {"required": True}),
        (("Account", "Tier__c", "picklist"), {}),
        (("Account", "Tier__c", "picklist"), {"picklist_values": ["A", "a"]}),
        (("Account", "Tier__c", "text"), {"length": 300}),
        (("Account", "Owner2__c", "lookup"), {"reference_to": "Nothing"}),
        (("Account", "Owner2__c", "lookup"), {}),
        (("Account", "Tier__c", "text"), {"picklist_values": ["A"]}),
    ],
)
def test_bad_field_definitions_are_refused_clearly(org, arguments, options):
    with pytest.raises(SchemaError):
        define_custom_field(org, *arguments, **options)


def test_bad_object_definitions_are_refused(org):
    for api_name, label in (
        ("Account", "Account"),
        ("BigCommerce_Category__c", "Again"),
        ("Card__c", " "),
    ):
        with pytest.raises(SchemaError):
            define_custom_object(org, api_name, label)


def test_the_commands_define_objects_and_fields_in_every_org(api, org, capsys):
    other = provision_org(name="Second org").org
    call_command("sandbox_sf_define_object", "Store__c", "Store")
    call_command(
        "sandbox_sf_define_field",
        "Store__c",
        "Code__c",
        "text",
        "--external-id",
        "--unique",
        "--length",
        "20",
    )
    call_command(
        "sandbox_sf_define_field",
        "Account",
        "Segment__c",
        "picklist",
        "--picklist-values",
        "A,B",
        "--org",
        "Second org",
    )
    assert "Store__c defined" in capsys.readouterr().out
    code = describe_fields(api, "Store__c")["Code__c"]
    assert code["externalId"] and code["length"] == 20
    assert "Segment__c" not in describe_fields(api, "Account")
    define_custom_field(other, "Account", "Other__c", "text")  # the other org has its own schema
    with pytest.raises(CommandError):
        call_command(
            "sandbox_sf_define_field", "Account", "Segment__c", "picklist", "--org", "Nowhere"
        )


def test_the_provision_command_prints_the_credentials(db, capsys):
    call_command("sandbox_sf_provision_org", "--name", "Printed org")
    out = capsys.readouterr().out
    credentials = provision_org(name="Printed org")
    assert credentials.client_id in out and credentials.username in out
    assert "PRIVATE KEY" not in out
