"""The demo environment: emulated BigCommerce store and Salesforce org, connected in the console.

`make run` calls `ensure_demo_environment` on every start: the first run provisions the
emulators, fills the demo store and creates the console's store and org; later runs only update
URLs (the port may have changed) and keep everything else.
"""

import secrets
from dataclasses import dataclass
from functools import partial

from django.db import transaction

from mappings.defaults import apply_default_template
from sandbox.bigcommerce import demo as bc_demo
from sandbox.bigcommerce import services as bc_services
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


def start_activity(store: Store, events_per_minute: int, duration_seconds: int) -> None:
    """Let the emulated store's activity simulator run in the worker, after this commit."""
    from sandbox.tasks import simulate_activity

    kwargs = {
        "store_hash": store.store_hash,
        "events_per_minute": events_per_minute,
        "duration_seconds": duration_seconds,
    }
    transaction.on_commit(partial(simulate_activity.delay, **kwargs))
