"""Mapping checks that need the org or the store's records (samples.py), the last validation
of each store, and the console's preview of what one record would become (pure: no API
call)."""

from dataclasses import dataclass, field
from datetime import datetime
from uuid import uuid4

from django.core.cache import cache
from django.utils import timezone

from integrations.salesforce.client import SalesforceClient
from mappings import conditions
from mappings.defaults import ensure_default_mappings
from mappings.derived import with_derived_fields
from mappings.export_targets import plan_for, refusal
from mappings.models import ObjectSetting, SourceObject
from mappings.samples import store_warnings
from mappings.transform import transform
from mappings.validation import (
    WARNING,
    Problem,
    campaign_field_problems,
    check,
    export_warnings,
    source_problems,
)

VALIDATION_TTL = 24 * 3600


def problems_for(setting: ObjectSetting, describe) -> list[Problem]:
    """Problems of one object's mappings; `describe(sobject)` answers the org's describe."""
    if setting.source == SourceObject.COUPON_REVENUE:
        return campaign_field_problems(setting.campaign_field, describe("Campaign"))
    problems = []
    for target in setting.target_objects():
        described = describe(target)
        fields = {f["name"] for f in described.get("fields", [])}
        external_id = setting.external_id_field if setting.external_id_field in fields else ""
        problems += check(
            target, setting.rules_for(target), described, external_id_field=external_id
        )
    return problems


def store_problems(store, client) -> dict[str, list[Problem]]:
    """Problems of every enabled object of a store, by source object: against the org, and
    source paths that name nothing the BigCommerce object has."""
    settings = list(store.object_settings.filter(enabled=True))
    found = problems_with_fresh_describes(settings, client)
    for setting in settings:
        for target in setting.target_objects():
            found[setting.source] += source_problems(
                setting.source, target, setting.rules_for(target)
            )
    return found


def export_problems(setting: ObjectSetting) -> list[Problem]:
    """Warnings about what a setting that exports sends back to BigCommerce: the mappings its
    export plan leaves out or reads backwards with a loss. None for a setting that only imports."""
    if not setting.exports:
        return []
    refused = refusal(setting)
    if refused:
        main = setting.target_objects()[0]
        return [Problem(main, "", f"Export: {refused}", WARNING)]
    return export_warnings(plan_for(setting).notes)


def problems_with_fresh_describes(settings, client) -> dict[str, list[Problem]]:
    """Problems of these object settings, by source object. Where the cached describes show
    any, they are read afresh once: the field may have been added in Salesforce since."""
    found = {setting.source: problems_for(setting, client.describe) for setting in settings}
    if any(found.values()):
        client.forget_schema()
        found = {setting.source: problems_for(setting, client.describe) for setting in settings}
    return found


def settings_of(store) -> list[ObjectSetting]:
    """The store's object settings in the console's order; a new store gets the template."""
    ensure_default_mappings(store)
    order = list(SourceObject)
    return sorted(store.object_settings.all(), key=lambda s: order.index(s.source))


# --- validation against the org -----------------------------------------------------------------
@dataclass
class Validation:
    checked_at: datetime
    problems: dict[str, list[Problem]]  # by source object
    # By source object, "" for the whole store. Shown, not counted: they stop no run.
    warnings: dict[str, list[Problem]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(found) for found in self.problems.values())

    @property
    def warning_count(self) -> int:
        return sum(len(found) for found in self.warnings.values())

    def of(self, source: str) -> list[Problem]:
        return self.problems.get(source, [])

    def warnings_of(self, source: str) -> list[Problem]:
        return self.warnings.get(source, [])

    @property
    def store_warnings(self) -> list[Problem]:
        return self.warnings_of("")


def validate_store(store, *, bc=None) -> Validation:
    """Check every enabled object against the org's describes, the paths to the store's own
    fields against a sample of its records, and what the objects that export send back, and
    keep the answer.

    Makes HTTP calls: never call it inside a database transaction. Raises APIError when
    Salesforce fails; a BigCommerce error is a warning.
    """
    problems = store_problems(store, SalesforceClient.for_org(store.salesforce_org))
    settings = list(store.object_settings.filter(enabled=True))
    warnings = store_warnings(store, settings, bc)
    for setting in settings:
        if found := export_problems(setting):
            warnings[setting.source] = warnings.get(setting.source, []) + found
    validation = Validation(timezone.now(), problems, warnings)
    cache.set(_validation_key(store), validation, timeout=VALIDATION_TTL)
    return validation


def last_validation(store) -> Validation | None:
    return cache.get(_validation_key(store))


def forget_validation(store) -> None:
    """A change to the mappings makes the last validation stale, and the plans made before."""
    cache.delete(_validation_key(store))
    cache.set(_version_key(store), uuid4().hex, timeout=MAPPINGS_VERSION_TTL)


# Longer than a plan stays fresh; a version the cache lost is a new one, so a plan made under
# the lost one is stale rather than wrongly fresh.
MAPPINGS_VERSION_TTL = 24 * 3600


def mappings_version(store) -> str:
    """A token of the store's mappings as they are: it changes whenever they change
    (`forget_validation`), so what was planned under one version is known to be stale."""
    key = _version_key(store)
    cache.add(key, uuid4().hex, timeout=MAPPINGS_VERSION_TTL)
    version = cache.get(key) or ""
    cache.touch(key, MAPPINGS_VERSION_TTL)
    return version


def _version_key(store) -> str:
    return f"mappings:version:{store.pk}"


