"""How BigCommerce answers map to the typed errors of integrations.errors."""

import requests

from integrations import errors

SYSTEM = "BigCommerce"


def error_for(response: requests.Response) -> errors.APIError:
    status = response.status_code
    message, field_errors = _message(response)
    kwargs = {"status": status, "details": _body(response), "system": SYSTEM}
    if status in (401, 403):
        hint = "the access token was refused" if status == 401 else "a scope is missing"
        return errors.AuthError(f"{message} ({hint})", **kwargs)
    if status == 404:
        return errors.NotFound(message, **kwargs)
    if status == 409:
        return errors.Conflict(message, **kwargs)
    if status in (400, 422):
        return errors.ValidationFailed(message, field_errors=field_errors, **kwargs)
    if status == 429:
        return errors.RateLimited(message, retry_after=retry_after_seconds(response), **kwargs)
    if status >= 500 and status != 507:
        return errors.TransientError(message, **kwargs)
    return errors.PermanentError(message, **kwargs)


def retry_after_seconds(response: requests.Response, default: float = 30.0) -> float:
    """How long a 429 asks us to wait: the longer of X-Retry-After and the window reset.

    Without either header the platform is under load; the caller backs off from `default`.
    """
    reset_ms = _number(response.headers.get("X-Rate-Limit-Time-Reset-Ms"))
    retry_after = _number(response.headers.get("X-Retry-After"))
    candidates = [v for v in (reset_ms / 1000 if reset_ms is not None else None, retry_after) if v]
    return max(candidates) if candidates else default


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _body(response: requests.Response):
    try:
        return response.json()
    except ValueError:
        return response.text[:500]


def _message(response: requests.Response) -> tuple[str, dict]:
    """The error text and field errors of a v3 object or a v2 list body."""
    body = _body(response)
    if isinstance(body, dict) and isinstance(body.get("batch_errors"), list):
        body = merged_batch_errors(body["batch_errors"])
    if isinstance(body, dict):
        field_errors = body.get("errors") if isinstance(body.get("errors"), dict) else {}
        title = body.get("title") or body.get("message") or response.reason
        details = "; ".join(f"{k}: {v}" for k, v in field_errors.items())
        return (f"{title} ({details})" if details else str(title)), field_errors
    if isinstance(body, list) and body and isinstance(body[0], dict):
        return "; ".join(str(item.get("message", item)) for item in body), {}
    return (body or response.reason or f"HTTP {response.status_code}"), {}


def merged_batch_errors(batch_errors: list) -> dict:
    """One error of the "Variants Batch Error Response": the titles and the field errors of
    all its errors (product-variants_catalog.v3.yml, PUT /catalog/variants)."""
    found = [e for e in batch_errors if isinstance(e, dict)]
    titles = dict.fromkeys(str(e["title"]) for e in found if e.get("title"))
    field_errors = {}
    for error in found:
        if isinstance(error.get("errors"), dict):
            field_errors.update(error["errors"])
    return {"title": "; ".join(titles), "errors": field_errors}
