"""Emulated stores and the per-store id sequences of their records."""

import hashlib

from django.db import IntegrityError, transaction
from django.db.models import F

from sandbox.bigcommerce import dates
from sandbox.bigcommerce.models import IdSequence, RateLimitWindow, SandboxStore


def provision_store(
    store_hash: str, access_token: str, *, name: str = "Sandbox store"
) -> SandboxStore:
    """The emulated store with this hash, created on first call; its token and name follow."""
    with transaction.atomic():
        store = SandboxStore.objects.select_for_update().filter(store_hash=store_hash).first()
        if store is None:
            store = SandboxStore.objects.create(
                store_hash=store_hash,
                access_token=access_token,
                name=name,
                store_id=_store_id(store_hash),
                client_id=hashlib.sha1(
                    f"client:{store_hash}".encode(), usedforsecurity=False
                ).hexdigest()[:31],
            )
            RateLimitWindow.objects.create(store=store, started_at=dates.now(), used=0)
        elif (store.access_token, store.name) != (access_token, name):
            store.access_token, store.name = access_token, name
            store.save(update_fields=["access_token", "name"])
    return store


def _store_id(store_hash: str) -> int:
    # Stable for a hash, and in the range of real store ids (ten digits).
    digest = int(hashlib.sha1(store_hash.encode(), usedforsecurity=False).hexdigest(), 16)
    candidate = 1_000_000_000 + digest % 8_999_999_999
    while SandboxStore.objects.filter(store_id=candidate).exists():
        candidate += 1
    return candidate


def allocate_ids(store: SandboxStore, name: str, count: int = 1) -> range:
    """`count` fresh API ids for records of one kind in one store."""
    with transaction.atomic():
        for _ in range(2):
            if IdSequence.objects.filter(store=store, name=name).update(last=F("last") + count):
                break
            try:
                with transaction.atomic():
                    IdSequence.objects.create(store=store, name=name, last=count)
                break
            except IntegrityError:
                continue  # created by a concurrent call: increment it instead
        last = IdSequence.objects.values_list("last", flat=True).get(store=store, name=name)
    return range(last - count + 1, last + 1)


def next_id(store: SandboxStore, name: str) -> int:
    return allocate_ids(store, name)[0]


def reset_ids(store: SandboxStore) -> None:
    IdSequence.objects.filter(store=store).delete()
