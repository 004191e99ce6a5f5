"""What every emulator endpoint shares: the request pipeline, error bodies and JSON answers.

A request goes through, in order: the store (unknown hash: 404), the injected faults (latency,
500/503, 429 storm), the `X-Auth-Token` check (401), the store's rate limit (429), then the
handler. The handler runs in its own transaction, committed unless it raises `ApiError`; the
rate-limit counter is committed separately, before it, so that it holds its row for
microseconds rather than for the whole request.
"""

import hmac
import json
import math
from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from sandbox.bigcommerce import ratelimit, webhooks
from sandbox.bigcommerce.models import SandboxStore
from sandbox.faults import FaultPlan, plan_for
from sandbox.models import Emulator

V2, V3 = "v2", "v3"
STATUS_CODES_TYPE = "/api-docs/getting-started/api-status-codes"
TITLES = {
    400: "Input is invalid.",
    401: "Unauthorized - the v3 Auth client ID or token in the request are not a valid "
    "combination for this store.",
    404: "The requested resource was not found.",
    405: "The requested method is not supported by this resource.",
    409: "The request could not be completed due to a conflict.",
    413: "The request payload is too large.",
    422: "JSON data is missing or invalid",
    429: "Too many requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
V2_MESSAGES = {
    401: "You are not authorized to access this resource.",
    429: "You have exceeded the rate limit. Please wait before making further requests.",
}


class ApiError(Exception):
    """An answer other than success; the handler's writes are rolled back."""

    def __init__(self, status: int, title: str = "", errors: dict | None = None, *, body=None):
        super().__init__(title or TITLES.get(status, ""))
        self.status = status
        self.title = title or TITLES.get(status, "")
        self.errors = errors or {}
        self.body = body  # a complete body, where the API's differs from the usual shape

    def response(self, version: str) -> HttpResponse:
        if self.body is not None:
            return json_response(self.body, self.status)
        return error_response(version, self.status, self.title, self.errors)


def error_response(version: str, status: int, title: str = "", errors=None) -> HttpResponse:
    if version == V2:
        message = title or V2_MESSAGES.get(status) or TITLES.get(status, "")
        return json_response([{"status": status, "message": message}], status)
    body = {
        "status": status,
        "title": title or TITLES.get(status, ""),
        "type": STATUS_CODES_TYPE,
        "errors": errors or {},
    }
    return json_response(body, status)


def json_response(data, status: int = 200) -> HttpResponse:
    return text_response(json.dumps(data, separators=(",", ":"), ensure_ascii=False), status)


def text_response(content: str, status: int = 200) -> HttpResponse:
    """An answer whose JSON was put together as text."""
    return HttpResponse(content, status=status, content_type="application/json")


def no_content() -> HttpResponse:
    return HttpResponse(status=204)


@dataclass
class Call:
    """One authenticated API call: the request, its store and API version."""

    request: HttpRequest
    store: SandboxStore
    version: str
    plan: FaultPlan | None = None

    @property
    def query(self):
        return self.request.GET

    @cached_property
    def json(self):
        try:
            return json.loads(self.request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "The request body is not valid JSON.") from None

    @cached_property
    def store_root(self) -> str:
        """The absolute URL of this store's API, as the emulator is reached: `.../stores/{hash}`."""
        marker = f"/stores/{self.store.store_hash}/"
        path = self.request.path
        return self.request.build_absolute_uri(path[: path.index(marker) + len(marker) - 1])


def resource(version: str, **handlers):
    """A view for one API path; `handlers` maps HTTP methods (get=, post=...) to functions."""
    handlers = {method.upper(): handler for method, handler in handlers.items()}

    @csrf_exempt
    @login_not_required
    @transaction.non_atomic_requests
    def view(request, store_hash, **kwargs):
        return serve(request, store_hash, version, handlers, kwargs)

    return view


def serve(request, store_hash, version, handlers, kwargs) -> HttpResponse:
    store = SandboxStore.objects.filter(store_hash=store_hash).first()
    if store is None:
        return error_response(version, 404, "Store not found.")
    webhooks.dispatcher.ensure_running()
    plan = plan_for(Emulator.BIGCOMMERCE)
    refusal = injected_fault(plan, store, version)
    if refusal is not None:
        return refusal
    if not authenticated(request, store):
        return error_response(version, 401)
    quota = ratelimit.consume(store)
    if quota.exceeded:
        response = error_response(version, 429)
        response["X-Retry-After"] = str(math.ceil(quota.reset_ms / 1000))
    else:
        response = run_handler(Call(request, store, version, plan), handlers, kwargs)
    for name, value in quota.headers().items():
        response[name] = value
    return response


def injected_fault(plan: FaultPlan, store: SandboxStore, version: str) -> HttpResponse | None:
    plan.wait()
    status = plan.server_error_status()
    if status:
        return error_response(version, status)
    if not plan.in_rate_limit_storm:
        return None
    response = error_response(version, 429)
    if plan.rate_limit_storm_headers:
        reset_ms = max(
            0, int((plan.rate_limit_storm_until - timezone.now()).total_seconds() * 1000)
        )
        quota = ratelimit.Quota(store.rate_limit_quota, 0, store.rate_limit_window_ms, reset_ms)
        for name, value in quota.headers().items():
            response[name] = value
        response["X-Retry-After"] = str(math.ceil(reset_ms / 1000))
    return response


def authenticated(request: HttpRequest, store: SandboxStore) -> bool:
    token = request.headers.get("X-Auth-Token", "")
    return bool(token) and hmac.compare_digest(token.encode(), store.access_token.encode())


def run_handler(call: Call, handlers: dict, kwargs: dict) -> HttpResponse:
    handler = handlers.get(call.request.method)
    if handler is None:
        response = error_response(call.version, 405)
        response["Allow"] = ", ".join(sorted(handlers))
        return response
    token = webhooks.active_plan.set(call.plan)
    try:
        with transaction.atomic():
            try:
                return handler(call, **kwargs)
            except ApiError as error:
                transaction.set_rollback(True)
                return error.response(call.version)
    finally:
        webhooks.active_plan.reset(token)
