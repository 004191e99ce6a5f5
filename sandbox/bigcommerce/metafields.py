"""Metafields of products, variants, categories, brands, customers and orders."""

from django.db.models import QuerySet

from sandbox.bigcommerce import dates
from sandbox.bigcommerce.api import ApiError
from sandbox.bigcommerce.models import Metafield, SandboxStore
from sandbox.bigcommerce.services import allocate_ids
from sandbox.bigcommerce.validation import Errors, batch, body_object
from sandbox.bigcommerce.webhooks import emit

PERMISSION_SETS = ("app_only", "read", "write", "read_and_sf_access", "write_and_sf_access")
MAX_PER_RESOURCE = 250
# The scope family of each resource's own metafield events; customers have only the generic
# `store/metafield/*` events, which every metafield change also fires.
RESOURCE_SCOPES = {
    "product": "store/product/metafield",
    "variant": "store/product/variant/metafield",
    "category": "store/category/metafield",
    "brand": "store/brand/metafield",
    "order": "store/order/metafield",
}
FIELDS = ("namespace", "key", "value", "permission_set", "description")
BATCH_LIMIT = 1000  # not documented; large enough for any real batch


def render(metafield: Metafield) -> dict:
    return {
        "id": metafield.bc_id,
        "key": metafield.key,
        "value": metafield.body["value"],
        "namespace": metafield.namespace,
        "permission_set": metafield.body["permission_set"],
        "resource_type": metafield.resource_type,
        "resource_id": metafield.resource_id,
        "description": metafield.body.get("description", ""),
        "date_created": dates.v3(metafield.date_created),
        "date_modified": dates.v3(metafield.date_modified),
        "owner_client_id": metafield.owner_client_id,
    }


def metafields(store: SandboxStore, resource_type: str, resource_id: int | None = None) -> QuerySet:
    queryset = Metafield.objects.filter(store=store, resource_type=resource_type)
    if resource_id is not None:
        queryset = queryset.filter(resource_id=resource_id)
    return queryset.order_by("bc_id")


def get_metafield(store: SandboxStore, resource_type: str, resource_id: int, metafield_id: int):
    metafield = metafields(store, resource_type, resource_id).filter(bc_id=metafield_id).first()
    if metafield is None:
        raise ApiError(404, "The requested metafield was not found.")
    return metafield


def _check(data: dict, errors: Errors, prefix: str, creating: bool) -> None:
    if creating:
        errors.missing(data, ("namespace", "key", "value", "permission_set"), prefix)
    errors.text(data, "namespace", prefix, 64)
    errors.text(data, "key", prefix, 64)
    errors.text(data, "value", prefix, 65535)
    errors.text(data, "description", prefix, 255)
    if data.get("permission_set") is not None and data["permission_set"] not in PERMISSION_SETS:
        errors[f"{prefix}permission_set"] = "error.enum"


def _check_unique(store, resource_type, resource_id, namespace, key, exclude=None) -> None:
    clash = metafields(store, resource_type, resource_id).filter(
        owner_client_id=store.client_id, namespace=namespace, key=key
    )
    if clash.exclude(pk=exclude).exists():
        raise ApiError(
            409,
            "Metafield with this namespace and key already exists on this resource.",
            {"key": f"{namespace}.{key} already exists"},
        )


def create_metafield(store: SandboxStore, resource_type: str, resource_id: int, data) -> Metafield:
    data = body_object(data)
    errors = Errors()
    _check(data, errors, "", creating=True)
    errors.raise_if_any()
    return _create(store, resource_type, resource_id, data, allocate_ids(store, "metafield")[0])


def _create(store, resource_type, resource_id, data, bc_id) -> Metafield:
    _check_unique(store, resource_type, resource_id, data["namespace"], data["key"])
    if metafields(store, resource_type, resource_id).count() >= MAX_PER_RESOURCE:
        raise ApiError(422, f"A resource can have at most {MAX_PER_RESOURCE} metafields.")
    now = dates.now()
    metafield = Metafield.objects.create(
        store=store,
        bc_id=bc_id,
        resource_type=resource_type,
        resource_id=resource_id,
        namespace=data["namespace"],
        key=data["key"],
        owner_client_id=store.client_id,
        date_created=now,
        date_modified=now,
        body={
            name: data[name] for name in ("value", "permission_set", "description") if name in data
        },
    )
    _emit(metafield, "created")
    return metafield


def update_metafield(metafield: Metafield, data) -> Metafield:
    data = body_object(data)
    errors = Errors()
    _check(data, errors, "", creating=False)
    errors.raise_if_any()
    return _update(metafield, data)


def _update(metafield: Metafield, data: dict) -> Metafield:
    namespace = data.get("namespace") or metafield.namespace
    key = data.get("key") or metafield.key
    _check_unique(
        metafield.store,
        metafield.resource_type,
        metafield.resource_id,
        namespace,
        key,
        metafield.pk,
    )
    metafield.namespace, metafield.key = namespace, key
    metafield.body.update(
        {k: data[k] for k in ("value", "permission_set", "description") if k in data}
    )
    metafield.date_modified = dates.now()
    metafield.save()
    _emit(metafield, "updated")
    return metafield


def delete_metafield(metafield: Metafield) -> None:
    metafield.delete()
    _emit(metafield, "deleted")


def _emit(metafield: Metafield, action: str) -> None:
    data = {
        "metafield_id": metafield.bc_id,
        "resource_id": str(metafield.resource_id),
        "resource_type": metafield.resource_type,
        "namespace": metafield.namespace,
    }
    emit(metafield.store, f"store/metafield/{action}", data)
    family = RESOURCE_SCOPES.get(metafield.resource_type)
    if family:
        specific = {k: v for k, v in data.items() if k != "resource_type"}
        emit(metafield.store, f"{family}/{action}", specific)


# --- batch endpoints (/.../metafields) ----------------------------------------------------------
def create_batch(
    store: SandboxStore, resource_type: str, data, known_ids: set[int]
) -> list[Metafield]:
    items = batch(data, BATCH_LIMIT)
    errors = Errors()
    for index, item in enumerate(items):
        _check(item, errors, f"{index}.", creating=True)
        if item.get("resource_id") not in known_ids:
            errors[f"{index}.resource_id"] = f"The {resource_type} does not exist."
    errors.raise_if_any()
    ids = allocate_ids(store, "metafield", len(items))
    return [
        _create(store, resource_type, item["resource_id"], item, bc_id)
        for bc_id, item in zip(ids, items, strict=True)
    ]


def update_batch(store: SandboxStore, resource_type: str, data) -> list[Metafield]:
    items = batch(data, BATCH_LIMIT)
    found = {
        m.bc_id: m
        for m in metafields(store, resource_type).filter(bc_id__in=[i.get("id") for i in items])
    }
    errors = Errors()
    for index, item in enumerate(items):
        if item.get("id") not in found:
            errors[f"{index}.id"] = "The metafield was not found."
        _check(item, errors, f"{index}.", creating=False)
    errors.raise_if_any()
    return [_update(found[item["id"]], item) for item in items]


def delete_batch(store: SandboxStore, resource_type: str, data) -> list[int]:
    if not isinstance(data, list) or not all(isinstance(i, int) for i in data):
        raise ApiError(422, "JSON data is missing or invalid", {"$": "error.type.array of ids"})
    doomed = list(metafields(store, resource_type).filter(bc_id__in=data))
    for metafield in doomed:
        delete_metafield(metafield)
    return [m.bc_id for m in doomed]
