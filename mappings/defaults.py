"""The mapping template every store starts from (DESIGN.md §4), as data.

Derived source fields that the extract stage adds to every record are documented in
DERIVED_FIELDS. The external ID value (`<store hash>:<id>`), lookups to parent records
(AccountId, Parent__c, Pricebook2Id...) and the Order status sequence are set by the pipeline,
not by mappings.
"""

from django.db import transaction

from mappings.models import FieldMapping, MatchingRule, ObjectSetting, SourceObject

DERIVED_FIELDS = {
    "full_name": "first and last name",
    "account_name": "the company, or else the person's full name",
    "customer_group.name": "the name of the customer's group",
}

ADDRESS = "addresses.0"
BILLING = "billing_address"


def _address(prefix: str, source: str, street: str, region: str, postal: str, country: str):
    return [
        (f"{prefix}Street", "template", f"{{{source}.{street}}}"),
        (f"{prefix}City", "field", f"{source}.city"),
        (f"{prefix}State", "field", f"{source}.{region}"),
        (f"{prefix}PostalCode", "field", f"{source}.{postal}"),
        (f"{prefix}Country", "field", f"{source}.{country}"),
    ]


CUSTOMER_ADDRESS = ("address1", "state_or_province", "postal_code", "country_code")
ORDER_ADDRESS = ("street_1", "state", "zip", "country")

# source -> target object -> [(field, kind, source, extra options)]
TEMPLATE = {
    SourceObject.CUSTOMER: {
        "Account": [
            ("Name", "field", "account_name", {"required": True}),
            ("Phone", "field", "phone", {}),
            *[(*row, {}) for row in _address("Billing", ADDRESS, *CUSTOMER_ADDRESS)],
        ],
        "Contact": [
            ("FirstName", "field", "first_name", {}),
            ("LastName", "field", "last_name", {"required": True}),
            ("Email", "field", "email", {}),
            ("Phone", "field", "phone", {}),
            *[(*row, {}) for row in _address("Mailing", ADDRESS, *CUSTOMER_ADDRESS)],
        ],
    },
    SourceObject.GUEST: {
        "Account": [("Name", "field", "account_name", {"required": True})],
        "Contact": [
            ("FirstName", "field", f"{BILLING}.first_name", {}),
            ("LastName", "field", f"{BILLING}.last_name", {"required": True, "default": "Guest"}),
            ("Email", "field", f"{BILLING}.email", {}),
            ("Phone", "field", f"{BILLING}.phone", {}),
            *[(*row, {}) for row in _address("Mailing", BILLING, *ORDER_ADDRESS)],
        ],
    },
    SourceObject.CATEGORY: {
        "BigCommerce_Category__c": [
            ("Name", "field", "name", {"required": True}),
            ("Description__c", "field", "description", {}),
        ],
    },
    SourceObject.PRODUCT: {
        "Product2": [
            ("Name", "field", "name", {"required": True}),
            ("ProductCode", "field", "sku", {}),
            ("Description", "field", "description", {}),
            ("IsActive", "field", "is_visible", {"convert": "boolean"}),
        ],
        "PricebookEntry": [
            ("UnitPrice", "field", "price", {"convert": "money", "required": True}),
            ("IsActive", "constant", "true", {"convert": "boolean"}),
        ],
    },
    SourceObject.ORDER: {
        "Order": [
            ("EffectiveDate", "field", "date_created", {"convert": "date", "required": True}),
            (
                "Status",
                "lookup",
                "status_id",
                {"lookup": {"2": "Activated", "10": "Activated"}, "default": "Draft"},
            ),
            ("Description", "template", "BigCommerce order #{id} ({status})", {}),
            *[(*row, {}) for row in _address("Billing", BILLING, *ORDER_ADDRESS)],
        ],
        "OrderItem": [
            ("Quantity", "field", "quantity", {"convert": "number", "required": True}),
            ("UnitPrice", "field", "price_inc_tax", {"convert": "money", "required": True}),
            ("Description", "field", "name", {}),
        ],
        "Opportunity": [
            ("Name", "template", "BigCommerce order #{id}", {}),
            (
                "StageName",
                "lookup",
                "status_id",
                {
                    "lookup": {
                        "2": "Closed Won",
                        "10": "Closed Won",
                        "4": "Closed Lost",
                        "5": "Closed Lost",
                        "6": "Closed Lost",
                    },
                    "default": "Prospecting",
                },
            ),
            ("CloseDate", "field", "date_created", {"convert": "date", "required": True}),
            ("Amount", "field", "total_inc_tax", {"convert": "money"}),
        ],
        "OpportunityLineItem": [
            ("Quantity", "field", "quantity", {"convert": "number", "required": True}),
            ("UnitPrice", "field", "price_inc_tax", {"convert": "money", "required": True}),
            ("Description", "field", "name", {}),
        ],
    },
    SourceObject.REFUND: {
        "Case": [
            ("Subject", "template", "Refund {id} on BigCommerce order #{order_id}", {}),
            ("Description", "template", "{reason} Total refunded: {total_amount}", {}),
            ("Status", "constant", "New", {}),
            ("Origin", "constant", "Web", {}),
        ],
    },
    # No field mappings: a code's revenue goes to the setting's Campaign field, and its coupon
    # table says which Campaign.
    SourceObject.COUPON_REVENUE: {},
}

