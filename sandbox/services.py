"""The demo environment: emulated BigCommerce store and Salesforce org, connected in the console.

`make run` calls `ensure_demo_environment` on every start: the first run provisions the
emulators, fills the demo store and creates the console's store and org; later runs only update
URLs (the port may have changed) and keep everything else. It then calls `ensure_coupon_demo`,
which gives the last days orders with coupons, so that coupon revenue has something to show.
"""

import secrets
from dataclasses import dataclass
from functools import partial

from django.db import transaction

from mappings.defaults import apply_default_template
from mappings.models import CouponCampaign, ObjectSetting, SourceObject
from sandbox.bigcommerce import demo as bc_demo
from sandbox.bigcommerce import services as bc_services
from sandbox.bigcommerce.demo_coupons import SUMMER, WELCOME, ensure_recent_coupon_orders
from sandbox.salesforce import records as sf_records
from sandbox.salesforce import services as sf_services
from stores.models import AuthFlow, Membership, Role, SalesforceOrg, Store

DEMO_STORE_HASH = "demo0sandbox"
DEMO_STORE_NAME = "Demo store"
DEMO_ORG_NAME = "Demo org"
BIGCOMMERCE_PATH = "sandbox/bigcommerce"


@dataclass
class DemoEnvironment:
    store: Store
    org: SalesforceOrg
    seeded: dict | None  # counts of the demo data created by this call, None if it existed


def ensure_demo_environment(owner, base_url: str) -> DemoEnvironment:
    base_url = base_url.rstrip("/")
    org = _ensure_demo_org(owner, base_url)
    store, created = _ensure_demo_store(owner, base_url, org)
    sandbox_store = bc_services.provision_store(
        DEMO_STORE_HASH, store.access_token, name=DEMO_STORE_NAME
    )
    seeded = bc_demo.generate_demo_data(sandbox_store) if created else None
    return DemoEnvironment(store=store, org=org, seeded=seeded)


def _ensure_demo_org(owner, base_url: str) -> SalesforceOrg:
    credentials = sf_services.provision_org(name=DEMO_ORG_NAME)
    org = SalesforceOrg.objects.filter(is_sandbox=True, name=DEMO_ORG_NAME).first()
    if org is None:
        org = SalesforceOrg(name=DEMO_ORG_NAME, is_sandbox=True, created_by=owner)
    org.login_url = base_url
    org.auth_flow = AuthFlow.JWT_BEARER
    org.client_id = credentials.client_id
    org.username = credentials.username
    org.private_key = credentials.private_key_pem
    org.save()
    return org


def _ensure_demo_store(owner, base_url: str, org: SalesforceOrg) -> tuple[Store, bool]:
    api_base_url = f"{base_url}/{BIGCOMMERCE_PATH}"
    store = Store.objects.filter(is_sandbox=True, store_hash=DEMO_STORE_HASH).first()
    created = store is None
    if created:
        store = Store(
            name=DEMO_STORE_NAME,
            store_hash=DEMO_STORE_HASH,
            access_token=secrets.token_hex(16),
            is_sandbox=True,
        )
    store.api_base_url = api_base_url
    store.salesforce_org = org
    store.save()
    Membership.objects.get_or_create(user=owner, store=store, defaults={"role": Role.ADMIN})
    apply_default_template(store)
    return store, created


# The demo org's Campaigns, by the code whose revenue each would take.
DEMO_CAMPAIGNS = {SUMMER["code"]: "Summer sale", WELCOME["code"]: "Welcome offer"}


@dataclass
class CouponDemo:
    orders: int  # recent orders with coupons made by this call
    campaigns: dict[str, str]  # code -> the Id of its Campaign in the demo org
    mapped: list[str]  # the codes of the store's coupon table


def ensure_coupon_demo(environment: DemoEnvironment) -> CouponDemo:
    """Coupon revenue in the demo: recent orders with the demo codes, a Campaign for each code
    in the demo org, and, the first time, the store's coupon table mapping SUMMER10 to its
    Campaign (WELCOME5 is left for the console's list of unknown codes) and coupon revenue
    turned on, which schedules it daily. What an admin changed since is kept."""
    sandbox_store = bc_services.provision_store(
        DEMO_STORE_HASH, environment.store.access_token, name=DEMO_STORE_NAME
    )
    orders = ensure_recent_coupon_orders(sandbox_store)
    campaigns = _ensure_demo_campaigns(sf_services.provision_org(name=DEMO_ORG_NAME).org)
    setting = ObjectSetting.objects.get(store=environment.store, source=SourceObject.COUPON_REVENUE)
    if not setting.coupon_campaigns.exists():
        CouponCampaign.objects.create(
            setting=setting, code=SUMMER["code"], campaign_id=campaigns[SUMMER["code"]]
        )
        setting.enabled = True
        setting.save()
    mapped = list(setting.coupon_campaigns.values_list("code", flat=True))
    return CouponDemo(orders=orders, campaigns=campaigns, mapped=mapped)


def _ensure_demo_campaigns(org) -> dict[str, str]:
    existing = {c["Name"]: c["Id"] for c in sf_records.all_records(org, "Campaign")}
    missing = [name for name in DEMO_CAMPAIGNS.values() if name not in existing]
    if missing:
        rows = [{"Name": name, "IsActive": True, "Status": "In Progress"} for name in missing]
        created = sf_services.create_records(org, "Campaign", rows)
        existing.update(zip(missing, created, strict=True))
    return {code: existing[name] for code, name in DEMO_CAMPAIGNS.items()}


def start_activity(store: Store, events_per_minute: int, duration_seconds: int) -> None:
    """Let the emulated store's activity simulator run in the worker, after this commit."""
    from sandbox.tasks import simulate_activity

    kwargs = {
        "store_hash": store.store_hash,
        "events_per_minute": events_per_minute,
        "duration_seconds": duration_seconds,
    }
    transaction.on_commit(partial(simulate_activity.delay, **kwargs))
