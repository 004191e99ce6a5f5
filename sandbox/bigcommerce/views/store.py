"""v2 store information and time, and the 404 of paths the API does not have."""

import uuid

from django.utils import timezone

from sandbox.bigcommerce import dates
from sandbox.bigcommerce.api import ApiError, Call, json_response

# Store information that does not vary between emulated stores.
STORE_SETTINGS = {
    "status": "live",
    "first_name": "Sandbox",
    "last_name": "Owner",
    "address": "",
    "country": "United States",
    "country_code": "US",
    "phone": "",
    "favicon_url": "",
    "timezone": {
        "name": "Etc/UTC",
        "raw_offset": 0,
        "dst_offset": 0,
        "dst_correction": False,
        "date_format": {
            "display": "M jS Y",
            "export": "M jS Y",
            "extended_display": "M jS Y @ g:i A",
        },
    },
    "language": "en",
    "currency": "USD",
    "currency_symbol": "$",
    "decimal_separator": ".",
    "thousands_separator": ",",
    "decimal_places": 2,
    "currency_symbol_location": "left",
    "weight_units": "LBS",
    "dimension_units": "Inches",
    "dimension_decimal_places": 2,
    "dimension_decimal_token": ".",
    "dimension_thousands_token": ",",
    "plan_name": "Standard",
    "plan_level": "Standard",
    "plan_is_trial": False,
    "industry": "",
    "logo": [],
    "is_price_entered_with_tax": False,
    "default_channel_id": 1,
    "default_site_id": 1000,
    "active_comparison_modules": [],
    "features": {
        "stencil_enabled": True,
        "sitewidehttps_enabled": True,
        "facebook_catalog_id": "",
        "checkout_type": "optimized",
        "wishlists_enabled": False,
        "graphql_storefront_api_enabled": True,
        "shopper_consent_tracking_enabled": False,
        "multi_storefront_enabled": False,
        "storefront_limits": {"active": 1, "total_including_inactive": 1},
    },
}


def store_information(call: Call):
    store = call.store
    site = call.request.build_absolute_uri("/").rstrip("/")
    account = uuid.uuid5(uuid.NAMESPACE_URL, f"bigcommerce-sandbox:{store.store_hash}")
    return json_response(
        {
            "id": store.store_hash,
            "account_uuid": str(account),
            "domain": call.request.get_host(),
            "secure_url": site,
            "control_panel_base_url": site,
            "name": store.name,
            "admin_email": f"owner@{store.store_hash}.example.com",
            "order_email": f"orders@{store.store_hash}.example.com",
            "store_id": store.store_id,
            **STORE_SETTINGS,
        }
    )


def time(call: Call):
    return json_response({"time": dates.unix(timezone.now())})


def unknown_path(call: Call, **kwargs):
    raise ApiError(404)
