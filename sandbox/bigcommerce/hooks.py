"""Webhook subscriptions (`/v3/hooks`): validation, changes and their representation."""

from ipaddress import ip_address
from urllib.parse import urlsplit

from sandbox.bigcommerce import dates
from sandbox.bigcommerce.api import ApiError
from sandbox.bigcommerce.models import Hook, SandboxStore
from sandbox.bigcommerce.services import next_id

MAX_HOOKS_PER_SCOPE = 10
LOOPBACK_NAMES = {"localhost"}
INVALID = "JSON data is missing or invalid"


def render(hook: Hook) -> dict:
    return {
        "id": hook.bc_id,
        "client_id": hook.client_id,
        "store_hash": hook.store.store_hash,
        "created_at": dates.unix(hook.created_at),
        "updated_at": dates.unix(hook.updated_at),
        "scope": hook.scope,
        "destination": hook.destination,
        "is_active": hook.is_active,
        "headers": hook.headers,
    }


def visible_hooks(store: SandboxStore):
    return Hook.objects.filter(store=store, client_id=store.client_id).select_related("store")


def get_hook(store: SandboxStore, hook_id: int) -> Hook:
    hook = visible_hooks(store).filter(bc_id=hook_id).first()
    if hook is None:
        raise ApiError(404, f"Webhook with id [{hook_id}] not found")
    return hook


def create_hook(store: SandboxStore, data) -> Hook:
    if not isinstance(data, dict):
        raise ApiError(422, INVALID, {"$": "error.type.object"})
    missing = {
        name: "error.path.missing." for name in ("scope", "destination") if not data.get(name)
    }
    if missing:
        raise ApiError(422, INVALID, missing)
    fields = _clean_fields(data)
    _check_limits(store, fields["scope"], fields["destination"])
    now = dates.now()
    return Hook.objects.create(
        store=store,
        bc_id=next_id(store, "hook"),
        client_id=store.client_id,
        is_active=fields.get("is_active", True),
        headers=fields.get("headers"),
        scope=fields["scope"],
        destination=fields["destination"],
        created_at=now,
        updated_at=now,
    )


def update_hook(hook: Hook, data) -> Hook:
    if not isinstance(data, dict) or not data:
        raise ApiError(422, INVALID, {"$": "At least one field is required."})
    fields = _clean_fields(data)
    if {"scope", "destination"} & set(fields):
        scope = fields.get("scope", hook.scope)
        _check_limits(hook.store, scope, fields.get("destination", hook.destination), hook)
    for name, value in fields.items():
        setattr(hook, name, value)
    hook.updated_at = dates.now()
    hook.save()
    return hook


def _clean_fields(data: dict) -> dict:
    fields, errors = {}, {}
    for name in ("scope", "destination"):
        if name in data:
            if isinstance(data[name], str) and data[name].strip():
                fields[name] = data[name].strip()
            else:
                errors[name] = "error.type.string"
    if "destination" in fields and not destination_allowed(fields["destination"]):
        errors["destination"] = "The destination must be an https URL on port 443."
    if "is_active" in data:
        if isinstance(data["is_active"], bool):
            fields["is_active"] = data["is_active"]
        else:
            errors["is_active"] = "error.type.boolean"
    if "headers" in data:
        headers = data["headers"]
        if headers is None or (
            isinstance(headers, dict) and all(isinstance(v, str) for v in headers.values())
        ):
            fields["headers"] = headers
        else:
            errors["headers"] = "error.type.object of strings"
    if errors:
        raise ApiError(422, INVALID, errors)
    return fields


def destination_allowed(url: str) -> bool:
    """https on port 443, as the platform demands; and, unlike it, plain http on loopback.

    The emulator's deviation lets hooks reach a connector running on the same machine, which
    has no certificate.
    """
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return False
    if parts.scheme == "https":
        return bool(parts.hostname) and port in (None, 443)
    return parts.scheme == "http" and _is_loopback(parts.hostname or "")


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def _check_limits(store: SandboxStore, scope: str, destination: str, hook=None) -> None:
    same_scope = visible_hooks(store).filter(scope=scope).exclude(pk=hook.pk if hook else None)
    if same_scope.filter(destination=destination).exists():
        raise ApiError(
            422, INVALID, {"destination": "A webhook for this scope and destination exists."}
        )
    if same_scope.count() >= MAX_HOOKS_PER_SCOPE:
        raise ApiError(422, INVALID, {"scope": "At most 10 webhooks per scope."})