def _validation_key(store) -> str:
    """A validation holds for the org's schema as it was: another org, or the same one edited,
    reconnected or refreshed, is validated again."""
    org = store.salesforce_org
    if org is not None:
        org.refresh_from_db(fields=["schema_generation"])  # it may have changed meanwhile
    schema = f"{org.pk}:{org.schema_generation}" if org is not None else "none"
    return f"mappings:validation:v2:{store.pk}:{schema}"  # v2: with warnings


@dataclass
class TargetSection:
    """One sObject of an object setting, its rules, and the problems and warnings validation
    found."""

    name: str
    mapping_rows: list  # (FieldMapping, [Problem]), problems before warnings
    record_type_rules: list
    matching_rules: list
    other_problems: list[Problem] = field(default_factory=list)  # not tied to a mapping row


def target_sections(setting: ObjectSetting, problems: list[Problem]) -> list[TargetSection]:
    """`problems` may hold warnings too; each shows beside its mapping row."""
    return [_section(setting, target, problems) for target in setting.target_objects()]


def _section(setting: ObjectSetting, target: str, problems: list[Problem]) -> TargetSection:
    mappings = list(setting.field_mappings.filter(target_object=target))
    mapped = {m.target_field for m in mappings}
    found = {}
    for problem in sorted(problems, key=lambda p: p.is_warning):
        if problem.target_object == target:
            found.setdefault(problem.field, []).append(problem)
    return TargetSection(
        name=target,
        mapping_rows=[(m, found.get(m.target_field, [])) for m in mappings],
        record_type_rules=list(setting.record_type_mappings.filter(target_object=target)),
        matching_rules=list(setting.matching_rules.filter(target_object=target)),
        other_problems=[
            problem
            for field_name, listed in found.items()
            if field_name not in mapped
            for problem in listed
        ],
    )


# --- preview --------------------------------------------------------------------------------
@dataclass
class Preview:
    values: dict
    errors: dict
    record_type: str | None
    syncs: bool


def preview_record(setting: ObjectSetting, target: str, record: dict) -> Preview:
    """What one source record would become in `target`, by the setting's current rules."""
    record = with_derived_fields(setting.source, record)
    result = transform(record, setting.rules_for(target))
    record_type_rules = [
        rule.as_rule() for rule in setting.record_type_mappings.filter(target_object=target)
    ]
    return Preview(
        values=result.values,
        errors=result.errors,
        record_type=conditions.record_type_for(record, record_type_rules),
        syncs=setting.passes(record),
    )


LINE_ITEM_TARGETS = {"OrderItem", "OpportunityLineItem"}


def example_record(source: str, target: str) -> dict:
    """A sample record in BigCommerce's shape, from its API reference, for the preview."""
    if source == SourceObject.ORDER and target in LINE_ITEM_TARGETS:
        return EXAMPLE_ORDER_PRODUCT
    return EXAMPLES[source]


_ORDER_BILLING_ADDRESS = {
    "first_name": "Jane",
    "last_name": "Doe",
    "company": "",
    "street_1": "555 East Street",
    "street_2": "",
    "city": "Austin",
    "state": "Texas",
    "zip": "78108",
    "country": "United States",
    "country_iso2": "US",
    "phone": "1234567890",
    "email": "janedoe@example.com",
}

EXAMPLE_ORDER_PRODUCT = {
    "id": 65,
    "order_id": 149,
    "product_id": 77,
    "name": "Fog Linen Chambray Towel - Beige Stripe",
    "sku": "S-ORAN",
    "price_ex_tax": "55.9900",
    "price_inc_tax": "65.2300",
    "quantity": 1,
}

EXAMPLES = {
    SourceObject.CUSTOMER: {
        "id": 1,
        "email": "jane.smith@example.com",
        "first_name": "Jane",
        "last_name": "Smith",
        "company": "Acme Corp",
        "phone": "555-123-4567",
        "customer_group_id": 0,
        "addresses": [
            {
                "first_name": "Jane",
                "last_name": "Smith",
                "address1": "Addr1",
                "city": "Austin",
                "state_or_province": "Texas",
                "postal_code": "78108",
                "country_code": "US",
            }
        ],
    },
    SourceObject.GUEST: {
        "id": 218,
        "customer_id": 0,
        "date_created": "Tue, 05 Mar 2019 21:40:11 +0000",
        "billing_address": _ORDER_BILLING_ADDRESS,
    },
    SourceObject.CATEGORY: {
        "id": 39,
        "parent_id": 19,
        "name": "Bath",
        "description": "",
        "is_visible": True,
    },
    SourceObject.PRODUCT: {
        "id": 77,
        "name": "1L Le Parfait Jar",
        "sku": "LPJ-1L",
        "description": "<p>A one-litre preserving jar.</p>",
        "is_visible": True,
        "price": 7.95,
    },
    SourceObject.ORDER: {
        "id": 218,
        "customer_id": 11,
        "date_created": "Tue, 05 Mar 2019 21:40:11 +0000",
        "status_id": 7,
        "status": "Awaiting Payment",
        "subtotal_inc_tax": "67.8400",
        "total_inc_tax": "69.8400",
        "currency_code": "USD",
        "billing_address": _ORDER_BILLING_ADDRESS,
    },
    SourceObject.REFUND: {
        "id": 12,
        "order_id": 180,
        "created": "2022-06-16T16:44:15+00:00",
        "reason": "Customer requires a refund.",
        "total_amount": 50,
        "total_tax": 5,
    },
    # What the coupon revenue object reads: one code's orders of one day.
    SourceObject.COUPON_REVENUE: {
        "code": "SUMMER10",
        "revenue": "1234.5000",
        "orders": 12,
        "day": "2026-12-01",
    },
}
