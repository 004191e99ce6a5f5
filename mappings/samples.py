"""Paths to the fields a store defines for itself (form fields, attributes, custom fields,
metafields), checked against a sample of its latest records when an admin validates."""

from integrations.bigcommerce import reads
from integrations.bigcommerce.client import BigCommerceClient
from integrations.bigcommerce.errors import SYSTEM as BIGCOMMERCE
from integrations.errors import APIError
from integrations.http import Session
from integrations.retry import RetryPolicy
from mappings.derived import with_derived_fields
from mappings.models import SourceObject
from mappings.source_fields import LINE_ITEM_OBJECTS
from mappings.validation import WARNING, Problem, sample_warnings, store_defined_paths

SAMPLE_SIZE = 50
SAMPLE_NOUNS = {
    SourceObject.CUSTOMER: "customers",
    SourceObject.GUEST: "guest orders",
    SourceObject.CATEGORY: "categories",
    SourceObject.PRODUCT: "products",
    SourceObject.ORDER: "orders",
    SourceObject.REFUND: "refunds",
}
# An admin waits for the page: fewer tries, shorter waits on 429s and answers than a run's.
SAMPLE_RETRY = RetryPolicy(max_attempts=2, max_rate_limit_wait=20.0)
SAMPLE_TIMEOUT = (5, 20)


def store_warnings(store, settings, bc=None) -> dict[str, list[Problem]]:
    """Warnings, by source object, for mapping paths to fields the store defines for itself
    (form fields, attributes, custom fields, metafields) that none of its latest records has.

    Reads one page of records per object whose mappings use such paths, with their metafields
    when a path names one; nothing when no mapping does. A BigCommerce error ends the reading
    with one warning for the whole store (under ""), which leaves the org's checks standing.
    """
    rules = {
        setting: {target: setting.rules_for(target) for target in setting.target_objects()}
        for setting in settings
    }
    wanted = {
        setting: paths
        for setting, by_target in rules.items()
        if (paths := [p for found in by_target.values() for p in store_defined_paths(found)])
    }
    if not wanted:
        return {}
    bc = bc or sample_client(store)
    warnings = {}
    for setting, paths in wanted.items():
        try:
            records = read_sample(bc, setting.source, metafields=_any_metafield(paths))
        except APIError as exc:
            warnings[""] = [
                Problem(
                    "",
                    "",
                    "The store's records could not be read from BigCommerce, so paths to the "
                    f"fields it defines for itself were not checked: {exc}",
                    WARNING,
                )
            ]
            break
        warnings[setting.source] = [
            warning
            for target, found in rules[setting].items()
            for warning in _sample_warnings(setting.source, target, found, records)
        ]
    return warnings


def _any_metafield(paths: list[str]) -> bool:
    return any(path.startswith("metafields.") for path in paths)


def sample_client(store) -> BigCommerceClient:
    """A client for reads an admin waits for on a page."""
    return BigCommerceClient.for_store(
        store, retry=SAMPLE_RETRY, session=Session(BIGCOMMERCE, timeout=SAMPLE_TIMEOUT)
    )


def read_sample(bc, source: str, *, metafields: bool) -> list[dict]:
    """The latest records of `source` as the pipeline reads and derives them (one page)."""
    records = [with_derived_fields(source, r) for r in reads.sample(bc, source, SAMPLE_SIZE)]
    if metafields:
        reads.attach_metafields(bc, source, records)
    return records


def _sample_warnings(source: str, target: str, rules, records: list[dict]) -> list[Problem]:
    if target in LINE_ITEM_OBJECTS:  # an order's lines, each with its order
        lines = [{**item, "order": o} for o in records for item in reads.line_items(o)]
        return sample_warnings(target, rules, lines, "order lines")
    latest = source in reads.SORTED_SAMPLES
    return sample_warnings(target, rules, records, SAMPLE_NOUNS[source], latest=latest)
