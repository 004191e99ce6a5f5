"""The fields a BigCommerce record of each source object has, for checking mappings' source paths.

From BigCommerce's OpenAPI specs and example payloads (customers.v3.yml, products_catalog.v3.yml,
category-trees_catalog.v3.yml, orders.v2.oas2.yml, orders.v3.yml), as the extract stage reads
them (with its includes), plus the fields the pipeline derives. Only the first segment of a
path is checked: what lies below (an address's city) varies with the record.

Some fields hold what each store defines for itself (form fields, customer attributes, custom
fields, metafields): a name under them is found only in the store's own records.
"""

from mappings.models import SourceObject

_ORDER = {
    "base_handling_cost", "base_shipping_cost", "base_wrapping_cost", "billing_address",
    "cart_id", "channel_id", "consignments", "coupon_discount", "coupons", "credit_card_type",
    "currency_code", "currency_exchange_rate", "currency_id", "custom_status", "customer_id",
    "customer_locale", "customer_message", "date_created", "date_modified", "date_shipped",
    "default_currency_code", "default_currency_id", "discount_amount", "ebay_order_id",
    "external_id", "external_merchant_id", "external_order_id", "external_source", "fees",
    "geoip_country", "geoip_country_iso2", "gift_certificate_amount", "handling_cost_ex_tax",
    "handling_cost_inc_tax", "handling_cost_tax", "handling_cost_tax_class_id", "id",
    "ip_address", "ip_address_v6", "is_deleted", "is_email_opt_in", "is_tax_inclusive_pricing",
    "items_shipped", "items_total", "order_is_digital", "order_source", "payment_method",
    "payment_provider_id", "payment_status", "products", "refunded_amount",
    "shipping_address_count", "shipping_addresses", "shipping_cost_ex_tax",
    "shipping_cost_inc_tax", "shipping_cost_tax", "shipping_cost_tax_class_id", "staff_notes",
    "status", "status_id", "store_credit_amount", "store_default_currency_code",
    "store_default_to_transactional_exchange_rate", "subtotal_ex_tax", "subtotal_inc_tax",
    "subtotal_tax", "tax_provider_id", "total_ex_tax", "total_inc_tax", "total_tax",
    "wrapping_cost_ex_tax", "wrapping_cost_inc_tax", "wrapping_cost_tax",
    "wrapping_cost_tax_class_id",
}  # fmt: skip
_PERSON_DERIVED = {"full_name", "account_name"}

KNOWN: dict[str, frozenset[str]] = {
    SourceObject.CUSTOMER: frozenset({
        "accepts_product_review_abandoned_cart_emails", "address_count", "addresses",
        "attribute_count", "attributes", "authentication", "channel_ids", "company",
        "customer_group_id", "date_created", "date_modified", "email", "first_name",
        "form_fields", "id", "last_name", "notes", "origin_channel_id", "phone",
        "registration_ip_address", "segment_ids", "shopper_profile_id", "store_credit_amounts",
        "tax_exempt_category", "customer_group", *_PERSON_DERIVED,
    }),
    SourceObject.GUEST: frozenset({*_ORDER, "line_items", *_PERSON_DERIVED}),
    SourceObject.CATEGORY: frozenset({
        "category_id", "category_uuid", "default_product_sort", "description", "image_url",
        "is_visible", "layout_file", "meta_description", "meta_keywords", "name", "page_title",
        "parent_id", "search_keywords", "sort_order", "tree_id", "url", "views",
    }),
    SourceObject.PRODUCT: frozenset({
        "availability", "availability_description", "base_variant_id", "bin_picking_number",
        "brand_id", "bulk_pricing_rules", "calculated_price", "categories", "condition",
        "cost_price", "custom_fields", "custom_url", "date_created", "date_modified", "depth",
        "description", "fixed_cost_shipping_price", "gift_wrapping_options_list",
        "gift_wrapping_options_type", "gtin", "height", "id", "images", "inventory_level",
        "inventory_tracking", "inventory_warning_level", "is_condition_shown", "is_featured",
        "is_free_shipping", "is_preorder_only", "is_price_hidden", "is_visible", "layout_file",
        "map_price", "meta_description", "meta_keywords", "modifiers", "mpn", "name",
        "open_graph_description", "open_graph_title", "open_graph_type", "open_graph_use_image",
        "open_graph_use_meta_description", "open_graph_use_product_name", "option_set_display",
        "option_set_id", "options", "order_quantity_maximum", "order_quantity_minimum",
        "page_title", "preorder_message", "preorder_release_date", "price",
        "price_hidden_label", "primary_image", "product_tax_code", "related_products",
        "retail_price", "reviews_count", "reviews_rating_sum", "sale_price", "search_keywords",
        "sku", "sort_order", "tax_class_id", "total_sold", "type", "upc", "variants",
        "videos", "view_count", "warranty", "weight", "width",
        "variant", "variant_id",  # a variant imported as a product
    }),
    SourceObject.ORDER: frozenset({*_ORDER, "line_items"}),
    SourceObject.REFUND: frozenset({
        "created", "id", "items", "order_id", "payments", "reason", "total_amount", "total_tax",
        "user_id", "uses_merchant_override_values", "order",
    }),
    # One record per coupon code and day, summed from the day's orders.
    SourceObject.COUPON_REVENUE: frozenset({"code", "revenue", "orders", "day"}),
}  # fmt: skip

# An order's line (OrderItem, OpportunityLineItem rules read it, with its order).
LINE_ITEM: frozenset[str] = frozenset({
    "applied_discounts", "base_cost_price", "base_price", "base_total", "base_wrapping_cost",
    "bin_picking_number", "brand", "configurable_fields", "cost_price_ex_tax",
    "cost_price_inc_tax", "cost_price_tax", "depth", "discounted_total_inc_tax", "ebay_item_id",
    "ebay_transaction_id", "external_id", "fixed_shipping_cost", "gift_certificate_id",
    "height", "id", "is_bundled_product", "is_refunded", "name", "name_customer",
    "name_merchant", "option_set_id", "order_address_id", "order_id", "parent_order_product_id",
    "price_ex_tax", "price_inc_tax", "price_tax", "product_id", "product_options", "quantity",
    "quantity_refunded", "quantity_shipped", "refund_amount", "return_id", "sku",
    "total_ex_tax", "total_inc_tax", "total_tax", "type", "upc", "variant_id", "weight",
    "width", "wrapping_cost_ex_tax", "wrapping_cost_inc_tax", "wrapping_cost_tax",
    "wrapping_id", "wrapping_message", "wrapping_name", "order",
})  # fmt: skip
LINE_ITEM_OBJECTS = {"OrderItem", "OpportunityLineItem"}

# Fields whose names each store defines; a path names one below them.
STORE_DEFINED = {"form_fields", "attributes", "custom_fields", "metafields"}
