"""What an export of each source object reads in Salesforce and what BigCommerce takes back.

The exporters (sync/pipeline/exporters/) and the console's validation both build an export
plan from these: the main sObject read, the parents read beside it, and the BigCommerce fields
a write of the object accepts.
"""

from dataclasses import dataclass

from mappings import export
from mappings.models import ObjectSetting, SourceObject

# A customer's first address (customers.v3.yml, customerAddresses): written with the customer
# when it is created, else through /v3/customers/addresses.
ADDRESS = "addresses.0."
ADDRESS_FIELDS = frozenset(
    ADDRESS + name
    for name in (
        "first_name",
        "last_name",
        "company",
        "address1",
        "address2",
        "city",
        "state_or_province",
        "postal_code",
        "country_code",
        "phone",
    )
)
# Customer fields BigCommerce takes in a write (customers.v3.yml), the group by its id.
CUSTOMER_FIELDS = ADDRESS_FIELDS | frozenset(
    {
        "email",
        "first_name",
        "last_name",
        "company",
        "phone",
        "notes",
        "tax_exempt_category",
        "customer_group_id",
        "accepts_product_review_abandoned_cart_emails",
    }
)
# Product fields BigCommerce takes in a write (products_catalog.v3.yml) that mappings export.
PRODUCT_FIELDS = frozenset(
    {
        "name",
        "sku",
        "description",
        "price",
        "cost_price",
        "retail_price",
        "sale_price",
        "weight",
        "is_visible",
        "is_featured",
        "inventory_level",
        "inventory_warning_level",
        "availability",
        "brand_id",
        "upc",
        "mpn",
        "gtin",
        "page_title",
        "search_keywords",
        "meta_description",
        "warranty",
    }
)
# Orders are created in BigCommerce, never by an export: only their status goes back.
ORDER_FIELDS = frozenset({"status_id"})

PRICEBOOK_ENTRY = "PricebookEntry"


@dataclass(frozen=True)
class ExportTarget:
    main_object: str  # the sObject read
    parents: tuple[tuple[str, str], ...]  # (sObject read beside it, relationship that reaches it)
    fields: frozenset[str]  # the BigCommerce paths a write of the object takes

    @property
    def parent_map(self) -> dict[str, str]:
        return dict(self.parents)

    def writable(self, path: str) -> bool:
        return path in self.fields


EXPORT_TARGETS = {
    SourceObject.CUSTOMER: ExportTarget("Contact", (("Account", "Account"),), CUSTOMER_FIELDS),
    SourceObject.PRODUCT: ExportTarget(
        "Product2", ((PRICEBOOK_ENTRY, PRICEBOOK_ENTRY),), PRODUCT_FIELDS
    ),
    SourceObject.ORDER: ExportTarget("Order", (), ORDER_FIELDS),
}


# A variant's fields BigCommerce takes in a variants batch (product-variants_catalog.v3.yml),
# where each variant is a Product2 ("variants as products"): its name and description are
# the product's, not the variant's.
VARIANT_FIELDS = frozenset(
    {
        "sku",
        "price",
        "cost_price",
        "sale_price",
        "retail_price",
        "weight",
        "inventory_level",
        "inventory_warning_level",
        "upc",
        "mpn",
        "gtin",
        "purchasing_disabled",
    }
)
VARIANT_TARGET = ExportTarget("Product2", ((PRICEBOOK_ENTRY, PRICEBOOK_ENTRY),), VARIANT_FIELDS)


def target_of(source: str) -> ExportTarget | None:
    """How `source` exports, or None for an object that never flows back."""
    return EXPORT_TARGETS.get(source)


def target_for(setting: ObjectSetting) -> ExportTarget | None:
    """How this setting's records export: products imported as variants go back as variants."""
    if setting.source == SourceObject.PRODUCT and setting.variants_as_products:
        return VARIANT_TARGET
    return target_of(setting.source)


def refusal(setting: ObjectSetting) -> str:
    """Why this setting's records cannot be exported at all, or "" when they can."""
    if target_of(setting.source) is None:
        return f"{setting.get_source_display()} are not exported to BigCommerce."
    return ""


def plan_for(setting: ObjectSetting) -> export.ExportPlan | None:
    """The export plan of the setting's field mappings; None for an object that never exports."""
    target = target_for(setting)
    if target is None:
        return None
    mappings = list(setting.field_mappings.all())
    return export.plan(mappings, target.main_object, target.parent_map, target.writable)
