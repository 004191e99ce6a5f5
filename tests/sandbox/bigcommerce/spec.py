"""Validation of emulator answers against BigCommerce's official OpenAPI specs.

The specs live beside the repository (`../shared/reference/bigcommerce/specs/`, or under
`$CONNECTOR_REFERENCE_DIR/bigcommerce/specs/`); they are not kept in it. An answer is
validated as if it came from the real API: its URL is rewritten from the emulator's
`.../sandbox/bigcommerce/stores/{hash}/...` to the spec's server `https://api.bigcommerce.com/
stores/{hash}/...`, and openapi-core checks status, content type and body against the path
template's response schema.

Where a spec contradicts itself or every real answer, it is corrected here, each time with the
reason (see `CORRECTIONS`).
"""

import functools

import yaml
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from tests.conftest import require
from tests.examples import reference_dir

SPECS = reference_dir() / "bigcommerce" / "specs"
API_HOST = "https://api.bigcommerce.com"


def reference_available() -> None:
    require(
        SPECS.is_dir(),
        f"conformance to the official BigCommerce OpenAPI specs: they are not at {SPECS} "
        "(put the shared reference beside the repository or set CONNECTOR_REFERENCE_DIR)",
    )


def _anyof_for_oneof(node):
    """The specs use oneOf for alternatives that are not mutually exclusive.

    For instance an order's `consignments` is oneOf a link object and the consignment object,
    neither with required fields, and customer groups' `discount_rules` is oneOf four array
    shapes that differ only in an optional property: a value valid under one is valid under
    all, so oneOf ("exactly one") rejects every answer, including the specs' own examples.
    They are read as anyOf.
    """
    if isinstance(node, dict):
        return {("anyOf" if k == "oneOf" else k): _anyof_for_oneof(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_anyof_for_oneof(v) for v in node]
    return node


def _nullable_refund_requested_amount(spec: dict) -> None:
    """orders.v3: a refund item's `requested_amount` is null in the spec's own example of
    GET /orders/payment_actions/refunds/{id} (a refund by quantity), but `RefundItem` says it
    is a number."""
    amount = {"type": "number", "format": "float", "nullable": True}
    spec["components"]["schemas"]["RefundItem"]["properties"]["requested_amount"] = amount


def _single_customer_metafield_answers(spec: dict) -> None:
    """customers.v3: creating or changing one customer metafield is documented to answer the
    batch endpoints' list (`MetaFieldCollectionPostPutResponses`), unlike the same operations
    on products, variants, categories, brands and orders, and unlike GET of the very same
    metafield; the single metafield it answers is read with GET's schema."""
    paths = spec["paths"]
    single = paths["/customers/{customerId}/metafields/{metafieldId}"]
    answer = single["get"]["responses"]["200"]
    paths["/customers/{customerId}/metafields"]["post"]["responses"]["200"] = answer
    single["put"]["responses"]["200"] = answer


def _nullable_variant_fields_in_catalog_variants(spec: dict) -> None:
    """product-variants: /catalog/variants describes the variants of /products/{id}/variants
    again, and its own description of `price` says "if this value is null, the product's
    default price ... will be used", yet it drops the `nullable` that `productVariant_Base`
    gives the same fields. They are nullable here as they are there."""
    nullable = {
        name
        for name, field in spec["components"]["schemas"]["productVariant_Base"][
            "properties"
        ].items()
        if field.get("nullable")
    }

    def mark(node):
        if isinstance(node, dict):
            for name, field in node.get("properties", {}).items():
                if name in nullable and isinstance(field, dict):
                    field["nullable"] = True
            for value in node.values():
                mark(value)
        elif isinstance(node, list):
            for value in node:
                mark(value)

    for operation in spec["paths"]["/catalog/variants"].values():
        if isinstance(operation, dict) and "responses" in operation:
            mark(operation["responses"])


def _empty_variant_metafield_description(spec: dict) -> None:
    """product-variants: `metafield_Base` requires a non-empty `description`, where
    products_catalog's `metafield_Base` (the same object, "Metafield for products, categories,
    variants, and brands") allows an empty one, which is what a metafield created without
    a description has."""
    spec["components"]["schemas"]["metafield_Base"]["properties"]["description"]["minLength"] = 0


CORRECTIONS = {
    "product-variants_catalog.v3.yml": [
        _nullable_variant_fields_in_catalog_variants,
        _empty_variant_metafield_description,
    ],
    "orders.v3.yml": [_nullable_refund_requested_amount],
    "customers.v3.yml": [_single_customer_metafield_answers],
}


@functools.cache
def openapi(name: str) -> OpenAPI:
    reference_available()
    spec = yaml.safe_load((SPECS / name).read_text())
    spec = _anyof_for_oneof(spec)
    for correct in CORRECTIONS.get(name, ()):
        correct(spec)
    return OpenAPI.from_dict(spec)


def as_official(response):
    """The request of an emulator answer, addressed to the real API's host."""
    prepared = response.request.copy()
    url = prepared.url
    prepared.url = API_HOST + url[url.index("/stores/") :]
    return RequestsOpenAPIRequest(prepared)


def validate(response, spec_name: str) -> None:
    """Raise if the answer does not conform to the official spec's response for its path."""
    openapi(spec_name).validate_response(as_official(response), RequestsOpenAPIResponse(response))