# Settings that differ from the model's defaults. Coupon revenue writes to Campaigns only
# once an admin has mapped codes to them and turned it on; no webhook feeds it.
SETTING_DEFAULTS = {
    SourceObject.COUPON_REVENUE: {"enabled": False, "realtime": False},
}

# The default mappings that also export (the others are imported only): a person's names,
# email, phone and first address; a product's name, SKU, description, visibility and price;
# an order's status.
EXPORTED = {
    SourceObject.CUSTOMER: {
        "Contact": {
            "FirstName",
            "LastName",
            "Email",
            "Phone",
            "MailingStreet",
            "MailingCity",
            "MailingState",
            "MailingPostalCode",
            "MailingCountry",
        },
    },
    SourceObject.PRODUCT: {
        "Product2": {"Name", "ProductCode", "Description", "IsActive"},
        "PricebookEntry": {"UnitPrice"},
    },
    SourceObject.ORDER: {"Order": {"Status"}},
}
# Where a default template mapping exports to, having no inverse of its own.
EXPORT_PATHS = {(SourceObject.CUSTOMER, "Contact", "MailingStreet"): f"{ADDRESS}.address1"}


def direction_of(source: str, target: str, field: str) -> str:
    return "both" if field in EXPORTED.get(source, {}).get(target, set()) else "import"


MATCHING = {
    SourceObject.CUSTOMER: {
        "Contact": [[["email", "Email"]]],
        "Account": [[["account_name", "Name"]]],
    },
    SourceObject.GUEST: {"Contact": [[[f"{BILLING}.email", "Email"]]]},
    SourceObject.PRODUCT: {"Product2": [[["sku", "ProductCode"]]]},
}


@transaction.atomic
def apply_default_template(store, *, replace: bool = False) -> list[ObjectSetting]:
    """Give a store the default settings and mappings; `replace` resets edited ones."""
    settings = []
    for source, targets in TEMPLATE.items():
        setting, created = ObjectSetting.objects.get_or_create(
            store=store, source=source, defaults=SETTING_DEFAULTS.get(source, {})
        )
        if created or replace:
            _reset(setting, targets, MATCHING.get(source, {}))
        settings.append(setting)
    return settings


def ensure_default_mappings(store) -> None:
    """A store that lacks object settings (one made outside the console, or made before an
    object was added) gets the template for those; the settings it has are left as they are."""
    present = set(store.object_settings.values_list("source", flat=True))
    if set(TEMPLATE) - present:
        apply_default_template(store)


def give_default_mappings(sender, store, **kwargs) -> None:
    """A store created in the console starts with the template (`stores.signals.store_created`)."""
    apply_default_template(store)


def _reset(setting: ObjectSetting, targets: dict, matching: dict) -> None:
    setting.field_mappings.all().delete()
    setting.matching_rules.all().delete()
    FieldMapping.objects.bulk_create(
        FieldMapping(
            setting=setting,
            target_object=target,
            target_field=field,
            kind=kind,
            source=source,
            position=position,
            direction=direction_of(setting.source, target, field),
            export_path=EXPORT_PATHS.get((setting.source, target, field), ""),
            **options,
        )
        for target, rows in targets.items()
        for position, (field, kind, source, options) in enumerate(rows)
    )
    MatchingRule.objects.bulk_create(
        MatchingRule(setting=setting, target_object=target, fields=pairs, position=position)
        for target, rules in matching.items()
        for position, pairs in enumerate(rules)
    )
